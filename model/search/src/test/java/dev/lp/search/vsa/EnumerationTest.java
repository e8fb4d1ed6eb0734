package dev.lp.search.vsa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Regex;
import dev.lp.dsl.SubstituteAll;
import dev.lp.dsl.Type;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The enumerator's shortcuts against the DSL's own operators. */
class EnumerationTest {

  /**
   * SubstituteAll from precomputed matches is the DSL's SubstituteAll, including the reference
   * quirk (a match's text replaced where it first occurs in the changed string, which a replacement
   * character may have created).
   */
  @Test
  void substituteAllFromMatchesIsTheDslOperator() {
    Random rnd = new Random(7);
    String chars = "aAb1 2,.-xyZ" + Alphabet.CHARACTERS.substring(0, 10);
    int checked = 0;
    for (int trial = 0; trial < 3_000; trial++) {
      StringBuilder sb = new StringBuilder();
      for (int j = rnd.nextInt(25); j > 0; j--) {
        sb.append(chars.charAt(rnd.nextInt(chars.length())));
      }
      String w = sb.toString();
      Type t = Type.values()[rnd.nextInt(Type.values().length)];
      char c = Alphabet.CHARACTERS.charAt(rnd.nextInt(Alphabet.CHARACTERS.length()));
      long[] m = Scan.matches(Regex.of(t), w);
      assertEquals(new SubstituteAll(t, c).apply(w), Enumeration.substituteAll(w, m, c),
          "SubstituteAll(" + t + ", '" + c + "') on '" + w + "'");
      checked += m.length > 0 ? 1 : 0;
    }
    assertEquals(true, checked > 1_000, "too few strings with matches: " + checked);
  }
}
