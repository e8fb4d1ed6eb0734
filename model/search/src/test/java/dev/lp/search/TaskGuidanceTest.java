package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Type;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import dev.lp.search.vsa.VersionSpace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A request's guidance, as both search drivers prepare it. */
class TaskGuidanceTest {

  private static final List<String> IN = List.of("Ab 12", "Cd 345");
  private static final List<String> OUT = List.of("12", "345");

  @Test
  void versionSpaceGuidanceSharesOneConstraintAndKnowsTheShortestProgram() {
    TaskGuidance g = TaskGuidance.prepare(Guidance.VERSIONSPACE, IN, OUT);
    assertEquals(Guidance.VERSIONSPACE, g.effective());
    assertTrue(g.fallback().isEmpty());
    Program shortest = g.shortest().orElseThrow();
    assertEquals(1, shortest.size());
    for (int i = 0; i < IN.size(); i++) {
      assertEquals(OUT.get(i), shortest.apply(IN.get(i)));
    }
    assertSame(g.forBeam(), g.forBeam(), "one immutable constraint serves every beam");
  }

  @Test
  void prefixGuidanceGivesEachBeamItsOwnStateAndNoShortestProgram() {
    TaskGuidance g = TaskGuidance.prepare(Guidance.PREFIX, IN, OUT);
    assertNotSame(g.forBeam(), g.forBeam());
    assertTrue(g.shortest().isEmpty());
    assertSame(TokenConstraint.programGrammar(), TaskGuidance.prepare(Guidance.OFF, IN, OUT).forBeam());
  }

  @Test
  void aVersionSpaceCutEmptyFallsBackToPrefixGuidanceAndSaysWhy() {
    // Long outputs of repeated characters: a nanosecond of build time cuts the space before it
    // reaches the end of the outputs.
    String in = "aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa aaaa";
    TaskGuidance g = TaskGuidance.prepare(Guidance.VERSIONSPACE, List.of(in), List.of(in + in),
        VersionSpace.Budget.DEFAULT.withTime(Duration.ofNanos(1)));
    assertEquals(Guidance.VERSIONSPACE, g.requested());
    assertEquals(Guidance.PREFIX, g.effective());
    assertTrue(g.fallback().orElseThrow().contains("cut"), g.fallback().orElseThrow());
    assertTrue(g.forBeam() instanceof PrefixGuidance);
  }

  @Test
  void insideTheVersionSpaceEveryFinishedProgramIsConsistent() {
    // The model prefers an inconsistent program; inside the version space it can only finish
    // consistent ones (off-script tokens keep a little probability in the scripted model).
    ScriptedModel model = ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(Entry.ranked(Program.of(new GetToken(Type.WORD, 1))),
            Entry.ranked(Program.of(new GetToken(Type.NUMBER, 1))))).build();
    TwoLevelSearch.Outcome out = new TwoLevelSearch(model)
        .search(IN, OUT, SearchBudget.of(4, 1).withGuidance(Guidance.VERSIONSPACE), 0, c -> true);
    assertFalse(out.candidates().isEmpty());
    for (Candidate c : out.candidates()) {
      assertTrue(Consistency.consistent(c, IN, OUT), c.toString());
    }
    assertEquals(Program.of(new GetToken(Type.NUMBER, 1)), out.candidates().get(0).programOrNull(),
        "the model's ranking decides among consistent programs");
    assertEquals(Guidance.VERSIONSPACE, out.guidance().effective());
  }
}
