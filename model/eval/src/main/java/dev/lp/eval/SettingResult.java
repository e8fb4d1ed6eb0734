package dev.lp.eval;

import java.util.List;

/**
 * One {@link Setting} run over every task of a dataset: outcomes in task order.
 *
 * @param setting the budget searched with
 * @param outcomes one per task, in dataset order
 */
public record SettingResult(Setting setting, List<TaskOutcome> outcomes) {

  public SettingResult {
    if (setting == null || outcomes == null) {
      throw new IllegalArgumentException("SettingResult needs a setting and outcomes");
    }
    outcomes = List.copyOf(outcomes);
  }

  public int tasks() {
    return outcomes.size();
  }

  public int solved() {
    return (int) outcomes.stream().filter(TaskOutcome::solved).count();
  }

  /** Tasks on which the model threw (counted as unsolved). */
  public int errors() {
    return (int) outcomes.stream().filter(TaskOutcome::failed).count();
  }

  /** Solved / tasks, the paper's accuracy; 0 for no tasks. */
  public double accuracy() {
    return outcomes.isEmpty() ? 0.0 : solved() / (double) outcomes.size();
  }

  /** Tasks with hidden examples whose first consistent program reproduced them all. */
  public int generalised() {
    return (int) outcomes.stream().filter(o -> Boolean.TRUE.equals(o.generalises())).count();
  }

  /** Tasks whose answer under the Occam ranking (shortest consistent, model breaks ties) fits the hidden examples. */
  public int occamGeneralised() {
    return (int) outcomes.stream().filter(o -> Boolean.TRUE.equals(o.occamGeneralises())).count();
  }

  /** {@link #occamGeneralised()} over the tasks with hidden examples. */
  public double occamGeneralisation() {
    long withHidden = outcomes.stream().filter(o -> o.occamGeneralises() != null).count();
    return withHidden == 0 ? 0.0 : occamGeneralised() / (double) withHidden;
  }

  /** Whether any task had hidden examples (so {@link #generalisation()} means something). */
  public boolean hasHidden() {
    return outcomes.stream().anyMatch(o -> o.generalises() != null);
  }

  /** Generalised / tasks with hidden examples; 0 when none had any. */
  public double generalisation() {
    long withHidden = outcomes.stream().filter(o -> o.generalises() != null).count();
    return withHidden == 0 ? 0.0 : generalised() / (double) withHidden;
  }

  /** Share of tasks on which every program beam ended without a complete program. */
  public double allBeamsDiedShare() {
    return outcomes.isEmpty() ? 0.0
        : outcomes.stream().filter(TaskOutcome::allBeamsDied).count() / (double) outcomes.size();
  }

  /** Mean hypotheses pruned by guidance per task. */
  public double meanPruned() {
    return outcomes.stream().mapToLong(TaskOutcome::pruned).average().orElse(0.0);
  }

  /** Mean over tasks that returned programs of their distinct n-gram ratio; 0 when none did. */
  public double meanDistinct(int n) {
    return outcomes.stream().filter(o -> o.returned() > 0).mapToDouble(o -> o.distinct(n)).average().orElse(0.0);
  }

  /** Mean model calls per task (encodes, latent and program steps): the search's cost, whatever the machine. */
  public double meanModelCalls() {
    return outcomes.stream().mapToLong(TaskOutcome::modelCalls).average().orElse(0.0);
  }

  /** Mean wall time per task, in milliseconds. */
  public double meanMillis() {
    return outcomes.stream().mapToLong(TaskOutcome::nanos).average().orElse(0.0) / 1e6;
  }

  /** Accuracy by ground-truth expression count; {@code facts} are the dataset's, in order. */
  public List<LengthBucket> byLength(List<TaskFacts> facts) {
    return LengthBucket.of(facts, outcomes);
  }
}
