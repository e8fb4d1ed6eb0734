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

  /**
   * The placeholder template that the enumerator checks SubstituteAll results with: where the character
   * occurs in no replaced text, the template read with it is the DSL's result, and its occurrence test
   * is String.contains on that result.
   */
  @Test
  void substituteAllTemplateIsExactWhereTheCharacterIsInNoReplacedText() {
    Random rnd = new Random(11);
    String chars = "aAb1 2,.-xyZ" + Alphabet.CHARACTERS.substring(0, 10);
    int exact = 0;
    int found = 0;
    for (int trial = 0; trial < 3_000; trial++) {
      String w = random(rnd, chars, 25);
      Type t = Type.values()[rnd.nextInt(Type.values().length)];
      char c = Alphabet.CHARACTERS.charAt(rnd.nextInt(Alphabet.CHARACTERS.length()));
      long[] m = Scan.matches(Regex.of(t), w);
      boolean inText = false;
      for (long x : m) {
        inText |= w.substring((int) (x >>> 32), (int) x).indexOf(c) >= 0;
      }
      if (m.length == 0 || inText) {
        continue;
      }
      String template = Enumeration.substituteAll(w, m, Enumeration.PLACEHOLDER);
      String value = new SubstituteAll(t, c).apply(w);
      assertEquals(value, template.replace(Enumeration.PLACEHOLDER, c), "SubstituteAll(" + t + ", '" + c + "') on '" + w + "'");
      exact++;
      // an output that holds the value half the time, else a random string
      String out = rnd.nextBoolean() ? random(rnd, chars, 5) + value + random(rnd, chars, 5) : random(rnd, chars, 30);
      assertEquals(out.contains(value), Enumeration.occursWith(template, c, out), "'" + value + "' in '" + out + "'");
      found += out.contains(value) ? 1 : 0;
    }
    assertEquals(true, exact > 1_000 && found > 500, "too few cases: " + exact + " exact, " + found + " found");
  }

  private static String random(Random rnd, String chars, int max) {
    StringBuilder sb = new StringBuilder();
    for (int j = rnd.nextInt(max); j > 0; j--) {
      sb.append(chars.charAt(rnd.nextInt(chars.length())));
    }
    return sb.toString();
  }
}
