package dev.lp.eval;

/**
 * The result of one search on one task.
 *
 * @param solved some returned program reproduces every output from its input
 * @param rank position (0 = best score) of the first consistent program among the returned ones,
 *     -1 when none is
 * @param program text form of that first consistent program, null when none
 * @param returned number of distinct programs the search returned
 * @param distinct distinct n-gram ratios of the returned programs for n = 1..{@link
 *     Evaluator#MAX_NGRAM} (see {@link NGrams}); zeros when nothing was returned
 * @param nanos wall time of the search and the consistency checks
 * @param error why the model failed on this task (the task counts as unsolved), null normally
 * @param generalises whether that first consistent program also reproduces every hidden example
 *     (false when unsolved); null when the task has no hidden examples
 * @param pruned hypotheses the search's guidance removed ({@link dev.lp.search.ProgramSearch#pruned})
 * @param allBeamsDied every program beam ended without a complete program (nothing came back)
 * @param occamGeneralises whether the answer under {@link dev.lp.search.Ranking#OCCAM} (the
 *     shortest consistent program, the model breaking ties) reproduces every hidden example; null
 *     when the task has no hidden examples
 * @param modelCalls model calls the search made ({@link dev.lp.search.TwoLevelSearch.Outcome#modelCalls}:
 *     encodes, latent steps, program steps), 0 when no model ran
 */
public record TaskOutcome(
    boolean solved, int rank, String program, int returned, double[] distinct, long nanos, String error,
    Boolean generalises, long pruned, boolean allBeamsDied, Boolean occamGeneralises, long modelCalls) {

  /** An outcome without a count of model calls. */
  public TaskOutcome(boolean solved, int rank, String program, int returned, double[] distinct, long nanos,
      String error, Boolean generalises, long pruned, boolean allBeamsDied, Boolean occamGeneralises) {
    this(solved, rank, program, returned, distinct, nanos, error, generalises, pruned, allBeamsDied, occamGeneralises,
        0);
  }

  /** An outcome where the answer is the same under both rankings. */
  public TaskOutcome(boolean solved, int rank, String program, int returned, double[] distinct, long nanos,
      String error, Boolean generalises, long pruned, boolean allBeamsDied) {
    this(solved, rank, program, returned, distinct, nanos, error, generalises, pruned, allBeamsDied, generalises);
  }

  /** An outcome without hidden examples or guidance. */
  public TaskOutcome(boolean solved, int rank, String program, int returned, double[] distinct, long nanos,
      String error) {
    this(solved, rank, program, returned, distinct, nanos, error, null, 0, false);
  }

  public TaskOutcome {
    if (solved != (rank >= 0) || solved != (program != null)) {
      throw new IllegalArgumentException("a solved outcome has a rank >= 0 and a program, an unsolved one neither;"
          + " got solved=" + solved + ", rank=" + rank + ", program=" + program);
    }
    if (returned < 0 || (solved && rank >= returned)) {
      throw new IllegalArgumentException("rank " + rank + " outside the " + returned + " returned programs");
    }
    if (distinct == null || distinct.length != Evaluator.MAX_NGRAM) {
      throw new IllegalArgumentException("distinct needs " + Evaluator.MAX_NGRAM + " ratios");
    }
    if (nanos < 0) {
      throw new IllegalArgumentException("nanos must be >= 0, got " + nanos);
    }
    if (modelCalls < 0) {
      throw new IllegalArgumentException("modelCalls must be >= 0, got " + modelCalls);
    }
    if ((Boolean.TRUE.equals(generalises) || Boolean.TRUE.equals(occamGeneralises)) && !solved) {
      throw new IllegalArgumentException("an unsolved outcome cannot generalise");
    }
    if ((generalises == null) != (occamGeneralises == null)) {
      throw new IllegalArgumentException("both rankings' generalisation are known (hidden examples) or neither");
    }
    distinct = distinct.clone();
  }

  /** An outcome for a task on which the model threw. */
  public static TaskOutcome failed(String error, long nanos) {
    return new TaskOutcome(false, -1, null, 0, new double[Evaluator.MAX_NGRAM], nanos,
        error == null ? "unknown error" : error);
  }

  @Override
  public double[] distinct() {
    return distinct.clone();
  }

  /** Distinct n-gram ratio for one n in 1..MAX_NGRAM. */
  public double distinct(int n) {
    if (n < 1 || n > distinct.length) {
      throw new IllegalArgumentException("n must be in 1.." + distinct.length + ", got " + n);
    }
    return distinct[n - 1];
  }

  public boolean failed() {
    return error != null;
  }
}
