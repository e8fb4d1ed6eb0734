package dev.lp.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ConstStr;
import dev.lp.dsl.Program;
import dev.lp.dsl.Task;
import dev.lp.dsl.Trim;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthBucketTest {

  private static TaskOutcome solved() {
    return new TaskOutcome(true, 0, "Trim()", 1, new double[4], 1, null);
  }

  private static TaskOutcome unsolved() {
    return new TaskOutcome(false, -1, null, 1, new double[4], 1, null);
  }

  @Test
  void bucketsByExpressionCountAndSkipsTasksWithoutPrograms() {
    List<TaskFacts> facts = List.of(
        new TaskFacts(0, 1, 2), new TaskFacts(1, 3, 9), new TaskFacts(2, 1, 1),
        new TaskFacts(3, -1, -1), new TaskFacts(4, 3, 7), new TaskFacts(5, 10, 40));
    List<TaskOutcome> outcomes = List.of(solved(), unsolved(), unsolved(), solved(), solved(), unsolved());
    List<LengthBucket> buckets = LengthBucket.of(facts, outcomes);
    assertEquals(List.of(new LengthBucket(1, 2, 1), new LengthBucket(3, 2, 1), new LengthBucket(10, 1, 0)), buckets);
    assertEquals(0.5, buckets.get(0).accuracy());
    assertEquals(0.0, buckets.get(2).accuracy());
  }

  @Test
  void factsCountExpressionsAndTokensWithoutEos() {
    Task t = new Task(List.of("a "), List.of("a!"), Program.of(new Trim(), new ConstStr('!')));
    TaskFacts f = TaskFacts.of(7, t);
    assertEquals(new TaskFacts(7, 2, 3), f); // Trim = 1 token, ConstStr = 2
    assertEquals(new TaskFacts(0, -1, -1), TaskFacts.of(0, new Task(List.of("a"), List.of("b"), null)));
  }

  @Test
  void mismatchedListsAreAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LengthBucket.of(List.of(new TaskFacts(0, 1, 1)), List.of()));
    assertTrue(e.getMessage().contains("1 tasks, 0 outcomes"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new TaskFacts(0, 2, -1));
    assertThrows(IllegalArgumentException.class, () -> new LengthBucket(1, 1, 2));
  }
}
