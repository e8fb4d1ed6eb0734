package dev.lp.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokensTest {
  private static final Program SAMPLE = Program.of(new GetToken(Type.PROP_CASE, 2), new ConstStr(' '),
      new Compose(new ToCase(Case.LOWER), new SubStr(1, 3)),
      new GetSpan(Regex.of('('), -1, Boundary.END, Regex.of(Type.NUMBER), 5, Boundary.START), new Trim(),
      new Replace('\'', ' '), new GetUpto(Regex.of(Type.CHAR)), new GetFrom(Regex.of('&')),
      new GetFirst(Type.DIGIT, -5), new GetAll(Type.ALPHANUM), new Substitute(Type.WORD, 1, 'z'),
      new SubstituteAll(Type.LOWER, '9'), new Remove(Type.ALL_CAPS, -1), new RemoveAll(Type.CHAR));

  @Test
  void idsFollowDslMd() {
    assertArrayEquals(new int[] {7, 106, 217}, Tokens.encode(new GetToken(Type.PROP_CASE, 2)));
    assertArrayEquals(new int[] {3, 8, 112, 5, 216, 218},
        Tokens.encode(new Compose(new ToCase(Case.LOWER), new SubStr(1, 3))));
    assertArrayEquals(new int[] {4, 101}, Tokens.encode(new ConstStr(' ')));
    assertArrayEquals(new int[] {4, 19}, Tokens.encode(new ConstStr('a')));
    assertArrayEquals(new int[] {10, 2}, Tokens.encode(Program.of(new Trim())));
    assertEquals(115, Tokens.intId(-100));
    assertEquals(315, Tokens.intId(100));
    assertEquals(316, Tokens.VOCAB);
    assertEquals(Tokens.GET_TOKEN, Tokens.opId(GetToken.class));
    assertEquals(6, Tokens.arity(Tokens.GET_SPAN));
    assertEquals(0, Tokens.arity(Tokens.TRIM));
  }

  @Test
  void encodeDecodeRoundTrip() {
    int[] ids = Tokens.encode(SAMPLE);
    assertEquals(Tokens.EOS, ids[ids.length - 1]);
    assertEquals(SAMPLE, Tokens.decode(ids));
    int[] padded = Arrays.copyOf(ids, ids.length + 5);
    assertEquals(SAMPLE, Tokens.decode(padded));
    assertEquals(SAMPLE, Tokens.fromGolden(Tokens.toGolden(SAMPLE)));
    assertEquals("7 106 217|4 101", Tokens.toGolden(Program.of(new GetToken(Type.PROP_CASE, 2), new ConstStr(' '))));
  }

  @Test
  void names() {
    assertEquals("GetToken", Tokens.name(7));
    assertEquals("'a'", Tokens.name(19));
    assertEquals("'\\''", Tokens.name(100));
    assertEquals("PROP_CASE", Tokens.name(106));
    assertEquals("PROPER", Tokens.name(110));
    assertEquals("END", Tokens.name(114));
    assertEquals("-3", Tokens.name(212));
    assertEquals("EOS", Tokens.name(2));
    assertTrue(Tokens.name(316).contains("316"));
  }

  @Test
  void malformedSequencesArePositioned() {
    assertPosition(new int[] {7, 106}, 2, "truncated");
    assertPosition(new int[] {7, 106, 2}, 2, "truncated");
    assertPosition(new int[] {6, 102, 216, 113, 102, 216}, 6, "truncated");
    assertPosition(new int[] {7, 19, 216, 2}, 1, "expects a type");
    assertPosition(new int[] {7, 106, 215, 2}, 2, "index");
    assertPosition(new int[] {9, 19, 81, 2}, 1, "delimiter");
    assertPosition(new int[] {7, 106, 400, 2}, 2, "out of range");
    assertPosition(new int[] {-1, 2}, 0, "out of range");
    assertPosition(new int[] {10, 2, 10}, 2, "after EOS");
    assertPosition(new int[] {3}, 1, "nothing after Compose");
    assertPosition(new int[] {10, 3, 2}, 2, "nothing after Compose");
    assertPosition(new int[] {3, 5, 216, 217, 10, 2}, 1, "nesting op as outer");
    assertPosition(new int[] {3, 10, 4, 19, 2}, 2, "inner");
    assertPosition(new int[] {3, 10, 3, 10, 10, 2}, 2, "inner");
    assertPosition(new int[] {3, 10, 2}, 2, "inner");
    assertPosition(new int[] {10}, 1, "no EOS");
    assertPosition(new int[] {10, 0, 0}, 1, "no EOS");
    assertPosition(new int[] {}, 0, "empty");
    assertPosition(new int[] {2}, 0, "empty");
    assertPosition(new int[] {19, 2}, 0, "expected an op");
    assertPosition(new int[] {1, 10, 2}, 0, "expected an op");
    assertThrows(DslException.class, () -> Tokens.decode(null));
  }

  @Test
  void goldenStringErrorsNameCharacterOffsets() {
    assertGolden("7 106", 5, "truncated");
    assertGolden("7 x", 2, "token id");
    assertGolden("", 0, "empty expression");
    assertGolden("10|", 3, "empty expression");
    assertGolden("10 10", 3, "extra token");
    assertGolden("10|7 106 999", 9, "out of range");
    assertGolden("10|7 19 216", 5, "expects a type");
  }

  @Test
  void randomSequencesOnlyEverThrowDslException() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[] valid = Tokens.encode(SAMPLE);
    int decoded = 0;
    for (int n = 0; n < 100_000; n++) {
      int[] ids;
      if (n % 2 == 0) {
        ids = new int[rnd.nextInt(12)];
        for (int k = 0; k < ids.length; k++) {
          ids[k] = rnd.nextInt(10) == 0 ? rnd.nextInt(-3, 330) : rnd.nextInt(20) == 0 ? 2 : rnd.nextInt(3, 19);
          if (rnd.nextBoolean() && k > 0) {
            ids[k] = rnd.nextInt(19, 316);
          }
        }
      } else {
        ids = Arrays.copyOf(valid, rnd.nextInt(valid.length + 1)); // every truncation of a valid program
        if (ids.length > 0 && rnd.nextBoolean()) {
          ids[rnd.nextInt(ids.length)] = rnd.nextInt(-1, 317);
        }
      }
      try {
        Program p = Tokens.decode(ids);
        assertEquals(p, Tokens.decode(Tokens.encode(p)));
        decoded++;
      } catch (DslException e) {
        assertTrue(e.position() >= 0 && e.position() <= ids.length, () -> "bad position " + e.position() + " for "
            + Arrays.toString(ids) + ": " + e.getMessage());
      } catch (RuntimeException e) {
        fail("non-DSL exception for " + Arrays.toString(ids) + ": " + e);
      }
    }
    assertTrue(decoded > 0, "some random sequences should decode");
  }

  private static void assertPosition(int[] ids, int position, String mustMention) {
    DslException e = assertThrows(DslException.class, () -> Tokens.decode(ids), Arrays.toString(ids));
    assertEquals(position, e.position(), () -> Arrays.toString(ids) + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(mustMention), () -> "expected '" + mustMention + "' in: " + e.getMessage());
  }

  private static void assertGolden(String s, int offset, String mustMention) {
    DslException e = assertThrows(DslException.class, () -> Tokens.fromGolden(s), s);
    assertEquals(offset, e.position(), () -> s + ": " + e.getMessage());
    assertTrue(e.getMessage().contains(mustMention), () -> "expected '" + mustMention + "' in: " + e.getMessage());
  }
}
