package dev.lp.search.fake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ConstStr;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Type;
import dev.lp.search.Candidate;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TwoLevelSearch;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptedModelTest {

  private static final List<String> IN = List.of("ab cd", "ef gh");
  private static final List<String> OUT = List.of("cd", "gh");

  private static Program constant(String s) {
    return Program.of(s.chars().mapToObj(c -> new ConstStr((char) c)).toArray(ConstStr[]::new));
  }

  @Test
  void explicitScoresAreTheScoresBeamSearchReports() {
    Program a = Program.of(new GetToken(Type.WORD, 2));
    Program b = constant("xyz");
    ScriptedModel model = ScriptedModel.builder().baseline().task(IN, OUT, List.of(
        new Entry(new int[0], Tokens.encode(b), -1.0),
        new Entry(new int[0], Tokens.encode(a), -0.4))).build();
    List<Candidate> cs = new TwoLevelSearch(model).search(IN, OUT, 2, 1);
    assertEquals(a, cs.get(0).programOrNull(), "sorted by score, not list order");
    assertEquals(-0.4, cs.get(0).score(), 1e-4);
    assertEquals(b, cs.get(1).programOrNull());
    assertEquals(-1.0, cs.get(1).score(), 1e-4);
  }

  @Test
  void automaticScoresFollowListOrderWithAFixedGap() {
    List<Entry> entries = new ArrayList<>();
    List<Program> expected = new ArrayList<>();
    String[] words = {"a", "ab", "b", "abc", "ba", "c", "cab", "bb", "cc", "abcab", "q", "qq"};
    for (int i = 0; i < words.length; i++) {
      Program p = constant(words[i]);
      expected.add(p);
      entries.add(Entry.ranked(new int[] {3 + i % 3}, p));
    }
    ScriptedModel model = ScriptedModel.builder().task(IN, OUT, entries).build();
    List<Candidate> cs = new TwoLevelSearch(model).search(IN, OUT, 12 * 3, 3);
    for (int i = 0; i < words.length; i++) {
      assertEquals(expected.get(i), cs.get(i).programOrNull(), "rank " + i);
      assertArrayEquals(new int[] {3 + i % 3}, cs.get(i).latentCode());
      if (i > 0) {
        assertEquals(ScriptedModel.RANK_GAP, cs.get(i - 1).score() - cs.get(i).score(), 1e-4);
      }
    }
    // Off-script programs come after every scripted one, far below.
    assertTrue(cs.size() > words.length);
    assertTrue(cs.get(words.length).score() < cs.get(words.length - 1).score() - 1);
  }

  @Test
  void everyRowIsADistribution() {
    ScriptedModel model = ScriptedModel.builder().task(IN, OUT, List.of(
        Entry.ranked(new int[] {4}, constant("ab")), Entry.ranked(new int[] {4}, constant("ac")))).build();
    try (SynthesisModel.Spec spec = model.encode(IN, OUT);
        SynthesisModel.Decoder progs = model.programDecoder(spec, new int[][] {{4}, {9}});
        SynthesisModel.Decoder codes = model.latentDecoder(spec, 2)) {
      float[][] p0 = progs.step(new int[] {Tokens.BOS, Tokens.BOS});
      float[][] p1 = progs.step(new int[] {Tokens.CONST_STR, Tokens.CONST_STR});
      float[][] c0 = codes.step(new int[] {1, 1});
      for (float[][] rows : List.of(p0, p1, c0)) {
        for (float[] row : rows) {
          double sum = 0;
          for (float v : row) {
            sum += Math.exp(v);
          }
          assertEquals(1.0, sum, 1e-4);
        }
      }
      assertEquals(2, progs.length());
      assertEquals(2, progs.rows());
      progs.reorder(new int[] {0, 0, 1});
      assertEquals(3, progs.rows());
    }
    assertEquals(0, model.openHandles());
  }

  @Test
  void misuseIsReportedClearly() {
    ScriptedModel model = ScriptedModel.builder().task(IN, OUT, List.of(
        Entry.ranked(new int[] {4}, constant("ab")))).build();
    SynthesisModel.Spec spec = model.encode(IN, OUT);
    SynthesisModel.Decoder d = model.programDecoder(spec, new int[][] {{4}});
    var e1 = assertThrows(IllegalArgumentException.class, () -> d.step(new int[] {5}));
    assertTrue(e1.getMessage().contains("BOS"), e1.getMessage());
    assertThrows(IllegalArgumentException.class, () -> d.step(new int[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> d.reorder(new int[] {1}));
    spec.close();
    assertThrows(IllegalStateException.class, () -> d.step(new int[] {1}));
    d.close();
    assertEquals(0, model.openHandles());
    ScriptedModel baseline = ScriptedModel.builder().baseline().build();
    try (SynthesisModel.Spec s = baseline.encode(IN, OUT)) {
      assertThrows(UnsupportedOperationException.class, () -> baseline.latentDecoder(s, 1));
    }
  }

  @Test
  void badScriptsAreRejected() {
    var e1 = assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(new Entry(new int[0], Tokens.encode(constant("a")), -0.01),
            new Entry(new int[0], Tokens.encode(constant("b")), -0.01))).build());
    assertTrue(e1.getMessage().contains("total probability"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(new Entry(new int[0], Tokens.encode(constant("a")), -1),
            Entry.ranked(constant("b")))).build());
    assertTrue(e2.getMessage().contains("every entry a score or none"), e2.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(Entry.ranked(new int[] {4}, constant("a")))).build());
    var e3 = assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder()
        .task(IN, OUT, List.of(new Entry(new int[] {3}, new int[] {4, Tokens.EOS, 20}, Double.NaN))).build());
    assertTrue(e3.getMessage().contains("not a program token"), e3.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder()
        .task(IN, OUT, List.of(Entry.ranked(new int[] {1}, constant("a")))).build());
    assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder().maxProgramLength(3)
        .task(IN, OUT, List.of(Entry.ranked(new int[] {3}, constant("ab")))).build());
    assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder()
        .task(IN, OUT, List.of(Entry.ranked(new int[] {3}, constant("a")), Entry.ranked(new int[] {3}, constant("a"))))
        .build());
    assertThrows(IllegalArgumentException.class, () -> ScriptedModel.builder()
        .task(IN, OUT, List.of(Entry.ranked(new int[] {3}, constant("a")))).task(IN, OUT, List.of(
            Entry.ranked(new int[] {3}, constant("b")))));
  }

  @Test
  void stepDelaySimulatesModelCostPerForwardCall() {
    ScriptedModel model = ScriptedModel.builder().stepDelay(Duration.ofMillis(20)).task(IN, OUT, List.of(
        Entry.ranked(new int[] {4}, constant("ab")))).build();
    long t0 = System.nanoTime();
    new TwoLevelSearch(model).search(IN, OUT, 2, 2);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 20L * model.forwardCalls(), ms + " ms for " + model.forwardCalls() + " calls");
    assertEquals(model.stepAllCalls(), model.forwardCalls());
  }
}
