package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ConstStr;
import dev.lp.dsl.GetAll;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsistencyTest {

  private static final Program DIGITS_DASH =
      Program.of(new GetAll(Type.NUMBER), new ConstStr('.'), new GetToken(Type.WORD, 1));
  private static final List<String> IN = List.of("ab 12 cd 3", "Xy 7");
  private static final List<String> OUT = List.of("123.ab", "7.Xy");

  @Test
  void programThatReproducesEveryOutputIsConsistent() {
    assertTrue(Consistency.consistent(DIGITS_DASH, IN, OUT));
    assertTrue(Consistency.consistent(Tokens.encode(DIGITS_DASH), IN, OUT));
  }

  @Test
  void oneWrongOutputMakesItInconsistent() {
    assertFalse(Consistency.consistent(DIGITS_DASH, IN, List.of("123.ab", "7.xy")));
  }

  @Test
  void undecodableIdsAreInconsistentNotErrors() {
    int[] good = Tokens.encode(DIGITS_DASH);
    int[] noEos = java.util.Arrays.copyOf(good, good.length - 1);
    assertFalse(Consistency.consistent(noEos, IN, OUT));
    assertFalse(Consistency.consistent(new int[] {999, 2}, IN, OUT));
    assertFalse(Consistency.consistent(new int[] {Tokens.EOS}, IN, OUT));
    assertFalse(Consistency.consistent(new int[0], IN, OUT));
    assertFalse(Consistency.consistent((int[]) null, IN, OUT));
  }

  @Test
  void failingExecutionIsInconsistent() {
    // '~' is outside the DSL alphabet, so running may fail; either way the answer is "no", not a throw.
    assertFalse(Consistency.consistent(DIGITS_DASH, List.of("~~ 1"), List.of("nope")));
  }

  @Test
  void candidateVariantUsesTheParsedProgram() {
    Candidate ok = Candidate.decode(Tokens.encode(DIGITS_DASH), -0.1, new int[0]);
    Candidate bad = Candidate.decode(new int[] {Tokens.GET_ALL}, -0.1, new int[0]);
    assertTrue(ok.parsed());
    assertFalse(bad.parsed());
    assertTrue(bad.parseError().contains("GetAll"), bad.parseError());
    assertTrue(Consistency.consistent(ok, IN, OUT));
    assertFalse(Consistency.consistent(bad, IN, OUT));
  }

  @Test
  void malformedExamplesAreRejectedWithAClearMessage() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Consistency.consistent(DIGITS_DASH, IN, List.of("x")));
    assertTrue(e.getMessage().contains("2 inputs but 1 outputs"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Consistency.consistent(DIGITS_DASH, List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> Consistency.consistent(DIGITS_DASH, null, OUT));
    assertThrows(IllegalArgumentException.class, () -> Consistency.consistent((Program) null, IN, OUT));
  }
}
