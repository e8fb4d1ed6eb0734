package dev.lp.search;

import dev.lp.dsl.Expr;
import dev.lp.dsl.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Step-wise re-synthesis ({@link Guidance#STEPWISE}, the loop of ExeDec, Shi et al. ICLR 2024) as
 * a pure state machine: a beam over partial programs, one expression (a step) per round.
 *
 * <p>A program is Concat(e1, …, en) and every expression reads only the input, so once e1…ek are
 * verified (their outputs a prefix of every example's output) what is left is a task of its own:
 * the same inputs, each output with the produced prefix removed. Each round, the driver runs one
 * two-level search per partial program on its remaining task ({@link #remaining()}: the examples
 * re-encoded, program beams under {@link PrefixGuidance#firstStep}) and hands back the first
 * expressions those searches reported ({@link #advance}). A step is kept when it parses to one
 * expression whose output is a prefix of every remaining output and non-empty on one of them
 * (checked here by running it, whatever the driver's constraint did). A partial program whose
 * outputs are complete is a finished program: the concatenation of its steps, verified with
 * {@link Consistency} and reported once. The others form the next round's beam.
 *
 * <p>Rules, so both drivers (eval's {@link TwoLevelSearch}, the engine's actors) get the same
 * candidates whatever order a round's steps arrive in:
 *
 * <ul>
 *   <li>Each partial's steps are ranked by score (then tokens) and a step decoded from two latent
 *       codes counts once, with its better score.
 *   <li>A partial program's log-probability is the sum of its steps' (a step's EOS is free: the
 *       beam ends it after the expression); it is ranked by that over the GNMT length penalty of
 *       its tokens plus EOS, as {@link BeamSearch} ranks whole programs.
 *   <li>The beam keeps the best {@link #width()} = B unfinished partials; two at the same output
 *       positions have the same remaining task, so only the better-scored one is kept.
 *   <li>The search ends after the round in which the programs found reach the budget's max
 *       programs (a later round could only find longer programs), after {@link
 *       SearchBudget#maxSteps()} rounds, or when no partial program is left.
 * </ul>
 *
 * <p>Not thread-safe: one owner drives it.
 */
public final class StepwiseSearch {

  /** A verified prefix: its expressions' tokens (no EOS), their log-probability, output positions. */
  private record Partial(int[] tokens, double logProb, int[] positions, int[] code, double score) {}

  private static final Comparator<Partial> BEST_FIRST = Comparator.comparingDouble((Partial p) -> -p.score())
      .thenComparing(Partial::tokens, Arrays::compare);

  private static final Comparator<Candidate> BY_SCORE = Comparator.comparingDouble((Candidate c) -> -c.score())
      .thenComparing(Candidate::tokens, Arrays::compare);

  private final List<String> inputs;
  private final List<String> outputs;
  private final SearchBudget budget;
  private final double alpha;
  private final DistinctPrograms reported = new DistinctPrograms();
  private List<Partial> beam;
  private int rounds;
  private int found;
  private long stepsRejected;

  /**
   * A search for inputs[k] -&gt; outputs[k] under {@code budget} (its B, L, max programs, max steps),
   * ranking with the length-normalisation {@code alpha} the program beams use.
   *
   * @throws IllegalArgumentException for malformed examples, a null budget or a bad alpha
   */
  public StepwiseSearch(List<String> inputs, List<String> outputs, SearchBudget budget, double alpha) {
    Consistency.checkExamples(inputs, outputs);
    if (budget == null) {
      throw new IllegalArgumentException("budget is null");
    }
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.budget = budget;
    this.alpha = alpha;
    this.beam = complete(new int[inputs.size()]) ? List.of()
        : List.of(new Partial(new int[0], 0.0, new int[inputs.size()], new int[0], 0.0));
  }

  /** The examples' inputs, the same for every step. */
  public List<String> inputs() {
    return inputs;
  }

  /** Partial programs the beam keeps between rounds: B. */
  public int width() {
    return budget.beamSize();
  }

  /**
   * This round's step tasks, one per partial program in the beam (best first): the outputs each
   * must still produce, with {@link #inputs()}. Empty once {@link #done()}.
   */
  public List<List<String>> remaining() {
    if (done()) {
      return List.of();
    }
    List<List<String>> out = new ArrayList<>(beam.size());
    for (Partial p : beam) {
      List<String> rest = new ArrayList<>(outputs.size());
      for (int k = 0; k < outputs.size(); k++) {
        rest.add(outputs.get(k).substring(p.positions()[k]));
      }
      out.add(List.copyOf(rest));
    }
    return out;
  }

  /**
   * Ends a round: {@code steps.get(i)} are the candidates the step search on {@code
   * remaining().get(i)} reported, in any order.
   *
   * @return the programs this round finished, consistent and not reported before, best first
   * @throws IllegalArgumentException when {@code steps} does not have one list per partial program
   * @throws IllegalStateException when the search is done
   */
  public List<Candidate> advance(List<List<Candidate>> steps) {
    if (done()) {
      throw new IllegalStateException("step-wise search is done after " + rounds + " rounds");
    }
    if (steps == null || steps.size() != beam.size() || steps.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("advance needs one list of steps per partial program (" + beam.size()
          + "), got " + (steps == null ? "null" : steps.size() + " (null lists count as missing)"));
    }
    List<Partial> extended = new ArrayList<>();
    for (int i = 0; i < beam.size(); i++) {
      Partial p = beam.get(i);
      List<Candidate> ranked = new ArrayList<>(steps.get(i));
      ranked.sort(BY_SCORE);
      Set<String> seen = new HashSet<>();
      for (Candidate c : ranked) {
        if (!seen.add(Arrays.toString(c.tokens()))) {
          continue; // the same step from another latent code, scored lower
        }
        Partial next = extend(p, c);
        if (next == null) {
          stepsRejected++;
        } else {
          extended.add(next);
        }
      }
    }
    extended.sort(BEST_FIRST);
    List<Candidate> finished = new ArrayList<>();
    List<Partial> nextBeam = new ArrayList<>();
    Set<String> positions = new HashSet<>();
    for (Partial p : extended) {
      if (complete(p.positions())) {
        Candidate c = Candidate.decode(withEos(p.tokens()), p.score(), p.code());
        if (Consistency.consistent(c, inputs, outputs) && reported.firstTime(c)) {
          finished.add(c);
        }
      } else if (nextBeam.size() < width() && positions.add(Arrays.toString(p.positions()))) {
        nextBeam.add(p);
      }
    }
    rounds++;
    found += finished.size();
    beam = found >= budget.maxPrograms() || rounds >= budget.maxSteps() ? List.of() : List.copyOf(nextBeam);
    return finished;
  }

  /** Whether the search is over: nothing is left to search (see the class comment). */
  public boolean done() {
    return beam.isEmpty();
  }

  /** Rounds (steps) run so far. */
  public int rounds() {
    return rounds;
  }

  /** Consistent programs found so far. */
  public int found() {
    return found;
  }

  /**
   * Steps the searches reported that were not kept: not one complete expression, or an output that
   * does not continue every remaining output (or is empty on all of them).
   */
  public long stepsRejected() {
    return stepsRejected;
  }

  /** {@code p} followed by the step {@code c}, or null when the step does not continue every output. */
  private Partial extend(Partial p, Candidate c) {
    int[] t = c.tokens();
    if (!c.parsed() || c.programOrNull().expressions().size() != 1 || t.length < 2 || t[t.length - 1] != Tokens.EOS) {
      return null;
    }
    Expr e = c.programOrNull().expressions().get(0);
    int[] next = new int[outputs.size()];
    boolean grew = false;
    for (int k = 0; k < outputs.size(); k++) {
      String out;
      try {
        out = e.apply(inputs.get(k));
      } catch (RuntimeException fails) {
        return null;
      }
      if (!outputs.get(k).startsWith(out, p.positions()[k])) {
        return null;
      }
      next[k] = p.positions()[k] + out.length();
      grew |= !out.isEmpty();
    }
    if (!grew) {
      return null;
    }
    int[] body = Arrays.copyOf(t, t.length - 1);
    int[] tokens = Arrays.copyOf(p.tokens(), p.tokens().length + body.length);
    System.arraycopy(body, 0, tokens, p.tokens().length, body.length);
    // The beam's score is its log-probability over the length penalty of the step with its (free) EOS.
    double logProb = p.logProb() + c.score() * BeamSearch.lengthPenalty(t.length, alpha);
    int[] code = p.tokens().length == 0 ? c.latentCode() : p.code();
    return new Partial(tokens, logProb, next, code, logProb / BeamSearch.lengthPenalty(tokens.length + 1, alpha));
  }

  private boolean complete(int[] positions) {
    for (int k = 0; k < outputs.size(); k++) {
      if (positions[k] != outputs.get(k).length()) {
        return false;
      }
    }
    return true;
  }

  private static int[] withEos(int[] body) {
    int[] t = Arrays.copyOf(body, body.length + 1);
    t[body.length] = Tokens.EOS;
    return t;
  }
}
