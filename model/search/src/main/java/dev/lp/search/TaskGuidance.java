package dev.lp.search;

import dev.lp.dsl.Program;
import dev.lp.search.vsa.VersionSpace;
import java.util.List;
import java.util.Optional;

/**
 * One request's guidance, prepared once before its program beams start: which constraint each beam
 * decodes under, and (version-space mode) the enumerator's shortest consistent program. Both search
 * drivers ({@link TwoLevelSearch} for eval, the engine's beams) get their constraints here, so they
 * decode under the same rules.
 *
 * <ul>
 *   <li>{@link Guidance#OFF}: the grammar; {@link Guidance#PREFIX}: a fresh {@link PrefixGuidance}
 *       per beam (it keeps per-beam state).
 *   <li>{@link Guidance#VERSIONSPACE}: the task's {@link VersionSpace} constraint, shared by every
 *       beam (immutable), so every finished program is consistent and the model only ranks. When
 *       the space was cut by its budget, is empty (the task is not expressible in the bounded DSL)
 *       or cannot be built, the beams fall back to prefix guidance and {@link #fallback()} says why.
 *   <li>{@link Guidance#STEPWISE}: a fresh {@link PrefixGuidance#firstStep} per beam: one step of
 *       {@link StepwiseSearch} on these examples (the remaining task of a partial program).
 * </ul>
 *
 * <p>Preparing version-space guidance costs up to its budget's time (the engine does it on its own
 * dispatcher); the others cost nothing. Immutable once prepared; {@link #forBeam} may be called
 * from any thread.
 */
public final class TaskGuidance {

  private final Guidance requested;
  private final Guidance effective;
  private final List<String> inputs;
  private final List<String> outputs;
  private final VersionSpace space;
  private final TokenConstraint spaceConstraint;
  private final String fallback;
  private final long prepareNanos;

  private TaskGuidance(Guidance requested, Guidance effective, List<String> inputs, List<String> outputs,
      VersionSpace space, String fallback, long prepareNanos) {
    this.requested = requested;
    this.effective = effective;
    this.inputs = inputs;
    this.outputs = outputs;
    this.space = space;
    this.spaceConstraint = effective == Guidance.VERSIONSPACE ? new SpaceConstraint(space.constraint()) : null;
    this.fallback = fallback;
    this.prepareNanos = prepareNanos;
  }

  /**
   * Prepares {@code mode} for the task inputs[k] -&gt; outputs[k].
   *
   * @param vsaBudget limits of the version-space build (used by {@link Guidance#VERSIONSPACE} only)
   * @throws IllegalArgumentException for malformed examples
   */
  public static TaskGuidance prepare(Guidance mode, List<String> inputs, List<String> outputs,
      VersionSpace.Budget vsaBudget) {
    return prepare(mode, inputs, outputs, vsaBudget, () -> false);
  }

  /**
   * As {@link #prepare(Guidance, List, List, VersionSpace.Budget)}; a version-space build stops early once
   * {@code cancelled} is true (the request ended), and the guidance then falls back as for a cut space.
   */
  public static TaskGuidance prepare(Guidance mode, List<String> inputs, List<String> outputs,
      VersionSpace.Budget vsaBudget, java.util.function.BooleanSupplier cancelled) {
    if (mode == null) {
      throw new IllegalArgumentException("guidance mode is null");
    }
    Consistency.checkExamples(inputs, outputs);
    List<String> in = List.copyOf(inputs);
    List<String> out = List.copyOf(outputs);
    if (mode != Guidance.VERSIONSPACE) {
      return new TaskGuidance(mode, mode, in, out, null, null, 0);
    }
    long t0 = System.nanoTime();
    VersionSpace vs;
    try {
      vs = VersionSpace.build(in, out, vsaBudget, cancelled);
    } catch (IllegalArgumentException cannot) {
      return new TaskGuidance(mode, Guidance.PREFIX, in, out, null,
          "version space not built: " + cannot.getMessage(), System.nanoTime() - t0);
    }
    long nanos = System.nanoTime() - t0;
    if (vs.inconsistent()) {
      return new TaskGuidance(mode, Guidance.PREFIX, in, out, vs, vs.inconsistency().orElse("inconsistent"), nanos);
    }
    if (!vs.expressible()) {
      String why = vs.cut() ? "version space cut: " + vs.cutReason().orElse("budget")
          : "no program of the bounded DSL is consistent (not expressible)";
      return new TaskGuidance(mode, Guidance.PREFIX, in, out, vs, why, nanos);
    }
    // A cut space that is still expressible admits only consistent programs, possibly not all: keep it.
    return new TaskGuidance(mode, Guidance.VERSIONSPACE, in, out, vs, null, nanos);
  }

  /** {@link #prepare} with {@link VersionSpace.Budget#DEFAULT}. */
  public static TaskGuidance prepare(Guidance mode, List<String> inputs, List<String> outputs) {
    return prepare(mode, inputs, outputs, VersionSpace.Budget.DEFAULT);
  }

  /** A constraint for one program beam of this request. */
  public TokenConstraint forBeam() {
    return switch (effective) {
      case OFF -> TokenConstraint.programGrammar();
      case PREFIX -> new PrefixGuidance(inputs, outputs);
      case VERSIONSPACE -> spaceConstraint;
      case STEPWISE -> PrefixGuidance.firstStep(inputs, outputs);
    };
  }

  /** The mode the request asked for. */
  public Guidance requested() {
    return requested;
  }

  /** The mode the beams decode under (version space falls back to prefix; see {@link #fallback()}). */
  public Guidance effective() {
    return effective;
  }

  /** Why version-space guidance fell back to prefix guidance, if it did. */
  public Optional<String> fallback() {
    return Optional.ofNullable(fallback);
  }

  /**
   * The enumerator's answer: a consistent program with the fewest expressions (then tokens), when
   * the version space was built and is not empty.
   */
  public Optional<Program> shortest() {
    return effective == Guidance.VERSIONSPACE ? space.shortest() : Optional.empty();
  }

  /**
   * {@link #shortest()} as a candidate, the form both drivers verify and report it in: the
   * enumerator has no score (0) and no latent code.
   */
  public Optional<Candidate> enumerated() {
    return shortest().map(p -> Candidate.decode(dev.lp.dsl.Tokens.encode(p), 0.0, new int[0]));
  }

  /** Wall time spent preparing (the version-space build), in nanoseconds. */
  public long prepareNanos() {
    return prepareNanos;
  }

  /**
   * The version space's constraint with equivalent rows merged: two hypotheses in the same state
   * (DAG node and expression-automaton node) have the same continuations, so the beam keeps the
   * better-scored one, except where EOS may follow (two complete programs are two answers).
   */
  private static final class SpaceConstraint implements TokenConstraint {
    private final TokenConstraint delegate;

    SpaceConstraint(TokenConstraint delegate) {
      this.delegate = delegate;
    }

    @Override
    public int vocab() {
      return delegate.vocab();
    }

    @Override
    public long start() {
      return delegate.start();
    }

    @Override
    public long advance(long state, int token) {
      return delegate.advance(state, token);
    }

    @Override
    public void allowed(long state, int budget, boolean[] allowed) {
      delegate.allowed(state, budget, allowed);
    }

    @Override
    public long equivalenceKey(long state) {
      boolean[] next = new boolean[delegate.vocab()]; // per call: beams on several threads share this constraint
      delegate.allowed(state, Integer.MAX_VALUE / 2, next);
      return next[dev.lp.dsl.Tokens.EOS] ? NO_KEY : state;
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
