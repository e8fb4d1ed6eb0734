package dev.lp.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ConstStr;
import dev.lp.dsl.Program;
import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Task;
import dev.lp.search.ForwardingSynthesisModel;
import dev.lp.search.SynthesisModel;
import dev.lp.search.fake.ScriptedModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  private final List<Task> tasks = Fixtures.tasks();

  private static boolean[] solvedFlags(SettingResult r) {
    boolean[] out = new boolean[r.tasks()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.outcomes().get(i).solved();
    }
    return out;
  }

  @Test
  void latentProgrammerSolvesExactlyTheScriptedSubsetAtEachBeamSize() {
    ScriptedModel model = Fixtures.lp(tasks);
    Evaluator ev = new Evaluator(model);
    List<Setting> settings = ev.settings(List.of(1, 10), null);
    assertEquals(List.of(new Setting(1, 1), new Setting(10, 3)), settings, "default L = floor(sqrt(B))");
    List<String> progress = new ArrayList<>();
    DatasetResult d = ev.evaluate(new Dataset("fixture", tasks, true), settings, false,
        (phase, done, total, acc) -> progress.add(phase + " " + done + "/" + total + " " + acc[0] + " " + acc[1]));

    SettingResult b1 = d.atBeam(1);
    SettingResult b10 = d.atBeam(10);
    assertArrayEquals(new boolean[] {true, false, false, false, false, false, false, false}, solvedFlags(b1));
    assertArrayEquals(new boolean[] {true, true, false, true, false, false, false, false}, solvedFlags(b10));
    assertEquals(1 / 8.0, b1.accuracy());
    assertEquals(3 / 8.0, b10.accuracy());
    assertEquals(0, b10.errors());

    TaskOutcome t1 = b10.outcomes().get(1);
    assertEquals(1, t1.rank(), "the wrong program outranks the ground truth");
    assertEquals(ProgramText.print(tasks.get(1).program()), t1.program());
    assertEquals(ProgramText.print(tasks.get(0).program()), b1.outcomes().get(0).program());
    assertEquals(0, b1.outcomes().get(0).rank());
    assertNull(b10.outcomes().get(2).program());
    assertTrue(b10.outcomes().stream().allMatch(o -> o.returned() > 0 && o.nanos() > 0));

    assertEquals(8, progress.size());
    assertEquals("eval 8/8 0.125 0.375", progress.get(7));
    assertTrue(d.sweep().isEmpty());
    assertEquals(0, model.openHandles(), "every spec and decoder closed");
  }

  @Test
  void byLengthBucketsMatchTheGroundTruthPrograms() {
    DatasetResult d = new Evaluator(Fixtures.lp(tasks)).evaluate(new Dataset("fixture", tasks, true),
        List.of(new Setting(10, 3)), false, null);
    List<LengthBucket> buckets = d.atBeam(10).byLength(d.facts());
    int total = 0;
    int solved = 0;
    for (LengthBucket b : buckets) {
      int n = b.expressions();
      long expectTasks = tasks.stream().filter(t -> t.program().size() == n).count();
      long expectSolved = java.util.stream.IntStream.of(0, 1, 3).filter(i -> tasks.get(i).program().size() == n).count();
      assertEquals(expectTasks, b.tasks(), "tasks with " + n + " expressions");
      assertEquals(expectSolved, b.solved(), "solved with " + n + " expressions");
      total += b.tasks();
      solved += b.solved();
    }
    assertEquals(8, total);
    assertEquals(3, solved);
  }

  @Test
  void latentBeamSweepTradesProgramsPerCodeAgainstCodes() {
    ScriptedModel model = Fixtures.lp(tasks);
    DatasetResult d = new Evaluator(model).evaluate(new Dataset("fixture", tasks, true),
        List.of(new Setting(10, 3)), true, null);
    assertEquals(Evaluator.SWEEP_LATENT_BEAMS, d.sweep().stream().map(r -> r.setting().latentBeams()).toList());
    // L=1: one code, task 3's code {4} never searched; L=10: one program per code, task 1's second program lost.
    double[] expected = {2 / 8.0, 3 / 8.0, 3 / 8.0, 3 / 8.0, 2 / 8.0};
    for (int i = 0; i < expected.length; i++) {
      SettingResult r = d.sweep().get(i);
      assertEquals(expected[i], r.accuracy(), "accuracy at " + r.setting());
      assertEquals(10, r.setting().beamSize());
      for (int n = 1; n <= Evaluator.MAX_NGRAM; n++) {
        double v = r.meanDistinct(n);
        assertTrue(v > 0 && v <= 1, "distinct-" + n + " at " + r.setting() + " = " + v);
      }
    }
    assertEquals(0, model.openHandles());
  }

  @Test
  void baselineIgnoresLatentsAndSkipsTheSweep() {
    Evaluator ev = new Evaluator(Fixtures.baseline(tasks));
    List<Setting> settings = ev.settings(List.of(1, 10, 100), null);
    assertEquals(List.of(1, 1, 1), settings.stream().map(Setting::latentBeams).toList());
    assertEquals(List.of(1, 1), ev.settings(List.of(10, 100), 3).stream().map(Setting::latentBeams).toList());
    DatasetResult d = ev.evaluate(new Dataset("fixture", tasks, false), settings, true, null);
    assertEquals(1 / 8.0, d.atBeam(1).accuracy());
    assertEquals(3 / 8.0, d.atBeam(10).accuracy());
    assertEquals(3 / 8.0, d.atBeam(100).accuracy());
    assertTrue(d.sweep().isEmpty());
  }

  @Test
  void distinctNgramsOfOneReturnedProgramMatchAHandCount() {
    // ConstStr('a') | ConstStr('a') = ids [4, a, 4, a]: 2 distinct unigrams, bigrams and trigrams, one 4-gram.
    Program p = Program.of(new ConstStr('a'), new ConstStr('a'));
    Task t = new Task(List.of("x", "y", "z", "w"), List.of("aa", "aa", "aa", "aa"), p);
    ScriptedModel model = ScriptedModel.builder().baseline()
        .task(t.inputs(), t.outputs(), List.of(ScriptedModel.Entry.ranked(p))).build();
    TaskOutcome o = new Evaluator(model).runOne(t, new Setting(1, 1));
    assertTrue(o.solved());
    assertEquals(1, o.returned());
    assertArrayEquals(new double[] {0.5, 0.5, 0.5, 0.25}, o.distinct(), 1e-12);
  }

  @Test
  void aModelFailureMarksTheTaskFailedAndTheRunGoesOn() {
    ScriptedModel inner = Fixtures.lp(tasks);
    Task broken = tasks.get(0);
    SynthesisModel failing = new ForwardingSynthesisModel(inner) {
      @Override
      public Spec encode(List<String> inputs, List<String> outputs) {
        if (inputs.equals(broken.inputs())) {
          throw new IllegalStateException("encoder blew up");
        }
        return super.encode(inputs, outputs);
      }
    };
    SettingResult r = new Evaluator(failing).run(tasks, List.of(new Setting(10, 3)), "eval", null).get(0);
    assertEquals(1, r.errors());
    assertTrue(r.outcomes().get(0).failed());
    assertEquals("IllegalStateException: encoder blew up", r.outcomes().get(0).error());
    assertFalse(r.outcomes().get(0).solved());
    assertEquals(2 / 8.0, r.accuracy());
  }

  @Test
  void badBudgetsAndInputsAreClearErrors() {
    Evaluator ev = new Evaluator(Fixtures.lp(tasks));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ev.settings(List.of(0), null))
        .getMessage().contains("beam size B must be >= 1"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ev.settings(List.of(1, 10), 0))
        .getMessage().contains("latent beams L must be in 1..B=1"));
    // The issue's own form: a given L is capped at each B.
    assertEquals(List.of(new Setting(1, 1), new Setting(10, 3), new Setting(100, 3)), ev.settings(List.of(1, 10, 100), 3));
    assertEquals(List.of(new Setting(1, 1), new Setting(10, 1)),
        new Evaluator(Fixtures.baseline(tasks)).settings(List.of(1, 10), 3), "the baseline ignores L");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ev.settings(List.of(10, 10), null))
        .getMessage().contains("repeat"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ev.settings(List.of(), null))
        .getMessage().contains("no beam sizes"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ev.run(List.of(), List.of(new Setting(1, 1)), "x", null))
        .getMessage().contains("no tasks"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Dataset("d", List.of(), true))
        .getMessage().contains("has no tasks"));
    assertThrows(IllegalArgumentException.class, () -> new Evaluator(null));
    assertEquals(3, Setting.defaultLatentBeams(15, true));
    assertEquals(10, Setting.defaultLatentBeams(100, true));
    assertEquals(1, Setting.defaultLatentBeams(100, false));
    assertEquals(2, new Dataset("d", tasks, true).limit(2).tasks().size());
  }

  @Test
  void generalisesIsJudgedOnTheHiddenExamplesOfTheFirstConsistentProgram() {
    // Shown: "Ab 12" -> "12". Two consistent programs; the better-scored one (GetToken(NUMBER, 1))
    // generalises to the hidden "Cd 7 8" -> "7", the other (GetToken(NUMBER, -1)) would give "8".
    Program first = ProgramText.parse("GetToken(NUMBER, 1)");
    Program last = ProgramText.parse("GetToken(NUMBER, -1)");
    List<String> in = List.of("Ab 12");
    List<String> out = List.of("12");
    ScriptedModel model = ScriptedModel.builder().baseline().task(in, out, List.of(
        ScriptedModel.Entry.ranked(last), ScriptedModel.Entry.ranked(first))).build();
    Task hiddenTask = new Task(in, out, first, List.of("Cd 7 8"), List.of("7"));
    for (dev.lp.search.Guidance g : dev.lp.search.Guidance.values()) {
      TaskOutcome o = new Evaluator(model, g).runOne(hiddenTask, new Setting(2, 1));
      assertTrue(o.solved(), g.label());
      assertEquals(Boolean.FALSE, o.generalises(), g.label() + ": the user gets GetToken(NUMBER, -1), which fails");
      assertFalse(o.allBeamsDied());
    }
    TaskOutcome plain = new Evaluator(model).runOne(new Task(in, out, first), new Setting(2, 1));
    assertNull(plain.generalises(), "no hidden examples: nothing to judge");
    var r = new SettingResult(new Setting(2, 1), List.of(new Evaluator(model).runOne(hiddenTask, new Setting(2, 1)),
        plain));
    assertTrue(r.hasHidden());
    assertEquals(0.0, r.generalisation());
    assertEquals(1.0, r.accuracy());
  }

  @Test
  void occamRankingAnswersWithTheShortestConsistentProgram() {
    // Shown: "Ab 12" -> "12". The model prefers writing out the two characters (fits the shown
    // example only: on the hidden "Cd 7 8" it gives "12"); the shorter GetToken(NUMBER, 1) gives "7".
    Program pieces = ProgramText.parse("ConstStr('1') | ConstStr('2')");
    Program token = ProgramText.parse("GetToken(NUMBER, 1)");
    List<String> in = List.of("Ab 12");
    List<String> out = List.of("12");
    ScriptedModel model = ScriptedModel.builder().baseline().task(in, out, List.of(
        ScriptedModel.Entry.ranked(pieces), ScriptedModel.Entry.ranked(token))).build();
    Task hiddenTask = new Task(in, out, token, List.of("Cd 7 8"), List.of("7"));
    TaskOutcome o = new Evaluator(model, dev.lp.search.Guidance.OFF).runOne(hiddenTask, new Setting(2, 1));
    assertEquals(dev.lp.dsl.ProgramText.print(pieces), o.program(), "rank " + o.rank() + " of " + o.returned());
    assertEquals(Boolean.FALSE, o.generalises(), "the model's first consistent program fails the hidden example");
    assertEquals(Boolean.TRUE, o.occamGeneralises(), "the shortest consistent one fits it");
    var r = new SettingResult(new Setting(2, 1), List.of(o));
    assertEquals(0.0, r.generalisation());
    assertEquals(1.0, r.occamGeneralisation());
  }
}
