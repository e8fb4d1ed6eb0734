package dev.lp.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgramTextTest {
  @Test
  void printsTheDocumentedForm() {
    Program p = Program.of(new GetToken(Type.PROP_CASE, 2), new ConstStr(' '),
        new Compose(new ToCase(Case.LOWER), new SubStr(1, 3)));
    String text = "GetToken(PROP_CASE, 2) | ConstStr(' ') | Compose(ToCase(LOWER), SubStr(1, 3))";
    assertEquals(text, ProgramText.print(p));
    assertEquals(p, ProgramText.parse(text));
    assertEquals(text, p.toString());
  }

  @Test
  void quotesAndAmbiguousNamesRoundTrip() {
    Program p = Program.of(new ConstStr('\''), new Replace('"', '\''), new ToCase(Case.ALL_CAPS),
        new GetToken(Type.ALL_CAPS, -1), new Trim(),
        new GetSpan(Regex.of(' '), 1, Boundary.START, Regex.of(Type.CHAR), -5, Boundary.END),
        new Substitute(Type.DIGIT, 3, ','), new SubstituteAll(Type.WORD, '$'),
        new Remove(Type.LOWER, 1), new RemoveAll(Type.NUMBER), new GetUpto(Regex.of(',')),
        new GetFrom(Regex.of(Type.WORD)), new GetFirst(Type.CHAR, 5), new GetAll(Type.PROP_CASE));
    String text = ProgramText.print(p);
    assertTrue(text.startsWith("ConstStr('\\'') | Replace('\"', '\\'') | ToCase(ALL_CAPS) | GetToken(ALL_CAPS, -1) | Trim()"),
        text);
    assertEquals(p, ProgramText.parse(text));
  }

  @Test
  void whitespaceIsFree() {
    assertEquals(Program.of(new GetToken(Type.WORD, -1), new Trim()),
        ProgramText.parse("  GetToken ( WORD ,-1 )|Trim( ) "));
  }

  @Test
  void errorsNameTheCharacterPosition() {
    assertError("GetToken(PROP_CASE 2)", 19, "','");
    assertError("Foo(1)", 0, "unknown operation");
    assertError("GetToken(WORD, 9)", 15, "out of range");
    assertError("GetToken(WORD, 0)", 15, "out of range");
    assertError("SubStr(1, 101)", 10, "out of range");
    assertError("ConstStr('-')", 9, "not in the alphabet");
    assertError("Replace('a', ' ')", 8, "not a delimiter");
    assertError("GetUpto('a')", 8, "not a delimiter");
    assertError("ToCase(UPPER)", 7, "not a Case");
    assertError("GetToken(PROPER, 1)", 9, "not a Type");
    assertError("", 0, "empty");
    assertError("Trim() |", 8, "expected a name");
    assertError("Trim() Trim()", 7, "'|'");
    assertError("Trim(", 5, "')'");
    assertError("ConstStr('ab')", 11, "unterminated");
    assertError("ConstStr('')", 9, "empty char");
    assertError("Compose(ConstStr('a'), Trim())", 0, "outer");
    assertError("Compose(Trim())", 14, "','");
    assertThrows(DslException.class, () -> ProgramText.parse(null));
  }

  private static void assertError(String text, int position, String mustMention) {
    DslException e = assertThrows(DslException.class, () -> ProgramText.parse(text), text);
    assertEquals(position, e.position(), () -> text + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(mustMention), () -> "expected '" + mustMention + "' in: " + e.getMessage());
  }
}
