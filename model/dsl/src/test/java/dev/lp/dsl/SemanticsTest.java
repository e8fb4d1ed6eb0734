package dev.lp.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each op and every edge case of DSL.md, with its worked examples verbatim. */
class SemanticsTest {
  private static final String SPAN = "ab 12 cd 345 ef";

  private static Regex d(char c) {
    return Regex.of(c);
  }

  private static Regex t(Type t) {
    return Regex.of(t);
  }

  @Test
  void subStrWorkedExamplesOnAbcdef() {
    String s = "abcdef";
    assertEquals("", new SubStr(1, 1).apply(s));
    assertEquals("ab", new SubStr(1, 2).apply(s));
    assertEquals("def", new SubStr(-3, -1).apply(s));
    assertEquals("abcdef", new SubStr(1, 0).apply(s));
    assertEquals("", new SubStr(-7, 3).apply(s));
    assertEquals("abcdef", new SubStr(1, 100).apply(s));
    assertEquals("", new SubStr(5, 2).apply(s));
  }

  @Test
  void subStrOtherEdges() {
    assertEquals("", new SubStr(1, 2).apply(""));
    assertEquals("bcdef", new SubStr(2, 6).apply("abcdef")); // p2 == len-1 -> s[1:6]
    assertEquals("abcdef", new SubStr(-100, 100).apply("abcdef")); // p1 = -94 clamps to 0
    assertEquals("ef", new SubStr(5, 7).apply("abcdef")); // p2 == len -> s[p1:]
  }

  @Test
  void getSpanWorkedExample() {
    assertEquals("b 12 cd 345",
        new GetSpan(t(Type.NUMBER), 5, Boundary.START, t(Type.NUMBER), 2, Boundary.END).apply(SPAN));
  }

  @Test
  void getSpanEdges() {
    // Negative index before the first match gives 0.
    assertEquals("ab 12 cd 345",
        new GetSpan(t(Type.NUMBER), -5, Boundary.START, t(Type.NUMBER), -1, Boundary.END).apply(SPAN));
    // Delimiter regexes: the spaces are at 2, 5, 8, 12.
    assertEquals("12", new GetSpan(d(' '), 1, Boundary.END, d(' '), 2, Boundary.START).apply(SPAN));
    // No match for either regex gives "".
    assertEquals("", new GetSpan(t(Type.ALL_CAPS), 1, Boundary.START, t(Type.LOWER), 1, Boundary.END).apply(SPAN));
    assertEquals("", new GetSpan(t(Type.LOWER), 1, Boundary.START, d('!'), 1, Boundary.END).apply(SPAN));
    // End before start gives "".
    assertEquals("", new GetSpan(t(Type.LOWER), 3, Boundary.START, t(Type.LOWER), 1, Boundary.END).apply(SPAN));
    assertEquals("ab", new GetSpan(t(Type.LOWER), 1, Boundary.START, t(Type.LOWER), 1, Boundary.END).apply(SPAN));
  }

  @Test
  void getTokenIndexRule() {
    assertEquals("ab", new GetToken(Type.WORD, 1).apply(SPAN));
    assertEquals("ef", new GetToken(Type.WORD, -1).apply(SPAN));
    assertEquals("cd", new GetToken(Type.WORD, -2).apply(SPAN));
    assertEquals("", new GetToken(Type.WORD, 4).apply(SPAN)); // out of range
    assertEquals("", new GetToken(Type.WORD, -4).apply(SPAN)); // out of range
    assertEquals("", new GetToken(Type.ALL_CAPS, 1).apply(SPAN)); // no match
    assertEquals("345", new GetToken(Type.NUMBER, 2).apply(SPAN));
    assertEquals("4", new GetToken(Type.DIGIT, -2).apply(SPAN));
    assertEquals(" ", new GetToken(Type.CHAR, 3).apply(SPAN));
    assertEquals("ab12", new GetToken(Type.ALPHANUM, 1).apply("ab12-cd"));
  }

