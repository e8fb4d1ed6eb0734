package dev.lp.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Tokens;
import dev.lp.search.Candidate;
import dev.lp.search.Consistency;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationTest {
  private static final List<String> NAMES = List.of("Mason Smith", "Henry Myers");

  private static Candidate candidate(String program) {
    return Candidate.decode(Tokens.encode(ProgramText.parse(program)), -1.0, new int[0]);
  }

  private static Verification.Result check(Candidate c, List<String> inputs, List<String> outputs) {
    var r = Verification.check(c, inputs, outputs);
    assertEquals(Consistency.consistent(c, inputs, outputs), r.consistent(), "the verdict is Consistency's");
    return r;
  }

  @Test
  void aConsistentProgramReportsItsOutputsAndTextWithoutEos() {
    var c = candidate("GetToken(PROP_CASE, 2) | ConstStr(' ') | GetToken(ALL_CAPS, 1)");
    var r = check(c, NAMES, List.of("Smith M", "Myers H"));
    assertTrue(r.consistent());
    assertEquals(List.of("Smith M", "Myers H"), r.outputs());
    assertEquals("GetToken(PROP_CASE, 2) | ConstStr(' ') | GetToken(ALL_CAPS, 1)", r.programText());
    int[] tokens = c.tokens();
    assertEquals(Tokens.EOS, tokens[tokens.length - 1]);
    assertArrayEquals(java.util.Arrays.copyOf(tokens, tokens.length - 1), r.programIds());
  }

  @Test
  void oneWrongOutputMakesItInconsistentAndShowsWhatItProduced() {
    var r = check(candidate("GetToken(PROP_CASE, 2)"), NAMES, List.of("Smith", "Henry"));
    assertFalse(r.consistent());
    assertEquals(List.of("Smith", "Myers"), r.outputs());
  }

  @Test
  void anEmptyResultMatchesAnExpectedEmptyOutput() {
    // DSL.md: GetToken with no match gives "", which is a result, not a failure.
    var r = check(candidate("GetToken(NUMBER, 1)"), List.of("a1", "bc"), List.of("1", ""));
    assertTrue(r.consistent());
    assertEquals(List.of("1", ""), r.outputs());
  }

  @Test
  void idsThatDoNotFormAProgramAreInconsistentWithNoOutputs() {
    var c = Candidate.decode(new int[] {Tokens.COMPOSE, Tokens.EOS}, -2.0, new int[0]);
    var r = check(c, NAMES, List.of("Smith M", "Myers H"));
    assertFalse(r.consistent());
    assertTrue(r.programText().startsWith("<invalid program: "), r.programText());
    assertEquals(List.of(), r.outputs());
  }
}
