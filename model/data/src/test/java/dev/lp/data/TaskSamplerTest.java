package dev.lp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskSamplerTest {

  private static final int N = 10_000;
  private final SamplerConfig paper = SamplerConfig.paper();
  private List<Task> tasks;

  @BeforeAll
  void sampleOnce() {
    tasks = new ParallelSampler(new TaskSampler(paper), 2).sample(7L, 0, N);
  }

  @Test
  void everyTaskSatisfiesTheDistributionsInvariants() {
    assertEquals(N, tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      String where = "task " + i + " " + t;
      assertEquals(4, t.inputs().size(), where);
      assertEquals(4, t.outputs().size(), where);
      int n = t.program().expressions().size();
      assertTrue(n >= 1 && n <= 10, where);
      for (int j = 0; j < 4; j++) {
        String in = t.inputs().get(j);
        String out = t.outputs().get(j);
        assertTrue(!in.isEmpty() && in.length() <= 100, where);
        assertTrue(!out.isEmpty() && out.length() <= 100, where);
        assertInAlphabet(in, where);
        assertInAlphabet(out, where);
        assertEquals(out, t.program().apply(in), where);
      }
      assertEquals(t.program(), Tokens.decode(Tokens.encode(t.program())), where);
      assertEquals(t.program(), ProgramText.parse(ProgramText.print(t.program())), where);
    }
  }

  @Test
  void expressionCountIsUniformOverOneToTen() {
    SampleStatistics stats = new SampleStatistics(paper);
    tasks.forEach(stats::add);
    for (int n = 1; n <= 10; n++) {
      double share = stats.tasksWithExpressions(n) / (double) N;
      // 1/10 with 10,000 draws: the standard error is 0.003, so 0.085..0.115 is a 5-sigma band.
      assertTrue(share > 0.085 && share < 0.115, "share of n=" + n + " is " + share);
    }
    assertEquals(5.5, stats.meanExpressions(), 0.15);
    assertEquals(5.5, stats.expectedMeanExpressions(), 1e-9);
    // Every op the sampler can draw shows up at top level.
    stats.opCounts().forEach((op, count) -> assertTrue(count > 0, op + " never sampled"));
  }

  @Test
  void sameSeedGivesSameTasksAndDifferentSeedsDiffer() {
    TaskSampler sampler = new TaskSampler(paper);
    List<Task> again = sampler.stream(7L, 0, 200).collect(Collectors.toList());
    assertEquals(tasks.subList(0, 200), again);
    assertEquals(tasks.get(1234), sampler.sample(7L, 1234));
    List<Task> other = sampler.stream(8L, 0, 200).collect(Collectors.toList());
    long same = 0;
    for (int i = 0; i < 200; i++) {
      same += tasks.get(i).equals(other.get(i)) ? 1 : 0;
    }
    assertEquals(0, same, "seed 8 repeated tasks of seed 7");
    Set<List<String>> distinctInputs = new HashSet<>();
    tasks.forEach(t -> distinctInputs.add(t.inputs()));
    assertTrue(distinctInputs.size() > N * 0.99, "inputs repeat: " + distinctInputs.size());
  }

  @Test
  void multiThreadedGenerationEqualsSingleThreaded() {
    TaskSampler sampler = new TaskSampler(paper);
    // A range that is not a multiple of the chunk size, starting mid-stream.
    List<Task> one = new ParallelSampler(sampler, 1).sample(7L, 300, 1000);
    List<Task> three = new ParallelSampler(sampler, 3).sample(7L, 300, 1000);
    assertEquals(one, three);
    assertEquals(tasks.subList(300, 1300), one);
  }

  @Test
  void curriculumLimitsAreRespected() {
    SamplerConfig small = paper.withMaxExpressions(3).withMaxInputLength(30);
    List<Task> sampled = new ParallelSampler(new TaskSampler(small), 2).sample(3L, 0, 2000);
    Set<Integer> counts = new HashSet<>();
    for (Task t : sampled) {
      int n = t.program().expressions().size();
      counts.add(n);
      assertTrue(n >= 1 && n <= 3, t.toString());
      for (int j = 0; j < 4; j++) {
        assertTrue(t.inputs().get(j).length() <= 30, t.toString());
        assertTrue(!t.outputs().get(j).isEmpty() && t.outputs().get(j).length() <= 100, t.toString());
        assertEquals(t.outputs().get(j), t.program().apply(t.inputs().get(j)));
      }
    }
    assertEquals(Set.of(1, 2, 3), counts);

    SamplerConfig fixed = new SamplerConfig(2, 5, 5, 40, 20, 3, 10, 5, 5);
    for (Task t : new TaskSampler(fixed).stream(1L, 0, 300).collect(Collectors.toList())) {
      assertEquals(5, t.program().expressions().size());
      assertEquals(2, t.inputs().size());
      t.outputs().forEach(o -> assertTrue(!o.isEmpty() && o.length() <= 20, o));
      t.inputs().forEach(s -> assertTrue(s.length() <= 40, s));
    }

    // Tiny inputs and outputs force the capped redraw loops to restart; sampling must still finish.
    SamplerConfig tight = new SamplerConfig(4, 1, 6, 8, 8, 3, 10, 5, 5);
    for (Task t : new TaskSampler(tight).stream(2L, 0, 300).collect(Collectors.toList())) {
      assertTrue(t.program().expressions().size() <= 6, t.toString());
      t.inputs().forEach(s -> assertTrue(!s.isEmpty() && s.length() <= 8, s));
      t.outputs().forEach(o -> assertTrue(!o.isEmpty() && o.length() <= 8, o));
      assertTrue(t.programIsConsistent(), t.toString());
    }
  }

  @Test
  void invalidConfigsAreRejectedWithTheFieldNamed() {
    assertMessage("examples", () -> new SamplerConfig(0, 1, 10, 100, 100, 3, 10, 5, 5));
    assertMessage("maxExpressions", () -> paper.withExpressions(4, 3));
    assertMessage("minExpressions", () -> paper.withExpressions(0, 3));
    assertMessage("maxInputLength", () -> paper.withMaxInputLength(101));
    assertMessage("maxInputLength", () -> paper.withMaxInputLength(3));
    assertMessage("maxOutputLength", () -> paper.withMaxOutputLength(5));
    assertMessage("maxInputTokens", () -> new SamplerConfig(4, 1, 10, 100, 100, 5, 4, 5, 5));
    assertMessage("maxRepeats", () -> new SamplerConfig(4, 1, 10, 100, 100, 3, 10, 0, 5));
    assertMessage("threads", () -> new ParallelSampler(new TaskSampler(paper), 0));
    assertMessage("count", () -> new TaskSampler(paper).stream(1, 0, -1));
    assertEquals(88, paper.stopLength());
  }

  @Test
  void streamSeedsOfNeighbouringPairsDiffer() {
    Set<Long> seen = new HashSet<>();
    for (long s = 0; s < 50; s++) {
      for (long i = 0; i < 50; i++) {
        seen.add(TaskSampler.streamSeed(s, i));
      }
    }
    assertEquals(2500, seen.size());
    assertNotEquals(TaskSampler.streamSeed(1, 2), TaskSampler.streamSeed(2, 1));
  }

  private static void assertInAlphabet(String s, String where) {
    for (int k = 0; k < s.length(); k++) {
      assertTrue(Alphabet.contains(s.charAt(k)), "character '" + s.charAt(k) + "' outside the alphabet in " + where);
    }
  }

  private static void assertMessage(String field, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(field), "message '" + e.getMessage() + "' does not name " + field);
  }
}
