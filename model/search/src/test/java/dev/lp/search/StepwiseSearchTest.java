package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.Program;
import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Tokens;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Step-wise re-synthesis ({@link Guidance#STEPWISE}): the pure {@link StepwiseSearch} and its eval
 * driver ({@link TwoLevelSearch}) over scripted models whose scripts are keyed by the remaining
 * task, so each step search sees exactly what the script says for it.
 */
class StepwiseSearchTest {

  private static final List<String> IN = List.of("Ab 12", "Cd 345");
  private static final List<String> OUT = List.of("12.Ab", "345.Cd");
  private static final Program SOLUTION = ProgramText.parse("GetToken(NUMBER, 1) | ConstStr('.') | GetToken(WORD, 1)");

  private static Entry entry(String program) {
    return Entry.ranked(ProgramText.parse(program));
  }

  private static Entry entry(int[] code, String program) {
    return Entry.ranked(code, ProgramText.parse(program));
  }

  /**
   * A baseline that never writes SOLUTION whole: on the full task its programs are a wrong first
   * expression and a right first expression followed by a wrong rest; on each remaining task (the
   * outputs without the produced prefix) its best program starts with the right next step.
   */
  private static ScriptedModel stepsOnly() {
    return ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(
            entry("GetToken(WORD, 1) | ConstStr('.')"),
            entry("GetToken(NUMBER, 1) | ConstStr(',')")))
        .task(IN, List.of(".Ab", ".Cd"), List.of(entry("ConstStr('.') | ConstStr('x')")))
        .task(IN, List.of("Ab", "Cd"), List.of(entry("GetToken(WORD, 1)")))
        .build();
  }

  private static List<Program> programs(List<Candidate> cs) {
    return cs.stream().map(Candidate::programOrNull).toList();
  }

  @Test
  void concatenatedStepsSolveATaskWhoseWholeProgramTheModelNeverWrites() {
    for (Guidance g : List.of(Guidance.OFF, Guidance.PREFIX)) {
      var whole = new TwoLevelSearch(stepsOnly()).search(IN, OUT, new SearchBudget(4, 1, 1, g), 0, c -> true);
      assertTrue(whole.candidates().stream().noneMatch(c -> Consistency.consistent(c, IN, OUT)),
          g + " finds nothing consistent: " + whole.candidates());
    }
    ScriptedModel model = stepsOnly();
    List<Candidate> streamed = new ArrayList<>();
    var out = new TwoLevelSearch(model).search(IN, OUT, new SearchBudget(4, 1, 1, Guidance.STEPWISE), 0, c -> {
      streamed.add(c);
      return true;
    });
    // The script's steps make SOLUTION the best; the last step's beam also finds other words that fit.
    assertEquals(SOLUTION, out.candidates().get(0).programOrNull(), out.candidates().toString());
    assertEquals(out.candidates(), streamed, "reported as the round that finishes them ends");
    assertTrue(out.candidates().stream().allMatch(c -> Consistency.consistent(c, IN, OUT)), out.candidates().toString());
    assertTrue(out.candidates().stream().allMatch(c -> c.programOrNull().expressions().size() == 3));
    assertEquals(Guidance.STEPWISE, out.guidance().effective());
    // Three rounds of one step search each: every one re-encodes its remaining task.
    assertEquals(3, out.encodes());
    assertEquals(3, model.encodeCalls());
    assertEquals(out.encodes() + out.programSteps(), out.modelCalls());
    assertEquals(model.stepAllCalls(), out.programSteps());
    assertEquals(0, model.openHandles(), "every spec and decoder closed");
  }

  @Test
  void aWrongStepIsPrunedAndTheRightOneIsRankedByItsOwnTokens() {
    // On the full task the model's first choice GetToken(WORD, 1) writes "Ab", not a prefix of "12.Ab":
    // the first-step guidance refuses it, so the step search returns the right step alone.
    ScriptedModel model = stepsOnly();
    try (SynthesisModel.Spec spec = model.encode(IN, OUT);
        SynthesisModel.Decoder d = model.programDecoder(spec, new int[][] {{}})) {
      ProgramSearch ps = new ProgramSearch(model.info(), new int[0], 4, BeamSearch.Settings.DEFAULT_ALPHA,
          TaskGuidance.prepare(Guidance.STEPWISE, IN, OUT).forBeam());
      List<Candidate> reported = new ArrayList<>();
      while (!ps.done()) {
        var plan = ps.schedule();
        var step = ps.update(plan, model.stepAll(List.of(d), List.of(plan.tokens())).get(0));
        reported.addAll(step.report());
        if (!ps.done()) {
          d.reorder(step.parents());
        }
      }
      assertEquals(ProgramText.parse("GetToken(NUMBER, 1)"), reported.get(0).programOrNull());
      assertTrue(reported.stream().noneMatch(c -> c.programOrNull().toString().contains("WORD")), reported.toString());
      assertTrue(ps.pruned() > 0, "the wrong first step was pruned");
      // Ended after its expression, EOS free: the score is the expression's own log-probability.
      assertEquals(Tokens.EOS, reported.get(0).tokens()[reported.get(0).tokens().length - 1]);
    }
  }

  @Test
  void theCoreRejectsAStepThatDoesNotContinueEveryRemainingOutput() {
    StepwiseSearch core = new StepwiseSearch(IN, OUT, new SearchBudget(4, 1, 1, Guidance.STEPWISE), 0.6);
    assertEquals(List.of(OUT), core.remaining());
    Candidate wrong = step("GetToken(WORD, 1)", -0.1);
    Candidate empty = step("GetToken(NUMBER, 5)", -0.2); // out of range: writes nothing on any input
    Candidate right = step("GetToken(NUMBER, 1)", -0.5);
    assertEquals(List.of(), core.advance(List.of(List.of(wrong, empty, right))));
    assertEquals(2, core.stepsRejected());
    assertEquals(List.of(List.of(".Ab", ".Cd")), core.remaining());
    assertEquals(1, core.rounds());
  }

  @Test
  void theCoreOrdersARoundsStepsTheSameWhateverOrderTheyArriveIn() {
    List<Candidate> steps = List.of(step("GetToken(NUMBER, 1)", -0.3), step("GetAll(NUMBER)", -0.2),
        step("SubStr(4, 5)", -0.9), step("GetToken(NUMBER, -1)", -0.2));
    List<List<String>> first = null;
    for (int seed = 0; seed < 6; seed++) {
      List<Candidate> shuffled = new ArrayList<>(steps);
      Collections.shuffle(shuffled, new java.util.Random(seed));
      StepwiseSearch core = new StepwiseSearch(IN, OUT, new SearchBudget(4, 1, 1, Guidance.STEPWISE), 0.6);
      core.advance(List.of(shuffled));
      if (first == null) {
        first = core.remaining();
      }
      assertEquals(first, core.remaining(), "seed " + seed);
    }
    // GetToken(NUMBER, 1), GetAll(NUMBER) and GetToken(NUMBER, -1) reach the same output positions:
    // one remaining task, kept once (the best-scored); SubStr(4, 5) writes "12"/"34", a second one.
    assertEquals(List.of(List.of(".Ab", ".Cd"), List.of(".Ab", "5.Cd")), first);
  }

  @Test
  void theBeamKeepsAtMostBPartialProgramsAndStopsAtTheStepLimit() {
    // Eight distinct first steps (different output positions); B = 3 keeps the best three.
    List<String> in = List.of("abcdefghij");
    List<String> out = List.of("abcdefghijX");
    List<Candidate> steps = new ArrayList<>();
    for (int k = 2; k <= 9; k++) {
      steps.add(step("SubStr(1, " + k + ")", -0.1 * k)); // the first k characters
    }
    StepwiseSearch core = new StepwiseSearch(in, out, new SearchBudget(3, 1, 1, Guidance.STEPWISE, 2), 0.6);
    core.advance(List.of(steps));
    assertEquals(List.of(List.of("cdefghijX"), List.of("defghijX"), List.of("efghijX")), core.remaining());
    assertEquals(3, core.width());
    assertFalse(core.done());
    core.advance(List.of(List.of(), List.of(), List.of()));
    assertTrue(core.done(), "max steps 2 reached");
    assertEquals(List.of(), core.remaining());
    assertThrows(IllegalStateException.class, () -> core.advance(List.of()));
  }

  @Test
  void theSearchEndsAfterTheRoundThatFindsMaxPrograms() {
    StepwiseSearch core = new StepwiseSearch(List.of("ab 12"), List.of("12"),
        new SearchBudget(4, 1, 1, Guidance.STEPWISE), 0.6);
    List<Candidate> found = core.advance(List.of(List.of(step("GetToken(NUMBER, 1)", -0.3),
        step("ConstStr('1')", -0.1), step("GetToken(NUMBER, -1)", -0.4))));
    assertEquals(List.of(ProgramText.parse("GetToken(NUMBER, 1)"), ProgramText.parse("GetToken(NUMBER, -1)")),
        programs(found), "both finished programs, best first; ConstStr('1') would need a second step");
    assertTrue(core.done());
    assertEquals(2, core.found());
  }

  @Test
  void theStepLimitBoundsTheSearchThroughTheDriver() {
    // SOLUTION needs three steps: with at most two, nothing is found and only two rounds run.
    ScriptedModel model = stepsOnly();
    var out = new TwoLevelSearch(model).search(IN, OUT, new SearchBudget(4, 1, 1, Guidance.STEPWISE, 2), 0, c -> true);
    assertEquals(List.of(), out.candidates());
    assertEquals(2, out.encodes());
    assertEquals(0, model.openHandles());
  }

  @Test
  void aLatentModelSearchesCodesAtEveryStepAndEachStepSearchIsBoundedByB() {
    int[] a = {5};
    int[] b = {6, 7};
    ScriptedModel model = ScriptedModel.builder()
        .task(IN, OUT, List.of(entry(a, "GetToken(WORD, 1)"), entry(b, "GetToken(NUMBER, 1) | ConstStr(',')")))
        .task(IN, List.of(".Ab", ".Cd"), List.of(entry(b, "ConstStr('.')")))
        .task(IN, List.of("Ab", "Cd"), List.of(entry(a, "GetToken(PROP_CASE, 1)"), entry(b, "GetToken(WORD, 1)")))
        .build();
    var out = new TwoLevelSearch(model).search(IN, OUT, new SearchBudget(4, 2, 1, Guidance.STEPWISE), 0, c -> true);
    assertTrue(out.candidates().stream().anyMatch(c -> c.programOrNull().equals(SOLUTION)), out.candidates().toString());
    assertTrue(out.candidates().stream().allMatch(c -> Consistency.consistent(c, IN, OUT)));
    Candidate solution = out.candidates().stream().filter(c -> c.programOrNull().equals(SOLUTION)).findFirst()
        .orElseThrow();
    assertEquals(List.of(6, 7), java.util.Arrays.stream(solution.latentCode()).boxed().toList(),
        "a program carries its first step's latent code");
    assertTrue(out.latentSteps() > 0, "a latent beam per step search");
    // Each round runs at most B step searches, each with L codes of floor(B/L) programs.
    assertTrue(out.programBeams() <= 2 * (1 + 4 + 4), "program beams " + out.programBeams());
    assertEquals(out.encodes(), model.encodeCalls());
    assertEquals(0, model.openHandles());
  }

  /** A step as a step search reports it: one expression, EOS appended. */
  private static Candidate step(String expression, double score) {
    return Candidate.decode(Tokens.encode(ProgramText.parse(expression)), score, new int[0]);
  }
}