  @Test
  void propCaseNeedsACapitalThenLowercase() {
    assertEquals("Ef", new GetToken(Type.PROP_CASE, 1).apply("DEf"));
    assertEquals("", new GetToken(Type.PROP_CASE, 1).apply("A B C"));
    assertEquals("BcDe", new GetAll(Type.PROP_CASE).apply("A Bc DeF"));
    assertEquals("ABDF", new GetAll(Type.ALL_CAPS).apply("A Bc DeF"));
  }

  @Test
  void referenceUnitCase() {
    Program p = Program.of(new GetToken(Type.ALPHANUM, 3), new GetFrom(d(':')), new GetFirst(Type.CHAR, 4));
    assertEquals("2525,JV3 ObbUd 9", p.apply("Ud 9:25,JV3 Obb"));
  }

  @Test
  void getUptoAndGetFrom() {
    assertEquals("ab 12", new GetUpto(t(Type.NUMBER)).apply(SPAN));
    assertEquals(" cd 345 ef", new GetFrom(t(Type.NUMBER)).apply(SPAN));
    assertEquals("ab ", new GetUpto(d(' ')).apply(SPAN));
    assertEquals("12 cd 345 ef", new GetFrom(d(' ')).apply(SPAN));
    assertEquals("", new GetUpto(d('.')).apply(SPAN));
    assertEquals("", new GetFrom(d('.')).apply(SPAN));
  }

  @Test
  void getFirstUsesPythonSlicingNotTheIndexRule() {
    assertEquals("abcd", new GetFirst(Type.LOWER, -1).apply(SPAN));
    assertEquals("ab", new GetFirst(Type.LOWER, -2).apply(SPAN));
    assertEquals("", new GetFirst(Type.LOWER, -3).apply(SPAN));
    assertEquals("", new GetFirst(Type.LOWER, -5).apply(SPAN));
    assertEquals("abcd", new GetFirst(Type.LOWER, 2).apply(SPAN));
    assertEquals("abcdef", new GetFirst(Type.LOWER, 3).apply(SPAN));
    assertEquals("abcdef", new GetFirst(Type.LOWER, 5).apply(SPAN)); // i >= count: all
    assertEquals("", new GetFirst(Type.ALL_CAPS, 1).apply(SPAN));
  }

  @Test
  void getAll() {
    assertEquals("12345", new GetAll(Type.NUMBER).apply(SPAN));
    assertEquals("12345", new GetAll(Type.DIGIT).apply(SPAN));
    assertEquals(SPAN, new GetAll(Type.CHAR).apply(SPAN));
    assertEquals("", new GetAll(Type.ALL_CAPS).apply(SPAN));
    assertEquals("ab", new GetAll(Type.CHAR).apply("a-b")); // '-' is outside the alphabet
  }

  @Test
  void toCaseFollowsPythonCapitalizeUpperLower() {
    assertEquals("Hello world", new ToCase(Case.PROPER).apply("hELLO wORLD"));
    assertEquals("1abc", new ToCase(Case.PROPER).apply("1ABC")); // first char not a letter: rest still lowered
    assertEquals("", new ToCase(Case.PROPER).apply(""));
    assertEquals("AB 1!", new ToCase(Case.ALL_CAPS).apply("ab 1!"));
    assertEquals("ab 1!", new ToCase(Case.LOWER).apply("AB 1!"));
  }

  @Test
  void replaceEveryOccurrence() {
    assertEquals("a,b,,c", new Replace(' ', ',').apply("a b  c"));
    assertEquals("abc", new Replace(' ', ',').apply("abc"));
  }

  @Test
  void trimStripsPythonWhitespace() {
    assertEquals("a b", new Trim().apply("  a b  "));
    assertEquals("", new Trim().apply("   "));
    assertEquals("a", new Trim().apply("\t a \n"));
    assertEquals("", new Trim().apply(""));
  }

