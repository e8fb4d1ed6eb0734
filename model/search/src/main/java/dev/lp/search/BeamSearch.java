package dev.lp.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Beam search over one set of beams as a pure state machine: {@link #schedule()} says which token
 * to feed each live row, the caller runs the model, and {@link #update(Plan, float[][])} chooses
 * the survivors from the returned log-probabilities. It never touches a model, so it is tested
 * with fake logits.
 *
 * <p>Rules (fairseq's candidate rule with GNMT length normalisation and early stopping):
 *
 * <ul>
 *   <li>Step 0 has one live row fed {@link Settings#bos()}; afterwards up to {@code beamWidth}.
 *   <li>Each step ranks every (live row, token) by cumulative log-probability and takes the best
 *       {@code 2·beamWidth}: an EOS candidate finishes if it ranks within the best {@code
 *       beamWidth} (where plain top-k beam search would keep it), and the best {@code beamWidth}
 *       non-EOS candidates survive, so the live width stays {@code beamWidth} while EOS is being
 *       chosen. A row whose tokens are all {@code -infinity} (or banned) dies; fewer valid
 *       candidates than {@code beamWidth} shrink the beam.
 *   <li>With {@code beamWidth} 1 and alpha 0 this is exactly greedy decoding; with alpha &gt; 0 the
 *       best non-EOS row may go on after a finish when a longer hypothesis could still score
 *       higher once normalised.
 *   <li>Lengths count generated tokens including EOS, never BOS. A hypothesis that reaches {@link
 *       Settings#maxLength()} without EOS finishes as <em>truncated</em>: it is kept so a caller
 *       can report it, but {@link #results()} ranks it after every EOS-terminated hypothesis.
 *   <li>Score = cumulative log-prob / ((5 + length) / 6)^alpha (GNMT length normalisation).
 *   <li>{@link #done()} once no row is live, or once {@code beamWidth} hypotheses ended in EOS and
 *       no live row can still beat the worst of them (its log-prob can only fall, so its best
 *       possible score is its log-prob over the penalty at max length).
 *   <li>With a {@link Settings#constraint()}, each live row carries the constraint's state for its
 *       own prefix and a token the constraint disallows (given the tokens left before max length)
 *       counts as -infinity, so program beams spend no slot on sequences that are not programs.
 *   <li>Rows whose constraint states are equivalent ({@link TokenConstraint#equivalenceKey}) are
 *       merged: of the candidates that would survive a step, only the best-scoring one per key
 *       does, and the next candidate takes the freed slot.
 *   <li>A row whose constraint state {@linkplain TokenConstraint#endsHere ends there} finishes at
 *       once, complete, with EOS appended at no cost, where it would have survived; it takes no
 *       live slot.
 *   <li>EOS is no candidate before {@link Settings#minTokens()} tokens were generated, so no
 *       hypothesis is shorter (latent beams: at least one code, as every code in training has).
 * </ul>
 *
 * <p>Not thread-safe: one owner drives it.
 */
public final class BeamSearch {

  /**
   * Configuration of one beam search.
   *
   * @param beamWidth k, the number of live rows kept and of results returned (≥ 1)
   * @param vocab number of token ids, the width of every log-prob row
   * @param bos id fed to the single row of step 0
   * @param eos id that ends a hypothesis
   * @param maxLength most generated tokens per hypothesis, EOS included (≥ 1)
   * @param alpha GNMT length-normalisation exponent (0 = raw log-prob; 0.6 by default)
   * @param banned ids that may never be chosen (e.g. PAD and BOS); may be empty, never EOS
   * @param constraint which tokens may come next per hypothesis, covering {@code vocab} ids; null
   *     for none (any token not banned)
   * @param minTokens fewest tokens generated before EOS may be chosen (EOS not counted), 0..maxLength;
   *     0 lets EOS come first
   */
  public record Settings(
      int beamWidth, int vocab, int bos, int eos, int maxLength, double alpha, int[] banned,
      TokenConstraint constraint, int minTokens) {

    public static final double DEFAULT_ALPHA = 0.6;

    /** Settings without a token constraint, EOS allowed from the first step. */
    public Settings(int beamWidth, int vocab, int bos, int eos, int maxLength, double alpha, int[] banned) {
      this(beamWidth, vocab, bos, eos, maxLength, alpha, banned, null, 0);
    }

    /** Settings with EOS allowed from the first step. */
    public Settings(int beamWidth, int vocab, int bos, int eos, int maxLength, double alpha, int[] banned,
        TokenConstraint constraint) {
      this(beamWidth, vocab, bos, eos, maxLength, alpha, banned, constraint, 0);
    }

    public Settings {
      if (beamWidth < 1) {
        throw new IllegalArgumentException("beamWidth must be >= 1, got " + beamWidth);
      }
      if (vocab < 2) {
        throw new IllegalArgumentException("vocab must be >= 2, got " + vocab);
      }
      if (bos < 0 || bos >= vocab) {
        throw new IllegalArgumentException("bos id " + bos + " outside vocab 0.." + (vocab - 1));
      }
      if (eos < 0 || eos >= vocab) {
        throw new IllegalArgumentException("eos id " + eos + " outside vocab 0.." + (vocab - 1));
      }
      if (maxLength < 1) {
        throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
      }
      if (!(alpha >= 0) || Double.isInfinite(alpha)) {
        throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
      }
      banned = banned == null ? new int[0] : banned.clone();
      for (int id : banned) {
        if (id < 0 || id >= vocab) {
          throw new IllegalArgumentException("banned id " + id + " outside vocab 0.." + (vocab - 1));
        }
        if (id == eos) {
          throw new IllegalArgumentException("the eos id " + eos + " cannot be banned");
        }
      }
      if (constraint != null && constraint.vocab() != vocab) {
        throw new IllegalArgumentException("constraint " + constraint + " covers " + constraint.vocab()
            + " token ids but the beam's vocab is " + vocab);
      }
      if (minTokens < 0 || minTokens > maxLength) {
        throw new IllegalArgumentException("minTokens must be in 0..maxLength (" + maxLength + "), got " + minTokens);
      }
    }

    /**
     * A beam over latent codes of {@code info}'s model. Latent id 0 is padding by the port's
     * convention and BOS only starts a code: neither may be generated. Every code has at least one
     * latent: training never shows the program decoder an empty one.
     */
    public static Settings forLatents(ModelInfo info, int width, double alpha) {
      int[] banned = info.latentEos() == 0 ? new int[] {info.latentBos()} : new int[] {0, info.latentBos()};
      // maxLatentLength counts the EOS; a code cut off at the limit has no EOS, so the beam stops one
      // token earlier and every code it returns fits the decoder (at most maxLatentLength - 1 codes).
      return new Settings(width, info.latentVocab(), info.latentBos(), info.latentEos(),
          Math.max(1, info.maxLatentLength() - 1), alpha, banned, null, 1);
    }

    /**
     * A beam over program tokens of {@code info}'s model; PAD and BOS may never be generated, and
     * the DSL grammar ({@link TokenConstraint#programGrammar()}) keeps every hypothesis a prefix of
     * a program that fits in max length ({@link #withoutConstraint()} turns it off).
     *
     * @throws IllegalArgumentException if the model's program vocabulary is not the DSL's 316 ids
     */
    public static Settings forPrograms(ModelInfo info, int width, double alpha) {
      return new Settings(width, info.programVocab(), dev.lp.dsl.Tokens.BOS, dev.lp.dsl.Tokens.EOS,
          info.maxProgramLength(), alpha, new int[] {dev.lp.dsl.Tokens.PAD, dev.lp.dsl.Tokens.BOS},
          TokenConstraint.programGrammar(), 0);
    }

    /** Settings with the default alpha 0.6 and {@code bos} banned. */
    public static Settings of(int beamWidth, int vocab, int bos, int eos, int maxLength) {
      return new Settings(beamWidth, vocab, bos, eos, maxLength, DEFAULT_ALPHA, new int[] {bos});
    }

    /** A copy with another beam width. */
    public Settings withBeamWidth(int width) {
      return new Settings(width, vocab, bos, eos, maxLength, alpha, banned, constraint, minTokens);
    }

    /** A copy with another alpha. */
    public Settings withAlpha(double a) {
      return new Settings(beamWidth, vocab, bos, eos, maxLength, a, banned, constraint, minTokens);
    }

    /** A copy with another token constraint (null for none). */
    public Settings withConstraint(TokenConstraint c) {
      return new Settings(beamWidth, vocab, bos, eos, maxLength, alpha, banned, c, minTokens);
    }

    /** A copy that generates at least {@code n} tokens before EOS may be chosen. */
    public Settings withMinTokens(int n) {
      return new Settings(beamWidth, vocab, bos, eos, maxLength, alpha, banned, constraint, n);
    }

    /** A copy without a token constraint: any id that is not banned may be generated. */
    public Settings withoutConstraint() {
      return withConstraint(null);
    }

    @Override
    public int[] banned() {
      return banned.clone();
    }
  }

  /**
   * One forward call's worth of work: feed {@code tokens[r]} to live row r. Immutable.
   *
   * @param step number of tokens already generated per row (0 on the first call)
   */
  public record Plan(int step, int[] tokens) {
    public Plan {
      tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
      return tokens.clone();
    }

    /** Number of live rows the model must run. */
    public int rows() {
      return tokens.length;
    }
  }

  /**
   * A finished sequence.
   *
   * @param tokens generated ids, BOS excluded, ending in EOS when {@code complete}
   * @param logProb cumulative log-probability
   * @param score length-normalised log-probability
   * @param complete true when it ended in EOS, false when cut at max length
   */
  public record Hypothesis(int[] tokens, double logProb, double score, boolean complete) {
    public Hypothesis {
      tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
      return tokens.clone();
    }

    /** The tokens without the trailing EOS (all of them when truncated). */
    public int[] body() {
      return complete ? Arrays.copyOf(tokens, tokens.length - 1) : tokens.clone();
    }

    /** Number of generated tokens, EOS included. */
    public int length() {
      return tokens.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Hypothesis h
          && Arrays.equals(tokens, h.tokens)
          && Double.compare(logProb, h.logProb) == 0
          && Double.compare(score, h.score) == 0
          && complete == h.complete;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(tokens) * 31 + Double.hashCode(score);
    }

    @Override
    public String toString() {
      return "Hypothesis" + Arrays.toString(tokens) + (complete ? "" : "(truncated)")
          + " logProb=" + logProb + " score=" + score;
    }
  }

  /**
   * What one {@link #update} decided.
   *
   * @param parents for each new live row, the old row it extends: pass to {@code Decoder.reorder}
   * @param finished hypotheses finished by this step (EOS chosen or max length reached)
   */
  public record Update(int[] parents, List<Hypothesis> finished) {
    public Update {
      parents = parents.clone();
      finished = List.copyOf(finished);
    }

    @Override
    public int[] parents() {
      return parents.clone();
    }
  }

  private static final Comparator<Hypothesis> RANKING =
      Comparator.comparing((Hypothesis h) -> !h.complete())
          .thenComparing(Comparator.comparingDouble(Hypothesis::score).reversed());

  private final Settings settings;
  // permitted[id]: not banned, the whole filter when there is no constraint.
  private final boolean[] permitted;
  private final double maxPenalty;
  private final TokenConstraint constraint;
  // Reused per row: the ids the constraint allows next (unused without a constraint).
  private final boolean[] allowed;
  // Live rows: generated tokens (no BOS), cumulative log-prob and constraint state, row r of the caller's decoder.
  private int[][] live;
  private double[] liveLogProb;
  private long[] liveState;
  private int step;
  private long merged;
  private Plan pending;
  private final List<Hypothesis> finished = new ArrayList<>();

  public BeamSearch(Settings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("settings are null");
    }
    this.settings = settings;
    this.permitted = new boolean[settings.vocab()];
    Arrays.fill(permitted, true);
    for (int id : settings.banned) {
      permitted[id] = false;
    }
    this.maxPenalty = lengthPenalty(settings.maxLength(), settings.alpha());
    this.constraint = settings.constraint();
    this.allowed = new boolean[settings.vocab()];
    this.live = new int[][] {new int[0]};
    this.liveLogProb = new double[] {0.0};
    this.liveState = new long[] {constraint == null ? 0L : constraint.start()};
  }

  /** GNMT length penalty ((5 + length) / 6)^alpha. */
  public static double lengthPenalty(int length, double alpha) {
    return Math.pow((5.0 + length) / 6.0, alpha);
  }

  public Settings settings() {
    return settings;
  }

  /** Tokens generated so far per live row. */
  public int step() {
    return step;
  }

  /** Number of live rows, the row count the caller's decoder must have. */
  public int liveRows() {
    return live.length;
  }

  /**
   * The next forward call: one token per live row (BOS on step 0, else each row's last token).
   *
   * @throws IllegalStateException when {@link #done()}
   */
  public Plan schedule() {
    if (done()) {
      throw new IllegalStateException("beam search is done after " + step + " steps; nothing to schedule");
    }
    int[] feed = new int[live.length];
    for (int r = 0; r < live.length; r++) {
      feed[r] = step == 0 ? settings.bos() : live[r][live[r].length - 1];
    }
    pending = new Plan(step, feed);
    return pending;
  }

  /**
   * Advances by one token from the model's output for {@code plan}.
   *
   * @param plan the plan returned by the latest {@link #schedule()}
   * @param logProbs {@code [plan.rows()][vocab]} log-probabilities of the next token per row
   * @throws IllegalStateException if {@code plan} is not the latest scheduled plan
   * @throws IllegalArgumentException if {@code logProbs} has the wrong shape or holds NaN/+infinity
   */
  public Update update(Plan plan, float[][] logProbs) {
    if (plan == null || plan != pending) {
      throw new IllegalStateException("update needs the plan returned by the latest schedule() (step "
          + step + "), got " + (plan == null ? "null" : "a plan for step " + plan.step()));
    }
    checkShape(logProbs);
    pending = null;
    int k = settings.beamWidth();
    int take = 2 * k;
    // Min-heap of the best 2k candidates; ties broken by row then token so runs are reproducible.
    PriorityQueue<long[]> heap = new PriorityQueue<>(take + 1, BeamSearch::compareCandidates);
    int eos = settings.eos();
    boolean eosOk = step >= settings.minTokens();
    for (int r = 0; r < live.length; r++) {
      float[] row = logProbs[r];
      boolean[] ok = permitted;
      if (constraint != null) {
        constraint.allowed(liveState[r], settings.maxLength() - step, allowed);
        for (int id : settings.banned) {
          allowed[id] = false;
        }
        ok = allowed;
      }
      for (int v = 0; v < row.length; v++) {
        float lp = row[v];
        if (!ok[v] || lp == Float.NEGATIVE_INFINITY || (v == eos && !eosOk)) {
          continue;
        }
        double total = liveLogProb[r] + lp;
        long[] cand = {Double.doubleToLongBits(total), r, v};
        if (heap.size() < take) {
          heap.add(cand);
        } else if (compareCandidates(cand, heap.peek()) > 0) {
          heap.poll();
          heap.add(cand);
        }
      }
    }
    List<long[]> ranked = new ArrayList<>(heap);
    ranked.sort((a, b) -> compareCandidates(b, a));

    int newLength = step + 1;
    List<Hypothesis> now = new ArrayList<>();
    List<int[]> nextLive = new ArrayList<>();
    List<Double> nextLogProb = new ArrayList<>();
    List<Integer> parents = new ArrayList<>();
    long[] nextState = new long[k];
    Set<Long> keysThisStep = new HashSet<>();
    for (int rank = 0; rank < ranked.size(); rank++) {
      long[] c = ranked.get(rank);
      double total = Double.longBitsToDouble(c[0]);
      int r = (int) c[1];
      int v = (int) c[2];
      int[] seq = Arrays.copyOf(live[r], newLength);
      seq[newLength - 1] = v;
      if (v == settings.eos()) {
        if (rank < k) {
          now.add(hypothesis(seq, total, true));
        }
      } else if (nextLive.size() < k) {
        if (newLength >= settings.maxLength()) {
          now.add(hypothesis(seq, total, false));
        } else {
          if (constraint != null) {
            long state = constraint.advance(liveState[r], v);
            if (constraint.endsHere(state)) {
              // Finished where it would have survived, EOS free; its live slot goes to the next candidate.
              int[] ended = Arrays.copyOf(seq, newLength + 1);
              ended[newLength] = settings.eos();
              now.add(hypothesis(ended, total, true));
              continue;
            }
            long key = constraint.equivalenceKey(state);
            if (key != TokenConstraint.NO_KEY && !keysThisStep.add(key)) {
              merged++; // a better-scoring equivalent row survives; this slot goes to the next candidate
              continue;
            }
            nextState[nextLive.size()] = state;
          }
          nextLive.add(seq);
          nextLogProb.add(total);
          parents.add(r);
        }
      }
    }
    live = nextLive.toArray(new int[0][]);
    liveLogProb = nextLogProb.stream().mapToDouble(Double::doubleValue).toArray();
    liveState = Arrays.copyOf(nextState, nextLive.size());
    step = newLength;
    finished.addAll(now);
    return new Update(parents.stream().mapToInt(Integer::intValue).toArray(), now);
  }

  /** Whether the search is over (see the class comment for the rule). */
  public boolean done() {
    if (live.length == 0 || step >= settings.maxLength()) {
      return true;
    }
    List<Hypothesis> best = topComplete();
    if (best.size() < settings.beamWidth()) {
      return false;
    }
    double worst = best.get(best.size() - 1).score();
    double bestLive = Double.NEGATIVE_INFINITY;
    for (double lp : liveLogProb) {
      bestLive = Math.max(bestLive, lp);
    }
    return bestLive / maxPenalty <= worst;
  }

  /**
   * Distinct finished hypotheses, at most {@code beamWidth}: EOS-terminated ones by score (best
   * first), then truncated ones by score. Valid at any time; final once {@link #done()}.
   */
  public List<Hypothesis> results() {
    return distinctRanked(finished, settings.beamWidth());
  }

  /**
   * Candidate rows dropped because a better-scoring row of the same step had an equivalent
   * constraint state ({@link TokenConstraint#equivalenceKey}).
   */
  public long merged() {
    return merged;
  }

  /** Every hypothesis finished so far, in finishing order (for diagnostics). */
  public List<Hypothesis> allFinished() {
    return List.copyOf(finished);
  }

  private List<Hypothesis> topComplete() {
    List<Hypothesis> complete = new ArrayList<>();
    for (Hypothesis h : finished) {
      if (h.complete()) {
        complete.add(h);
      }
    }
    return distinctRanked(complete, settings.beamWidth());
  }

  private static List<Hypothesis> distinctRanked(List<Hypothesis> hs, int limit) {
    List<Hypothesis> sorted = new ArrayList<>(hs);
    sorted.sort(RANKING);
    Set<List<Integer>> seen = new HashSet<>();
    List<Hypothesis> out = new ArrayList<>();
    for (Hypothesis h : sorted) {
      if (out.size() == limit) {
        break;
      }
      if (seen.add(Arrays.stream(h.tokens).boxed().toList())) {
        out.add(h);
      }
    }
    return out;
  }

  private Hypothesis hypothesis(int[] seq, double logProb, boolean complete) {
    return new Hypothesis(seq, logProb, logProb / lengthPenalty(seq.length, settings.alpha()), complete);
  }

  private void checkShape(float[][] logProbs) {
    if (logProbs == null) {
      throw new IllegalArgumentException("logProbs are null at step " + step);
    }
    if (logProbs.length != live.length) {
      throw new IllegalArgumentException("logProbs have " + logProbs.length + " rows at step " + step
          + ", the plan has " + live.length + " live rows");
    }
    for (int r = 0; r < logProbs.length; r++) {
      float[] row = logProbs[r];
      if (row == null || row.length != settings.vocab()) {
        throw new IllegalArgumentException("logProbs row " + r + " has "
            + (row == null ? "no values" : row.length + " values") + ", expected vocab " + settings.vocab());
      }
      for (int v = 0; v < row.length; v++) {
        if (Float.isNaN(row[v]) || row[v] == Float.POSITIVE_INFINITY) {
          throw new IllegalArgumentException("logProbs[" + r + "][" + v + "] is " + row[v] + " at step " + step);
        }
      }
    }
  }

  // Candidates are {doubleBits(total), row, token}: higher total is better, then lower row/token.
  private static int compareCandidates(long[] a, long[] b) {
    int c = Double.compare(Double.longBitsToDouble(a[0]), Double.longBitsToDouble(b[0]));
    if (c != 0) {
      return c;
    }
    c = Long.compare(b[1], a[1]);
    return c != 0 ? c : Long.compare(b[2], a[2]);
  }
}
