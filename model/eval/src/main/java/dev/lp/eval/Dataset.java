package dev.lp.eval;

import dev.lp.dsl.Task;
import java.util.List;

/**
 * A named list of tasks to evaluate on.
 *
 * @param name shown in reports (e.g. a file name, "sample(seed=1, n=1000)", a golden split)
 * @param tasks at least one task
 * @param paperComparable whether the paper's Table 1 numbers are a fair reference (tasks from the
 *     training distribution), so reports print them beside the measured rows
 */
public record Dataset(String name, List<Task> tasks, boolean paperComparable) {

  public Dataset {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("dataset name is empty");
    }
    if (tasks == null || tasks.isEmpty()) {
      throw new IllegalArgumentException("dataset " + name + " has no tasks");
    }
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i) == null) {
        throw new IllegalArgumentException("dataset " + name + ": task " + i + " is null");
      }
    }
    tasks = List.copyOf(tasks);
  }

  /** The first {@code limit} tasks (all when there are fewer). */
  public Dataset limit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    return limit >= tasks.size() ? this : new Dataset(name, tasks.subList(0, limit), paperComparable);
  }
}
