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

  /** Mean over tasks that returned programs of their distinct n-gram ratio; 0 when none did. */
  public double meanDistinct(int n) {
    return outcomes.stream().filter(o -> o.returned() > 0).mapToDouble(o -> o.distinct(n)).average().orElse(0.0);
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
