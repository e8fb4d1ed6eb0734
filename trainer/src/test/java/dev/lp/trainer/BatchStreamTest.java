package dev.lp.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchStreamTest {
  static final TaskSource SOURCE = TaskSources.sampled(new TaskSampler(SamplerConfig.paper()), 5);

  @Test
  void aPoolIsCutIntoBatchesOfSimilarProgramLengthHoldingEveryTaskOnce() {
    List<List<Task>> pool = firstPool(1);
    Set<String> seen = new HashSet<>();
    for (List<Task> batch : pool) {
      assertEquals(8, batch.size());
      batch.forEach(t -> seen.add(t.toString()));
    }
    Set<String> expected = new HashSet<>();
    for (long i = 0; i < 8 * 6; i++) {
      expected.add(SOURCE.task(i).toString());
    }
    assertEquals(expected, seen);
    List<List<Task>> byLength = new ArrayList<>(pool);
    byLength.sort(Comparator.comparingInt(b -> shortest(b)));
    for (int i = 0; i + 1 < byLength.size(); i++) {
      assertTrue(longest(byLength.get(i)) <= shortest(byLength.get(i + 1)),
          "batches overlap in program length: " + longest(byLength.get(i)) + " > " + shortest(byLength.get(i + 1)));
    }
  }

  @Test
  void theSameSeedGivesTheSameBatchesInTheSameOrder() {
    assertEquals(firstPool(3).toString(), firstPool(3).toString());
  }

  private static List<List<Task>> firstPool(long seed) {
    List<List<Task>> batches = new ArrayList<>();
    try (BatchStream<List<Task>> s = new BatchStream<>(SOURCE, List::copyOf, 8, 6, seed, 0, 2)) {
      for (int i = 0; i < 6; i++) {
        batches.add(s.next().batch());
      }
    }
    return batches;
  }

  private static int length(Task t) {
    return Tokens.encode(t.program()).length;
  }

  private static int shortest(List<Task> batch) {
    return batch.stream().mapToInt(BatchStreamTest::length).min().orElseThrow();
  }

  private static int longest(List<Task> batch) {
    return batch.stream().mapToInt(BatchStreamTest::length).max().orElseThrow();
  }
}
