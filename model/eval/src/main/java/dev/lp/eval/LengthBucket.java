package dev.lp.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Accuracy among the tasks whose ground-truth program has a given number of expressions (the
 * paper's Figure 3b). Tasks without a program belong to no bucket.
 *
 * @param expressions ground-truth expressions of the tasks in the bucket
 * @param tasks how many tasks
 * @param solved how many of them were solved
 */
public record LengthBucket(int expressions, int tasks, int solved) {

  public LengthBucket {
    if (expressions < 0 || tasks < 1 || solved < 0 || solved > tasks) {
      throw new IllegalArgumentException("bad bucket: expressions " + expressions + ", tasks " + tasks
          + ", solved " + solved);
    }
  }

  public double accuracy() {
    return solved / (double) tasks;
  }

  /**
   * Buckets by expression count, ascending; only counts that occur are present.
   *
   * @throws IllegalArgumentException if the lists differ in size or hold nulls
   */
  public static List<LengthBucket> of(List<TaskFacts> facts, List<TaskOutcome> outcomes) {
    if (facts == null || outcomes == null || facts.size() != outcomes.size()) {
      throw new IllegalArgumentException("by-length needs one outcome per task: "
          + (facts == null ? "null" : facts.size()) + " tasks, "
          + (outcomes == null ? "null" : outcomes.size()) + " outcomes");
    }
    TreeMap<Integer, int[]> counts = new TreeMap<>();
    for (int i = 0; i < facts.size(); i++) {
      TaskFacts f = facts.get(i);
      TaskOutcome o = outcomes.get(i);
      if (f == null || o == null) {
        throw new IllegalArgumentException("task " + i + " has a null " + (f == null ? "fact" : "outcome"));
      }
      if (f.hasProgram()) {
        int[] c = counts.computeIfAbsent(f.expressions(), k -> new int[2]);
        c[0]++;
        if (o.solved()) {
          c[1]++;
        }
      }
    }
    List<LengthBucket> out = new ArrayList<>(counts.size());
    counts.forEach((n, c) -> out.add(new LengthBucket(n, c[0], c[1])));
    return out;
  }
}
