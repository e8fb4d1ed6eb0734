package dev.lp.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

  @Test
  void controlCharactersBecomeEscapesAndBackslashesCannotFakeThem() {
    assertEquals("a\\nb\\tc\\0d\\re", LogText.escape("a\nb\tc\0d\re"));
    assertEquals("x\\\\ny", LogText.escape("x\\ny"), "a literal backslash-n stays distinguishable");
    assertEquals("zero\\u200Bwidth \\u001B[31m", LogText.escape("zero\u200Bwidth \u001B[31m"));
    assertEquals("'\\n'", LogText.quote("\n"));
    assertEquals("null", LogText.escape(null));
  }

  @Test
  void wholeCodePointsAreKeptAndLoneSurrogatesEscaped() {
    assertEquals("caf\u00e9 \uD83D\uDE00", LogText.escape("caf\u00e9 \uD83D\uDE00"));
    assertEquals("half \\uD83D", LogText.escape("half \uD83D"));
  }

  @Test
  void longTextIsCutWithANote() {
    String s = LogText.escape("x".repeat(1000));
    assertTrue(s.startsWith("x".repeat(LogText.MAX_CHARS)), s);
    assertTrue(s.endsWith("...(800 more chars)"), s);
  }

  @Test
  void aBadCharacterIsReportedAsItsCodePoint() {
    assertEquals("examples[0].input has character '\uD83D\uDE00' (U+1F600) at position 2, outside the DSL alphabet",
        LogText.outsideAlphabet("examples[0].input", "a\u00e9\uD83D\uDE00b", 2));
    assertEquals("'\\t' (U+0009)", LogText.describeCodePointAt("a\tb", 1));
    assertEquals("'\\0' (U+0000)", LogText.describeCodePointAt("\0", 0));
    // Position counts code points: the emoji before the tab is one character, not two.
    assertEquals("f has character '\\t' (U+0009) at position 1, outside the DSL alphabet",
        LogText.outsideAlphabet("f", "\uD83D\uDE00\t", 2));
  }
}
