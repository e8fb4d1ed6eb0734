package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ConstStr;
import dev.lp.dsl.GetAll;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Trim;
import dev.lp.dsl.Type;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TwoLevelSearchTest {

  private static final List<String> IN = List.of("ab 12 cd 3", "Xy 7");
  private static final List<String> OUT = List.of("123.ab", "7.Xy");
  private static final Program SOLUTION =
      Program.of(new GetAll(Type.NUMBER), new ConstStr('.'), new GetToken(Type.WORD, 1));
  private static final Program WRONG_1 = Program.of(new GetAll(Type.NUMBER));
  private static final Program WRONG_2 = Program.of(new GetToken(Type.WORD, 1), new ConstStr('.'));
  private static final Program WRONG_3 = Program.of(new Trim());
  private static final Program WRONG_4 = Program.of(new GetAll(Type.NUMBER), new ConstStr('.'));

  private static final int[] CODE_A = {5, 6};
  private static final int[] CODE_B = {7};
  private static final int[] CODE_C = {5, 8, 9};

  /** Codes A, B, C in that order; programs in list order across codes. */
  private static ScriptedModel lpModel() {
    return ScriptedModel.builder().task(IN, OUT, List.of(
        Entry.ranked(CODE_A, WRONG_1),
        Entry.ranked(CODE_B, SOLUTION),
        Entry.ranked(CODE_A, WRONG_2),
        Entry.ranked(CODE_C, WRONG_3),
        Entry.ranked(CODE_B, WRONG_4),
        Entry.ranked(CODE_A, WRONG_4))).build();
  }

  private static List<Program> programs(List<Candidate> cs) {
    return cs.stream().map(Candidate::programOrNull).toList();
  }

  @Test
  void latentProgrammerFindsTheScriptedProgramsInOrder() {
    ScriptedModel model = lpModel();
    TwoLevelSearch.Outcome out = new TwoLevelSearch(model).search(IN, OUT, 9, 3, c -> true);
    assertEquals(3, out.latentCodes().size());
    assertArrayEquals(CODE_A, out.latentCodes().get(0));
    assertArrayEquals(CODE_B, out.latentCodes().get(1));
    assertArrayEquals(CODE_C, out.latentCodes().get(2));
    List<Candidate> cs = out.candidates();
    assertTrue(cs.size() <= 9, "at most L·⌊B/L⌋ = 9, got " + cs.size());
    // WRONG_4 comes from codes B and A: kept once, with code B's (better) score.
    assertEquals(List.of(WRONG_1, SOLUTION, WRONG_2, WRONG_3, WRONG_4), programs(cs.subList(0, 5)));
    assertArrayEquals(CODE_B, cs.get(4).latentCode());
    assertArrayEquals(CODE_B, cs.get(1).latentCode());
    assertTrue(Consistency.consistent(cs.get(1), IN, OUT));
    assertEquals(0, model.openHandles(), "every spec and decoder closed");
    assertEquals(1, model.encodeCalls(), "examples encoded once");
    // The beams' contents: all 3·3 results, WRONG_4 once per code that decoded it, best first;
    // the candidates are their first occurrences, in the same order.
    List<Candidate> decoded = out.decoded();
    assertEquals(9, decoded.size(), programs(decoded).toString());
    assertEquals(2, programs(decoded).stream().filter(WRONG_4::equals).count());
    assertEquals(programs(cs), programs(decoded).stream().distinct().toList());
    for (int i = 1; i < decoded.size(); i++) {
      assertTrue(decoded.get(i - 1).score() >= decoded.get(i).score() || !endsInEos(decoded.get(i - 1)),
          "decoded sorted at " + i);
    }
  }

  @Test
  void candidatesAreDistinctSortedAndWithinBudget() {
    for (int[] bl : new int[][] {{9, 3}, {10, 3}, {4, 4}, {7, 2}, {1, 1}, {6, 1}}) {
      ScriptedModel model = lpModel();
      List<Candidate> cs = new TwoLevelSearch(model).search(IN, OUT, bl[0], bl[1]);
      int budget = bl[1] * (bl[0] / bl[1]);
      assertTrue(cs.size() <= budget && !cs.isEmpty(), "B=" + bl[0] + " L=" + bl[1] + ": " + cs.size());
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < cs.size(); i++) {
        assertTrue(seen.add(Arrays.toString(cs.get(i).tokens())), "duplicate program " + cs.get(i));
        if (i > 0 && cs.get(i).parsed() == cs.get(i - 1).parsed()) {
          assertTrue(cs.get(i - 1).score() >= cs.get(i).score() || !endsInEos(cs.get(i - 1)),
              "not sorted at " + i + ": " + cs);
        }
      }
      assertEquals(0, model.openHandles());
    }
  }

  private static boolean endsInEos(Candidate c) {
    int[] t = c.tokens();
    return t[t.length - 1] == Tokens.EOS;
  }

  @Test
  void oneLatentBeamEqualsDecodingWithTheBestCodeAlone() {
    List<Candidate> viaSearch = new TwoLevelSearch(lpModel()).search(IN, OUT, 4, 1);
    // Decode the best code's programs directly with a single program beam of width B.
    ScriptedModel model = lpModel();
    List<int[]> direct = new ArrayList<>();
    try (SynthesisModel.Spec spec = model.encode(IN, OUT);
        SynthesisModel.Decoder dec = model.programDecoder(spec, new int[][] {CODE_A})) {
      BeamSearch bs = new BeamSearch(BeamSearch.Settings.forPrograms(model.info(), 4, 0.6));
      while (!bs.done()) {
        BeamSearch.Plan plan = bs.schedule();
        BeamSearch.Update u = bs.update(plan, dec.step(plan.tokens()));
        if (!bs.done()) {
          dec.reorder(u.parents());
        }
      }
      bs.results().forEach(h -> direct.add(h.tokens()));
    }
    assertEquals(direct.size(), viaSearch.size());
    for (int i = 0; i < direct.size(); i++) {
      assertArrayEquals(direct.get(i), viaSearch.get(i).tokens(), "candidate " + i);
      assertArrayEquals(CODE_A, viaSearch.get(i).latentCode());
    }
    assertEquals(List.of(WRONG_1, WRONG_2, WRONG_4), programs(viaSearch.subList(0, 3)));
  }

  @Test
  void searchGivenCodesDecodesOnlyThoseCodes() {
    ScriptedModel model = lpModel();
    TwoLevelSearch search = new TwoLevelSearch(model);
    TwoLevelSearch.Outcome out = search.searchGivenCodes(IN, OUT, List.of(CODE_B), 4);
    assertEquals(0, out.latentSteps(), "no latent beam");
    assertEquals(List.of(SOLUTION, WRONG_4), programs(out.candidates()).subList(0, 2));
    out.candidates().forEach(c -> assertArrayEquals(CODE_B, c.latentCode()));
    assertEquals(1, out.latentCodes().size());
    assertEquals(0, model.openHandles());
    assertThrows(IllegalArgumentException.class, () -> search.searchGivenCodes(IN, OUT, List.of(), 4));
    assertThrows(IllegalArgumentException.class, () -> search.searchGivenCodes(IN, OUT, List.of(CODE_A), 0));
    ScriptedModel baseline = ScriptedModel.builder().baseline().task(IN, OUT, List.of(Entry.ranked(new int[0], SOLUTION)))
        .build();
    var e = assertThrows(IllegalArgumentException.class,
        () -> new TwoLevelSearch(baseline).searchGivenCodes(IN, OUT, List.of(CODE_A), 4));
    assertTrue(e.getMessage().contains("no latent codes"), e.getMessage());
  }

  @Test
  void allCodesAdvanceThroughOneStepAllCallPerStep() {
    ScriptedModel model = lpModel();
    TwoLevelSearch.Outcome out = new TwoLevelSearch(model).search(IN, OUT, 9, 3, c -> true);
    List<Integer> sizes = model.decodersPerStepAll();
    assertEquals(out.latentSteps() + out.programSteps(), model.stepAllCalls());
    assertEquals(model.stepAllCalls(), model.forwardCalls(), "no lone Decoder.step calls");
    // Latent steps use one decoder; the first program step carries all three codes' decoders.
    for (int i = 0; i < out.latentSteps(); i++) {
      assertEquals(1, sizes.get(i));
    }
    assertEquals(3, sizes.get(out.latentSteps()));
    // Beams leave the batch as they finish, never join it.
    for (int i = out.latentSteps() + 1; i < sizes.size(); i++) {
      assertTrue(sizes.get(i) <= sizes.get(i - 1), "sizes " + sizes);
    }
    // Program steps ≤ the longest program + EOS: every code's beam stepped together, not one after another.
    assertTrue(out.programSteps() <= model.info().maxProgramLength(), "program steps " + out.programSteps());
  }

  @Test
  void baselineRunsOneBeamOfWidthB() {
    ScriptedModel model = ScriptedModel.builder().baseline().task(IN, OUT, List.of(
        Entry.ranked(WRONG_2), Entry.ranked(WRONG_3), Entry.ranked(SOLUTION))).build();
    assertFalse(model.info().hasLatents());
    TwoLevelSearch.Outcome out = new TwoLevelSearch(model).search(IN, OUT, 5, 2, c -> true);
    assertTrue(out.latentCodes().isEmpty());
    assertEquals(0, out.latentSteps());
    assertEquals(5, out.candidates().size(), "width B = 5 (L ignored), scripted 3 then off-script ones");
    assertEquals(List.of(WRONG_2, WRONG_3, SOLUTION), programs(out.candidates().subList(0, 3)));
    for (Candidate c : out.candidates()) {
      assertEquals(0, c.latentCode().length);
    }
    assertTrue(model.decodersPerStepAll().stream().allMatch(n -> n == 1));
    assertEquals(0, model.openHandles());
  }

  /** A scripted baseline dressed as an ablation with continuous latents: it records what it is asked for. */
  private static final class ContinuousModel extends ForwardingSynthesisModel {
    final String kind;
    final List<String> asked = new ArrayList<>();

    ContinuousModel(String kind, SynthesisModel scripted) {
      super(scripted);
      this.kind = kind;
    }

    @Override
    public ModelInfo info() {
      ModelInfo i = delegate.info();
      return new ModelInfo(kind, i.version(), i.programVocab(), 0, -1, -1, i.maxProgramLength(), 0);
    }

    @Override
    public Decoder programDecoder(Spec spec, int[][] latents) {
      throw new UnsupportedOperationException("continuous: decodes only for a length");
    }

    @Override
    public Decoder programDecoderForLength(Spec spec, int programLength, int sample) {
      asked.add(programLength + "#" + sample);
      return delegate.programDecoder(spec, new int[][] {{}});
    }
  }

  @Test
  void continuousLatentModelDecodesBProgramsForTheGivenLength() {
    ScriptedModel scripted = ScriptedModel.builder().baseline().task(IN, OUT, List.of(
        Entry.ranked(WRONG_2), Entry.ranked(SOLUTION))).build();
    ContinuousModel model = new ContinuousModel("ae", scripted);
    assertTrue(model.info().continuousLatents());
    TwoLevelSearch search = new TwoLevelSearch(model);
    var noLength = assertThrows(IllegalArgumentException.class, () -> search.search(IN, OUT, 4, 1, c -> true));
    assertTrue(noLength.getMessage().contains("length"), noLength.getMessage());
    var twoSequences = assertThrows(IllegalArgumentException.class, () -> search.search(IN, OUT, 4, 2, 9, c -> true));
    assertTrue(twoSequences.getMessage().contains("L must be 1"), twoSequences.getMessage());
    TwoLevelSearch.Outcome out = search.search(IN, OUT, 4, 1, 9, c -> true);
    assertEquals(List.of("9#0"), model.asked);
    assertEquals(4, out.candidates().size(), "one beam of width B");
    assertEquals(List.of(WRONG_2, SOLUTION), programs(out.candidates().subList(0, 2)));
    assertTrue(out.latentCodes().isEmpty());
    assertEquals(0, out.latentSteps());
    assertEquals(0, scripted.openHandles());
  }

  @Test
  void sampledLatentModelDecodesBOverLProgramsForEachOfLSamples() {
    ScriptedModel scripted = ScriptedModel.builder().baseline().task(IN, OUT, List.of(
        Entry.ranked(WRONG_2), Entry.ranked(SOLUTION))).build();
    ContinuousModel model = new ContinuousModel("vae", scripted);
    assertTrue(model.info().sampledLatents());
    TwoLevelSearch.Outcome out = new TwoLevelSearch(model).search(IN, OUT, 7, 3, 12, c -> true);
    assertEquals(List.of("12#0", "12#1", "12#2"), model.asked);
    // the scripted samples decode alike, so the 3 beams of width ⌊7/3⌋ = 2 hold the same 2 programs
    assertEquals(List.of(WRONG_2, SOLUTION), programs(out.candidates()));
    assertEquals(3, scripted.decodersPerStepAll().get(0), "the 3 sample beams step together");
    assertEquals(0, scripted.openHandles());
  }

  @Test
  void listenerSeesCandidatesAsTheyFinishAndCanStopEarly() {
    ScriptedModel model = lpModel();
    List<Candidate> seen = new ArrayList<>();
    TwoLevelSearch.Outcome out = new TwoLevelSearch(model).search(IN, OUT, 9, 3, c -> {
      seen.add(c);
      return !Consistency.consistent(c, IN, OUT);
    });
    assertTrue(out.stoppedEarly());
    assertEquals(SOLUTION, seen.get(seen.size() - 1).programOrNull());
    assertEquals(0, model.openHandles(), "decoders closed after an early stop");
    ScriptedModel full = lpModel();
    TwoLevelSearch.Outcome all = new TwoLevelSearch(full).search(IN, OUT, 9, 3, c -> true);
    assertFalse(all.stoppedEarly());
    assertTrue(out.programSteps() < all.programSteps(), out.programSteps() + " vs " + all.programSteps());
  }

  @Test
  void keepGoingStopsBetweenStepsAndStillClosesEverything() {
    ScriptedModel model = lpModel();
    int[] asked = {0};
    TwoLevelSearch.Outcome out = new TwoLevelSearch(model).search(IN, OUT, 9, 3,
        new TwoLevelSearch.CandidateListener() {
          @Override
          public boolean onCandidate(Candidate c) {
            return true;
          }

          @Override
          public boolean keepGoing() {
            return ++asked[0] <= 5; // the latent beam takes 4 steps (codes of ≤ 3 ids + EOS)
          }
        });
    assertTrue(out.stoppedEarly());
    assertEquals(5, model.stepAllCalls(), "stopped before the 6th model step");
    assertEquals(out.latentSteps() + out.programSteps(), model.stepAllCalls());
    assertEquals(0, model.openHandles());
    ScriptedModel other = lpModel();
    TwoLevelSearch.Outcome none = new TwoLevelSearch(other).search(IN, OUT, 9, 3,
        new TwoLevelSearch.CandidateListener() {
          @Override
          public boolean onCandidate(Candidate c) {
            return true;
          }

          @Override
          public boolean keepGoing() {
            return false;
          }
        });
    assertTrue(none.stoppedEarly());
    assertTrue(none.candidates().isEmpty());
    assertEquals(0, other.stepAllCalls());
    assertEquals(0, other.openHandles());
  }

  @Test
  void unknownExamplesStillGiveCandidatesWithoutCrashing() {
    List<Candidate> cs = new TwoLevelSearch(lpModel()).search(List.of("zz"), List.of("q"), 4, 2);
    assertTrue(cs.size() <= 4 && !cs.isEmpty());
    assertFalse(cs.stream().anyMatch(c -> Consistency.consistent(c, List.of("zz"), List.of("q"))));
  }

  @Test
  void badBudgetIsRejectedWithAClearMessage() {
    TwoLevelSearch s = new TwoLevelSearch(lpModel());
    var e1 = assertThrows(IllegalArgumentException.class, () -> s.search(IN, OUT, 0, 1));
    assertTrue(e1.getMessage().contains("B must be >= 1"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> s.search(IN, OUT, 4, 5));
    assertTrue(e2.getMessage().contains("L must be in 1..B=4"), e2.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.search(IN, OUT, 4, 0));
    assertThrows(IllegalArgumentException.class, () -> s.search(IN, List.of("x"), 4, 2));
    assertThrows(IllegalArgumentException.class, () -> new TwoLevelSearch(null));
  }
}
