package dev.lp.trainer;

import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/** The two task sources a run uses: the sampler, or epochs over a fixed list. */
public final class TaskSources {

  private TaskSources() {}

  /** Task {@code index} of the sampler's stream {@code seed}. */
  public static TaskSource sampled(TaskSampler sampler, long seed) {
    return index -> sampler.sample(seed, index);
  }

  /** Epochs over {@code tasks}, each epoch in its own order derived from {@code seed}. */
  public static TaskSource epochs(List<Task> tasks, long seed) {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("a task list to train on must not be empty");
    }
    List<Task> fixed = List.copyOf(tasks);
    int n = fixed.size();
    ConcurrentHashMap<Long, int[]> orders = new ConcurrentHashMap<>();
    return index -> {
      int[] order = orders.computeIfAbsent(index / n, epoch -> permutation(n, seed * 31 + epoch));
      return fixed.get(order[(int) (index % n)]);
    };
  }

  private static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