  @Test
  void substituteAndRemoveHitTheFirstTextualOccurrence() {
    // The 2nd NUMBER is "2", but its first occurrence is inside "123".
    assertEquals("1X3 2", new Substitute(Type.NUMBER, 2, 'X').apply("123 2"));
    assertEquals("13 2", new Remove(Type.NUMBER, 2).apply("123 2"));
    assertEquals("1X3 2", new Substitute(Type.NUMBER, -1, 'X').apply("123 2"));
    assertEquals("123 2", new Substitute(Type.NUMBER, 3, 'X').apply("123 2")); // out of range: unchanged
    assertEquals("abc", new Remove(Type.NUMBER, 1).apply("abc")); // no match: unchanged
  }

  @Test
  void allFormsWorkOnTheAlreadyChangedString() {
    // Matches of "ba a b" are "ba", "a", "b", removed one after another by first occurrence.
    assertEquals("  ", new RemoveAll(Type.LOWER).apply("ba a b"));
    assertEquals("X X X", new SubstituteAll(Type.LOWER, 'X').apply("ba a b"));
    // After "12" -> "1" the second match "1" hits the new "1" first.
    assertEquals("1 1", new SubstituteAll(Type.NUMBER, '1').apply("12 1"));
    assertEquals("X", new SubstituteAll(Type.NUMBER, 'X').apply("X"));
  }

  @Test
  void composeAppliesOuterToInner() {
    assertEquals("abc", new Compose(new ToCase(Case.LOWER), new SubStr(1, 3)).apply("ABCD"));
    assertEquals("CD", new Compose(new GetToken(Type.ALL_CAPS, 1), new GetFrom(d(' '))).apply("AB CD"));
  }

  @Test
  void composeRejectsIllegalShapes() {
    assertDsl(() -> new Compose(new ConstStr('a'), new Trim()), "outer");
    assertDsl(() -> new Compose(new SubStr(1, 2), new Trim()), "outer");
    assertDsl(() -> new Compose(new Trim(), new ConstStr('a')), "inner");
    assertDsl(() -> new Compose(new Trim(), new Compose(new Trim(), new Trim())), "inner");
    assertDsl(() -> new Compose(null, new Trim()), "outer");
  }

  @Test
  void constructorsValidateRanges() {
    assertDsl(() -> new SubStr(101, 1), "k1");
    assertDsl(() -> new SubStr(1, -101), "k2");
    assertDsl(() -> new GetToken(Type.WORD, 0), "index");
    assertDsl(() -> new GetToken(Type.WORD, 6), "index");
    assertDsl(() -> new GetToken(null, 1), "t");
    assertDsl(() -> new GetFirst(Type.WORD, -6), "index");
    assertDsl(() -> new ConstStr('-'), "alphabet");
    assertDsl(() -> new Replace('a', ' '), "delimiter");
    assertDsl(() -> Regex.of('a'), "delimiter");
    assertDsl(() -> new GetSpan(null, 1, Boundary.START, Regex.of(Type.WORD), 1, Boundary.END), "r1");
    assertDsl(() -> new Substitute(Type.WORD, 1, '~'), "alphabet");
    assertDsl(() -> Program.of(), "at least one");
    assertDsl(() -> Program.of(new Trim(), null), "null");
  }

  @Test
  void programConcatenates() {
    Program p = Program.of(new GetToken(Type.PROP_CASE, 2), new ConstStr(' '),
        new Compose(new ToCase(Case.LOWER), new SubStr(1, 3)));
    assertEquals("Bob ali", p.apply("Ali Bob"));
    assertEquals(3, p.size());
    assertDsl(() -> p.apply(null), "null");
  }

  static void assertDsl(Executable body, String mustMention) {
    DslException e = assertThrows(DslException.class, body);
    assertTrue(e.getMessage().contains(mustMention), () -> "message should mention '" + mustMention + "': " + e.getMessage());
  }
}
