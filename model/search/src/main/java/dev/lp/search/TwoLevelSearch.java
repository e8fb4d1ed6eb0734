package dev.lp.search;

import dev.lp.dsl.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's two-level beam search (section 3.3), blocking, over a {@link SynthesisModel}.
 *
 * <p>Latent Programmer: encode the examples once, beam-search {@code L} latent codes (width L),
 * then decode {@code ⌊B/L⌋} programs per code (width ⌊B/L⌋). Baseline ({@code
 * !model.info().hasLatents()}): the same code path with one empty code and width B.
 *
 * <p>Program beams: one {@link SynthesisModel.Decoder} per code, all advanced by ONE {@link
 * SynthesisModel#stepAll} call per step. One decoder per code (rather than one decoder of
 * L·⌊B/L⌋ rows) keeps each {@link BeamSearch}'s rows equal to its decoder's rows, lets a code whose
 * beam is done close its cache at once, and mirrors the serving engine's one-actor-per-beam
 * layout; batching the rows into one forward call is the model's job in {@code stepAll}.
 *
 * <p>If the latent search yields fewer than L codes, each code still gets ⌊B/L⌋ programs (the
 * paper's budget), so fewer programs come back. Not thread-safe: like the model, one caller.
 */
public final class TwoLevelSearch {

  /** Receives each candidate as its beam finishes it; return false to stop the search early. */
  @FunctionalInterface
  public interface CandidateListener {
    boolean onCandidate(Candidate candidate);

    /**
     * Asked before every model step (latent and program); false stops the search there, e.g. at
     * a deadline or on cancellation. Candidates finished so far are still returned.
     */
    default boolean keepGoing() {
      return true;
    }
  }

  /**
   * What a search produced.
   *
   * @param candidates distinct programs, best score first (EOS-terminated before truncated),
   *     at most L·⌊B/L⌋
   * @param latentCodes the codes searched, best first (empty list for the baseline's single empty
   *     code)
   * @param latentSteps model steps spent on the latent beam
   * @param programSteps {@code stepAll} calls spent on the program beams
   * @param stoppedEarly true when the listener asked to stop (a candidate or {@code keepGoing})
   * @param decoded every program the beams returned, best score first, a program that came from
   *     two codes once per code (the beams' contents, for diversity measures)
   * @param pruned hypotheses the guidance removed ({@link ProgramSearch#pruned}), summed over beams
   * @param beamsDied program beams that ended without a complete program
   * @param programBeams program beams run
   * @param guidance the request's prepared guidance (effective mode, fallback, the enumerator's
   *     shortest program in version-space mode)
   * @param encodes {@link SynthesisModel#encode} calls (one per search; step-wise: one per step search)
   */
  public record Outcome(
      List<Candidate> candidates,
      List<int[]> latentCodes,
      int latentSteps,
      int programSteps,
      boolean stoppedEarly,
      List<Candidate> decoded,
      long pruned,
      int beamsDied,
      int programBeams,
      TaskGuidance guidance,
      int encodes) {
    public Outcome {
      candidates = List.copyOf(candidates);
      latentCodes = latentCodes.stream().map(int[]::clone).toList();
      decoded = List.copyOf(decoded);
    }

    /** Model calls the search made: encodes, latent steps and program steps (each a batched forward call). */
    public int modelCalls() {
      return encodes + latentSteps + programSteps;
    }
  }

  private static final Comparator<Candidate> BY_SCORE =
      Comparator.comparing((Candidate c) -> !isComplete(c))
          .thenComparing(Comparator.comparingDouble(Candidate::score).reversed());

  private final SynthesisModel model;
  private final double alpha;
  private final TokenConstraint programConstraint;

  /** A search with the default length-normalisation alpha 0.6 and the DSL grammar on program beams. */
  public TwoLevelSearch(SynthesisModel model) {
    this(model, BeamSearch.Settings.DEFAULT_ALPHA);
  }

  /** A search whose program beams follow the DSL grammar. */
  public TwoLevelSearch(SynthesisModel model, double alpha) {
    this(model, alpha, TokenConstraint.programGrammar());
  }

  /**
   * A search whose program beams follow {@code programConstraint} (null: unconstrained, e.g. to
   * measure what the grammar buys); latent beams are never constrained.
   */
  public TwoLevelSearch(SynthesisModel model, double alpha, TokenConstraint programConstraint) {
    if (model == null) {
      throw new IllegalArgumentException("model is null");
    }
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    this.model = model;
    this.alpha = alpha;
    this.programConstraint = programConstraint;
  }

  /**
   * Checks a budget: {@code beamSize ≥ 1} and {@code 1 ≤ latentBeams ≤ beamSize}.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static void checkBudget(int beamSize, int latentBeams) {
    SearchBudget.of(beamSize, latentBeams);
  }

  /** Programs per latent code, ⌊B/L⌋ (B for the baseline, which has one code). */
  public static int programsPerCode(int beamSize, int latentBeams, boolean hasLatents) {
    return SearchBudget.of(beamSize, latentBeams).programsPerCode(hasLatents);
  }

  /** Blocking search; the candidates, best first. */
  public List<Candidate> search(List<String> inputs, List<String> outputs, int beamSize, int latentBeams) {
    return search(inputs, outputs, beamSize, latentBeams, c -> true).candidates();
  }

  /**
   * Blocking search that reports each candidate to {@code listener} as soon as a beam finishes it
   * and is still among that beam's best; a candidate reported early can later be pushed out of the
   * final list by better ones. The baseline ignores {@code latentBeams} once it is validated.
   *
   * @throws IllegalArgumentException for a bad budget or malformed examples
   */
  public Outcome search(
      List<String> inputs, List<String> outputs, int beamSize, int latentBeams, CandidateListener listener) {
    return search(inputs, outputs, beamSize, latentBeams, 0, listener);
  }

  /**
   * As {@link #search(List, List, int, int, CandidateListener)}, with the program's length in
   * tokens (including EOS) for a model with continuous latents (the AE and VAE ablations): it
   * decodes ⌊B/L⌋ programs from each of L latent sequences its predictor rolls out for that length
   * (the AE has one, so L must be 1; the VAE samples L); other models ignore {@code programLength}.
   *
   * @throws IllegalArgumentException for a continuous-latent model without a length, or an AE with L > 1
   */
  public Outcome search(List<String> inputs, List<String> outputs, int beamSize, int latentBeams, int programLength,
      CandidateListener listener) {
    return search(inputs, outputs, SearchBudget.of(beamSize, latentBeams), programLength, listener);
  }

  /**
   * The search under a full budget (guidance included): the entry point the others lead to.
   * Each distinct program is reported to {@code listener} once, when the first beam finishes it.
   *
   * @throws IllegalArgumentException for a bad budget or malformed examples
   */
  public Outcome search(List<String> inputs, List<String> outputs, SearchBudget budget, int programLength,
      CandidateListener listener) {
    if (budget == null) {
      throw new IllegalArgumentException("budget is null");
    }
    Consistency.checkExamples(inputs, outputs);
    if (listener == null) {
      throw new IllegalArgumentException("listener is null");
    }
    // The engine's default limits (lp.engine.version-space): eval builds what a worker would.
    TaskGuidance guidance = TaskGuidance.prepare(budget.guidance(), inputs, outputs);
    if (budget.guidance() == Guidance.STEPWISE) {
      return searchStepwise(inputs, outputs, budget, guidance, listener);
    }
    return searchOnce(inputs, outputs, budget, guidance, programLength, listener);
  }

  /** One two-level search: encode, latent beam, program beams under {@code guidance}. */
  private Outcome searchOnce(List<String> inputs, List<String> outputs, SearchBudget budget, TaskGuidance guidance,
      int programLength, CandidateListener listener) {
    int beamSize = budget.beamSize();
    int latentBeams = budget.latentBeams();
    ModelInfo info = model.info();
    boolean lp = info.hasLatents();
    try (SynthesisModel.Spec spec = model.encode(inputs, outputs)) {
      List<int[]> codes;
      int latentSteps = 0;
      if (lp) {
        LatentResult latent = searchLatents(spec, info, latentBeams, listener);
        if (latent.stopped) {
          return new Outcome(List.of(), List.of(), latent.steps, 0, true, List.of(), 0, 0, 0, guidance, 1);
        }
        codes = latent.codes;
        latentSteps = latent.steps;
      } else {
        codes = List.of(new int[0]);
      }
      int width = budget.programsPerCode(lp);
      if (info.continuousLatents()) {
        if (programLength < 1) {
          throw new IllegalArgumentException("model " + info.version() + " (kind " + info.kind() + ") has continuous"
              + " latents: it needs the program's length in tokens, got " + programLength);
        }
        if (latentBeams != 1 && !info.sampledLatents()) {
          throw new IllegalArgumentException("model " + info.version() + " (kind " + info.kind() + ") has one"
              + " latent sequence per task: L must be 1, got " + latentBeams);
        }
        int samples = info.sampledLatents() ? latentBeams : 1;
        return searchPrograms(info, java.util.Collections.nCopies(samples, new int[0]), beamSize / samples, guidance,
            listener, 0, false, i -> model.programDecoderForLength(spec, programLength, i));
      }
      return searchPrograms(info, codes, width, guidance, listener, latentSteps, lp,
          i -> model.programDecoder(spec, new int[][] {codes.get(i)}));
    }
  }

  /**
   * Step-wise re-synthesis ({@link StepwiseSearch}): each round, one two-level search per partial
   * program on its remaining task, one after another (the engine runs them side by side; the
   * candidates are the same, {@link StepwiseSearch} orders them). Finished programs are reported
   * as their round ends.
   */
  private Outcome searchStepwise(List<String> inputs, List<String> outputs, SearchBudget budget, TaskGuidance guidance,
      CandidateListener listener) {
    ModelInfo info = model.info();
    if (info.continuousLatents()) {
      throw new IllegalArgumentException("model " + info.version() + " (kind " + info.kind() + ") needs the program's"
          + " length, which a step-wise search does not know: guidance stepwise is for models with discrete or no"
          + " latents");
    }
    StepwiseSearch core = new StepwiseSearch(inputs, outputs, budget, alpha);
    List<Candidate> found = new ArrayList<>();
    List<int[]> firstCodes = List.of();
    int latentSteps = 0;
    int programSteps = 0;
    int encodes = 0;
    long pruned = 0;
    int died = 0;
    int beams = 0;
    boolean stopped = false;
    while (!core.done() && !stopped) {
      List<List<Candidate>> steps = new ArrayList<>();
      for (List<String> rest : core.remaining()) {
        List<Candidate> got = new ArrayList<>();
        Outcome o = searchOnce(inputs, rest, budget, TaskGuidance.prepare(Guidance.STEPWISE, inputs, rest), 0,
            new CandidateListener() {
              @Override
              public boolean onCandidate(Candidate c) {
                got.add(c);
                return true;
              }

              @Override
              public boolean keepGoing() {
                return listener.keepGoing();
              }
            });
        if (core.rounds() == 0) {
          firstCodes = o.latentCodes();
        }
        latentSteps += o.latentSteps();
        programSteps += o.programSteps();
        encodes += o.encodes();
        pruned += o.pruned();
        died += o.beamsDied();
        beams += o.programBeams();
        if (o.stoppedEarly()) {
          stopped = true;
          break;
        }
        steps.add(got);
      }
      if (stopped) {
        break;
      }
      for (Candidate c : core.advance(steps)) {
        found.add(c);
        if (!listener.onCandidate(c)) {
          stopped = true;
          break;
        }
      }
    }
    found.sort(BY_SCORE);
    return new Outcome(found, firstCodes, latentSteps, programSteps, stopped, found, pruned, died, beams, guidance,
        encodes);
  }

  /**
   * Program beams of width {@code programsPerCode} conditioned on the given latent codes instead of
   * the latent beam's (Latent Programmer only; code ids without BOS/EOS): e.g. the code the
   * autoencoder gives a task's true program, to measure what a perfect latent predictor would buy.
   *
   * @throws IllegalArgumentException for a model without latent codes, no codes, or a bad width
   */
  public Outcome searchGivenCodes(List<String> inputs, List<String> outputs, List<int[]> codes, int programsPerCode) {
    checkBudget(programsPerCode, 1);
    Consistency.checkExamples(inputs, outputs);
    ModelInfo info = model.info();
    if (!info.hasLatents()) {
      throw new IllegalArgumentException("model " + info.version() + " (kind " + info.kind() + ") has no latent codes");
    }
    if (codes == null || codes.isEmpty() || codes.stream().anyMatch(java.util.Objects::isNull)) {
      throw new IllegalArgumentException("give at least one latent code (and no null)");
    }
    List<int[]> given = codes.stream().map(int[]::clone).toList();
    try (SynthesisModel.Spec spec = model.encode(inputs, outputs)) {
      return searchPrograms(info, given, programsPerCode, TaskGuidance.prepare(Guidance.OFF, inputs, outputs),
          c -> true, 0, true,
          i -> model.programDecoder(spec, new int[][] {given.get(i)}));
    }
  }

  private record LatentResult(List<int[]> codes, int steps, boolean stopped) {}

  private LatentResult searchLatents(
      SynthesisModel.Spec spec, ModelInfo info, int latentBeams, CandidateListener listener) {
    if (info.maxLatentLength() < 1) {
      throw new IllegalArgumentException("model " + info.version() + " has latents but maxLatentLength "
          + info.maxLatentLength());
    }
    BeamSearch beam = new BeamSearch(BeamSearch.Settings.forLatents(info, latentBeams, alpha));
    int steps = 0;
    try (SynthesisModel.Decoder decoder = model.latentDecoder(spec, 1)) {
      while (!beam.done()) {
        if (!listener.keepGoing()) {
          return new LatentResult(List.of(), steps, true);
        }
        BeamSearch.Plan plan = beam.schedule();
        float[][] logProbs = model.stepAll(List.of(decoder), List.of(plan.tokens())).get(0);
        steps++;
        BeamSearch.Update update = beam.update(plan, logProbs);
        if (!beam.done()) {
          decoder.reorder(update.parents());
        }
      }
    }
    List<int[]> codes = new ArrayList<>();
    for (BeamSearch.Hypothesis h : beam.results()) {
      codes.add(h.body());
    }
    return new LatentResult(codes, steps, false);
  }

  /** One code's program beam and its decoder. */
  private static final class Beam {
    final ProgramSearch search;
    final SynthesisModel.Decoder decoder;
    boolean closed;

    Beam(ProgramSearch search, SynthesisModel.Decoder decoder) {
      this.search = search;
      this.decoder = decoder;
    }

    // The port does not promise an idempotent close, so each decoder is closed exactly once.
    void close() {
      if (!closed) {
        closed = true;
        decoder.close();
      }
    }
  }

  private Outcome searchPrograms(ModelInfo info, List<int[]> codes, int width, TaskGuidance guidance,
      CandidateListener listener, int latentSteps, boolean lp,
      java.util.function.IntFunction<SynthesisModel.Decoder> decoderFor) {
    List<Beam> active = new ArrayList<>();
    List<Beam> all = new ArrayList<>();
    DistinctPrograms reported = new DistinctPrograms();
    // A step search reports every beam's steps: the same step from two codes is kept once by
    // StepwiseSearch, with its better score, whichever beam reported it first (as in the engine).
    boolean everyReport = guidance.effective() == Guidance.STEPWISE;
    int steps = 0;
    boolean stopped = false;
    try {
      for (int i = 0; i < codes.size(); i++) {
        TokenConstraint constraint =
            guidance.effective() == Guidance.OFF ? programConstraint : guidance.forBeam();
        ProgramSearch ps = new ProgramSearch(info, codes.get(i), width, alpha, constraint);
        Beam b = new Beam(ps, decoderFor.apply(i));
        active.add(b);
        all.add(b);
      }
      while (!active.isEmpty() && !stopped) {
        if (!listener.keepGoing()) {
          stopped = true;
          break;
        }
        List<SynthesisModel.Decoder> decoders = new ArrayList<>(active.size());
        List<int[]> feeds = new ArrayList<>(active.size());
        List<BeamSearch.Plan> plans = new ArrayList<>(active.size());
        for (Beam b : active) {
          BeamSearch.Plan plan = b.search.schedule();
          plans.add(plan);
          decoders.add(b.decoder);
          feeds.add(plan.tokens());
        }
        List<float[][]> out = model.stepAll(decoders, feeds);
        steps++;
        if (out == null || out.size() != active.size()) {
          throw new IllegalStateException("model.stepAll returned " + (out == null ? "null" : out.size())
              + " results for " + active.size() + " decoders");
        }
        List<Beam> next = new ArrayList<>(active.size());
        for (int i = 0; i < active.size() && !stopped; i++) {
          Beam b = active.get(i);
          ProgramSearch.Step step = b.search.update(plans.get(i), out.get(i));
          for (Candidate c : step.report()) {
            if ((everyReport || reported.firstTime(c)) && !listener.onCandidate(c)) {
              stopped = true;
              break;
            }
          }
          if (b.search.done()) {
            b.close();
          } else {
            b.decoder.reorder(step.parents());
            next.add(b);
          }
        }
        active = next;
      }
    } finally {
      for (Beam b : all) {
        b.close();
      }
    }
    List<Candidate> decoded = decoded(all);
    long pruned = all.stream().mapToLong(b -> b.search.pruned()).sum();
    int died = (int) all.stream().filter(b -> b.search.diedEmpty()).count();
    return new Outcome(distinct(decoded), lp ? codes : List.of(), latentSteps, steps, stopped, decoded, pruned,
        died, all.size(), guidance, 1);
  }

  /** Every beam's results, best score first. */
  private static List<Candidate> decoded(List<Beam> beams) {
    List<Candidate> cands = new ArrayList<>();
    for (Beam b : beams) {
      cands.addAll(b.search.results());
    }
    cands.sort(BY_SCORE);
    return cands;
  }

  private static List<Candidate> distinct(List<Candidate> cands) {
    // The same program can come from two codes: keep its best-scoring occurrence.
    Map<String, Candidate> distinct = new HashMap<>();
    List<Candidate> out = new ArrayList<>();
    for (Candidate c : cands) {
      if (distinct.putIfAbsent(Arrays.toString(c.tokens()), c) == null) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean isComplete(Candidate c) {
    int[] t = c.tokens();
    return t.length > 0 && t[t.length - 1] == Tokens.EOS;
  }
}
