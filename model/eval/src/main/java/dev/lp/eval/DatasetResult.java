package dev.lp.eval;

import java.util.List;

/**
 * One model's results on one dataset.
 *
 * @param dataset dataset name
 * @param paperComparable see {@link Dataset#paperComparable()}
 * @param facts per task, in dataset order
 * @param results one per evaluated beam size, in the order asked
 * @param sweep the latent-beam sweep at B = {@link Evaluator#SWEEP_BEAM_SIZE}, empty when not run
 *     (or for a model without latent codes)
 */
public record DatasetResult(
    String dataset, boolean paperComparable, List<TaskFacts> facts, List<SettingResult> results,
    List<SettingResult> sweep) {

  public DatasetResult {
    if (dataset == null || facts == null || results == null || sweep == null) {
      throw new IllegalArgumentException("DatasetResult needs a name, facts, results and a sweep list");
    }
    facts = List.copyOf(facts);
    results = List.copyOf(results);
    sweep = List.copyOf(sweep);
    for (SettingResult r : results) {
      if (r.tasks() != facts.size()) {
        throw new IllegalArgumentException(dataset + ": " + r.setting() + " has " + r.tasks() + " outcomes for "
            + facts.size() + " tasks");
      }
    }
    for (SettingResult r : sweep) {
      if (r.tasks() != facts.size()) {
        throw new IllegalArgumentException(dataset + ": sweep " + r.setting() + " has " + r.tasks()
            + " outcomes for " + facts.size() + " tasks");
      }
    }
  }

  /** The result at beam size B, or null when B was not evaluated. */
  public SettingResult atBeam(int beamSize) {
    for (SettingResult r : results) {
      if (r.setting().beamSize() == beamSize) {
        return r;
      }
    }
    return null;
  }

  /** Whether any task has a ground-truth program (so by-length accuracy exists). */
  public boolean hasPrograms() {
    return facts.stream().anyMatch(TaskFacts::hasProgram);
  }
}
