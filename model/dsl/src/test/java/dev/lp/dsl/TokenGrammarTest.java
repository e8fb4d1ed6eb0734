package dev.lp.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The grammar must accept exactly what {@link Tokens#decode} accepts. Checked on the 6000 golden
 * programs, on thousands of mutated and random sequences, exhaustively on short sequences over
 * representative ids, and token by token against decode's error position.
 */
class TokenGrammarTest {

  private static final List<int[]> GOLDEN = new ArrayList<>();

  /** One or two ids of every token class and every boundary between classes. */
  private static final int[] REPRESENTATIVE = {
    Tokens.PAD, Tokens.BOS, Tokens.EOS, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
    Tokens.FIRST_CHAR, Tokens.charId('Z'), Tokens.charId('9'), Tokens.charId('&'), Tokens.charId(' '),
    Tokens.FIRST_TYPE, Tokens.FIRST_TYPE + 7, Tokens.FIRST_CASE, Tokens.FIRST_CASE + 2, Tokens.FIRST_BOUNDARY,
    Tokens.FIRST_BOUNDARY + 1, Tokens.FIRST_INT, Tokens.intId(-6), Tokens.intId(-5), Tokens.intId(0),
    Tokens.intId(1), Tokens.intId(5), Tokens.intId(6), Tokens.VOCAB - 1
  };

  @BeforeAll
  static void readGolden() throws IOException {
    for (Path f : GoldenConformanceTest.goldenFiles()) {
      for (Task t : TaskJsonl.read(f)) {
        GOLDEN.add(Tokens.encode(t.program()));
      }
    }
    assertEquals(6000, GOLDEN.size());
  }

  private static boolean decodes(int[] ids) {
    try {
      Tokens.decode(ids);
      return true;
    } catch (DslException e) {
      return false;
    }
  }

  /** decode's error position for ids, or -1 when it decodes. */
  private static int errorAt(int[] ids) {
    try {
      Tokens.decode(ids);
      return -1;
    } catch (DslException e) {
      return e.position();
    }
  }

  private static int[] append(int[] a, int v) {
    int[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }

  private static void assertAgrees(int[] ids) {
    assertEquals(decodes(ids), TokenGrammar.accepts(ids), () -> "grammar vs decode on " + Arrays.toString(ids));
  }

  @Test
  void everyGoldenProgramIsAcceptedTokenByToken() {
    for (int[] ids : GOLDEN) {
      long state = TokenGrammar.start();
      for (int k = 0; k < ids.length; k++) {
        int id = ids[k];
        long before = state;
        int at = k;
        assertTrue(TokenGrammar.allowed(state, id), () -> "golden " + Arrays.toString(ids) + " rejected at "
            + at + " in " + TokenGrammar.describe(before));
        assertTrue(ids.length - k >= TokenGrammar.minTokensToFinish(state), "min tokens bound");
        state = TokenGrammar.advance(state, id);
        assertEquals(k == ids.length - 1, TokenGrammar.finished(state));
      }
      assertTrue(TokenGrammar.accepts(ids));
      assertTrue(TokenGrammar.accepts(append(append(ids, Tokens.PAD), Tokens.PAD)), "PAD may follow EOS");
    }
  }

  @Test
  void mutatedGoldenAndRandomSequencesAgreeWithDecode() {
    SplittableRandom rnd = new SplittableRandom(7);
    int rejected = 0;
    int n = 0;
    for (int[] g : GOLDEN) {
      for (int m = 0; m < 3; m++) {
        int[] ids = mutate(g, rnd);
        assertAgrees(ids);
        rejected += decodes(ids) ? 0 : 1;
        n++;
      }
    }
    for (int i = 0; i < 4000; i++) {
      int len = 1 + rnd.nextInt(12);
      int[] ids = new int[len];
      for (int k = 0; k < len; k++) {
        ids[k] = rnd.nextInt(4) == 0 ? REPRESENTATIVE[rnd.nextInt(REPRESENTATIVE.length)] : rnd.nextInt(Tokens.VOCAB);
      }
      assertAgrees(ids);
      n++;
    }
    // Both outcomes must be well represented, or the agreement says little.
    int accepted = 3 * GOLDEN.size() - rejected;
    assertTrue(rejected > 1000 && accepted > 1000, "mutants rejected " + rejected + ", accepted " + accepted);
    System.out.printf("[grammar] %d mutated/random sequences agree with decode (mutants: %d rejected, %d accepted)%n",
        n, rejected, accepted);
  }

  /** One random edit: substitute, insert, delete, truncate, swap, or duplicate a span. */
  private static int[] mutate(int[] g, SplittableRandom rnd) {
    int[] ids = g.clone();
    int k = rnd.nextInt(ids.length);
    int v = rnd.nextBoolean() ? REPRESENTATIVE[rnd.nextInt(REPRESENTATIVE.length)] : rnd.nextInt(Tokens.VOCAB);
    switch (rnd.nextInt(6)) {
      case 0:
        ids[k] = v;
        return ids;
      case 1: {
        int[] out = new int[ids.length + 1];
        System.arraycopy(ids, 0, out, 0, k);
        out[k] = v;
        System.arraycopy(ids, k, out, k + 1, ids.length - k);
        return out;
      }
      case 2: {
        int[] out = new int[ids.length - 1];
        System.arraycopy(ids, 0, out, 0, k);
        System.arraycopy(ids, k + 1, out, k, ids.length - k - 1);
        return out;
      }
      case 3:
        return Arrays.copyOf(ids, k);
      case 4: {
        int j = rnd.nextInt(ids.length);
        int t = ids[k];
        ids[k] = ids[j];
        ids[j] = t;
        return ids;
      }
      default: {
        int j = k + rnd.nextInt(ids.length - k);
        int[] out = new int[ids.length + (j - k)];
        System.arraycopy(ids, 0, out, 0, j);
        System.arraycopy(ids, k, out, j, ids.length - k);
        return out;
      }
    }
  }

  @Test
  void allShortSequencesOverRepresentativeIdsAgreeWithDecode() {
    int n = REPRESENTATIVE.length;
    int count = 0;
    for (int len = 0; len <= 3; len++) {
      int total = (int) Math.pow(n, len);
      for (int code = 0; code < total; code++) {
        int[] ids = new int[len];
        for (int k = 0, c = code; k < len; k++, c /= n) {
          ids[k] = REPRESENTATIVE[c % n];
        }
        assertAgrees(ids);
        count++;
      }
    }
    assertEquals(1 + n + n * n + n * n * n, count);
  }

  /**
   * The strongest check: after a valid prefix p, token t is allowed exactly when decode(p + t)
   * does not fail at t (it succeeds, or only complains later that the sequence ends).
   */
  @Test
  void eachStepAllowsExactlyTheTokensDecodeDoesNotRejectThere() {
    SplittableRandom rnd = new SplittableRandom(11);
    List<int[]> programs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      programs.add(GOLDEN.get(rnd.nextInt(GOLDEN.size())));
      programs.add(randomWalk(rnd, 30, true));
    }
    int checks = 0;
    for (int[] ids : programs) {
      long state = TokenGrammar.start();
      for (int k = 0; k <= ids.length; k++) {
        int[] prefix = Arrays.copyOf(ids, k);
        for (int t = 0; t < Tokens.VOCAB; t++) {
          int at = errorAt(append(prefix, t));
          boolean decodeAllows = at == -1 || at > k;
          if (decodeAllows != TokenGrammar.allowed(state, t)) {
            fail("after " + Arrays.toString(prefix) + " (" + TokenGrammar.describe(state) + "), token "
                + Tokens.name(t) + ": decode error at " + at + " but grammar allowed="
                + TokenGrammar.allowed(state, t));
          }
          checks++;
        }
        if (k < ids.length) {
          state = TokenGrammar.advance(state, ids[k]);
        }
      }
    }
    System.out.printf("[grammar] %d (prefix, token) pairs agree with decode's error position%n", checks);
  }

  /** A walk that takes uniformly random allowed tokens, EOS with extra weight once accepting. */
  private static int[] randomWalk(SplittableRandom rnd, int maxLen, boolean stopAtEos) {
    long state = TokenGrammar.start();
    Tokens.IntBuf ids = new Tokens.IntBuf(maxLen);
    while (ids.size < maxLen) {
      int t;
      if (TokenGrammar.accepting(state) && rnd.nextInt(4) == 0) {
        t = Tokens.EOS;
      } else {
        boolean[] ok = TokenGrammar.allowedTokens(state);
        do {
          t = rnd.nextInt(Tokens.VOCAB);
        } while (!ok[t] || (t == Tokens.PAD && !TokenGrammar.finished(state)));
      }
      state = TokenGrammar.advance(state, t);
      ids.add(t);
      if (stopAtEos && t == Tokens.EOS) {
        break;
      }
    }
    return ids.toArray();
  }

  @Test
  void randomWalksOnAllowedTokensEndInDecodablePrograms() {
    SplittableRandom rnd = new SplittableRandom(3);
    int ended = 0;
    for (int i = 0; i < 5000; i++) {
      int[] ids = randomWalk(rnd, 40, false);
      long state = TokenGrammar.run(ids);
      int eos = -1;
      for (int k = 0; k < ids.length && eos < 0; k++) {
        eos = ids[k] == Tokens.EOS ? k : -1;
      }
      if (eos >= 0) {
        ended++;
        assertTrue(TokenGrammar.finished(state));
        assertTrue(decodes(ids), () -> "walk " + Arrays.toString(ids));
        assertTrue(decodes(Arrays.copyOf(ids, eos + 1)));
      } else {
        assertFalse(decodes(ids), "an unfinished walk is not a program");
      }
    }
    assertTrue(ended > 4000, "walks ending in EOS: " + ended);
  }

  @Test
  void budgetAllowsExactlyTheTokensAfterWhichTheProgramCanStillEnd() {
    SplittableRandom rnd = new SplittableRandom(5);
    boolean[] out = new boolean[Tokens.VOCAB];
    for (int i = 0; i < 300; i++) {
      int[] ids = randomWalk(rnd, 1 + rnd.nextInt(20), true);
      long state = TokenGrammar.run(Arrays.copyOf(ids, ids.length - 1));
      for (int budget = -1; budget <= 12; budget++) {
        TokenGrammar.allowed(state, budget, out);
        for (int t = 0; t < Tokens.VOCAB; t++) {
          boolean expect;
          if (TokenGrammar.finished(state)) {
            expect = t == Tokens.PAD;
          } else if (!TokenGrammar.allowed(state, t) || budget < 1) {
            expect = false;
          } else {
            expect = t == Tokens.EOS || TokenGrammar.minTokensToFinish(TokenGrammar.advance(state, t)) <= budget - 1;
          }
          assertEquals(expect, out[t], "budget " + budget + " token " + Tokens.name(t) + " in "
              + TokenGrammar.describe(state));
        }
      }
    }
  }

  @Test
  void walksWithinABudgetNeverGetStuckAndAlwaysEndInAProgram() {
    SplittableRandom rnd = new SplittableRandom(9);
    boolean[] ok = new boolean[Tokens.VOCAB];
    int[] choice = new int[Tokens.VOCAB];
    for (int i = 0; i < 3000; i++) {
      int maxLen = 2 + rnd.nextInt(14);
      long state = TokenGrammar.start();
      Tokens.IntBuf ids = new Tokens.IntBuf(maxLen);
      while (!TokenGrammar.finished(state)) {
        assertTrue(ids.size < maxLen, "walk ran past its budget");
        TokenGrammar.allowed(state, maxLen - ids.size, ok);
        int n = 0;
        for (int t = 0; t < ok.length; t++) {
          if (ok[t]) {
            choice[n++] = t;
          }
        }
        assertTrue(n > 0, () -> "stuck in " + TokenGrammar.describe(TokenGrammar.run(ids.toArray())));
        int t = choice[rnd.nextInt(n)];
        ids.add(t);
        state = TokenGrammar.advance(state, t);
      }
      assertTrue(decodes(ids.toArray()));
    }
    boolean[] none = new boolean[Tokens.VOCAB];
    TokenGrammar.allowed(TokenGrammar.start(), 1, none);
    for (boolean b : none) {
      assertFalse(b, "no program fits in 1 token");
    }
  }

  @Test
  void statesAreCompactAndDescribeThemselves() {
    assertEquals(2, TokenGrammar.minTokensToFinish(TokenGrammar.start()));
    long compose = TokenGrammar.run(new int[] {Tokens.COMPOSE});
    assertEquals(3, TokenGrammar.minTokensToFinish(compose), "outer, inner, EOS");
    assertTrue(TokenGrammar.describe(compose).contains("outer"), TokenGrammar.describe(compose));
    long deepest = TokenGrammar.run(new int[] {Tokens.COMPOSE, Tokens.SUBSTITUTE, Tokens.FIRST_TYPE,
        Tokens.intId(1), Tokens.FIRST_CHAR, Tokens.GET_SPAN});
    assertEquals(7, TokenGrammar.minTokensToFinish(deepest), "six GetSpan arguments and EOS");
    long trim = TokenGrammar.run(new int[] {Tokens.TRIM});
    assertTrue(TokenGrammar.accepting(trim));
    assertFalse(TokenGrammar.accepting(TokenGrammar.start()));
    assertEquals(trim, TokenGrammar.run(new int[] {Tokens.GET_TOKEN, Tokens.FIRST_TYPE, Tokens.intId(-2)}),
        "equal states after equal-shaped prefixes: states can key caches");
  }

  @Test
  void badTokensStatesAndBuffersGetClearErrors() {
    long compose = TokenGrammar.run(new int[] {Tokens.COMPOSE});
    var e1 = assertThrows(IllegalArgumentException.class, () -> TokenGrammar.advance(compose, Tokens.SUB_STR));
    assertTrue(e1.getMessage().contains("SubStr") && e1.getMessage().contains("outer"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> TokenGrammar.advance(TokenGrammar.start(), 316));
    assertTrue(e2.getMessage().contains("out of range"), e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class, () -> TokenGrammar.advance(-1L, Tokens.TRIM));
    assertTrue(e3.getMessage().contains("not a grammar state"), e3.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TokenGrammar.accepting(0xFL));
    var e4 = assertThrows(IllegalArgumentException.class,
        () -> TokenGrammar.allowed(TokenGrammar.start(), 5, new boolean[10]));
    assertTrue(e4.getMessage().contains("316"), e4.getMessage());
    var e5 = assertThrows(DslException.class, () -> TokenGrammar.run(new int[] {Tokens.TRIM, Tokens.BOS}));
    assertEquals(1, e5.position());
    assertFalse(TokenGrammar.allowed(TokenGrammar.start(), -3));
    assertFalse(TokenGrammar.accepts(null));
    assertFalse(TokenGrammar.accepts(new int[0]));
  }

  @Test
  void maskingIsCheap() {
    SplittableRandom rnd = new SplittableRandom(1);
    long[] states = new long[256];
    for (int i = 0; i < states.length; i++) {
      int[] ids = randomWalk(rnd, 1 + rnd.nextInt(20), true);
      states[i] = TokenGrammar.run(Arrays.copyOf(ids, ids.length - 1));
    }
    boolean[] out = new boolean[Tokens.VOCAB];
    long sink = 0;
    int reps = 400_000;
    for (int pass = 0; pass < 2; pass++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        TokenGrammar.allowed(states[i & 255], 30, out);
        sink += out[i % Tokens.VOCAB] ? 1 : 0;
      }
      if (pass == 1) {
        System.out.printf("[grammar] allowed(state, budget, boolean[316]): %.1f ns/call (sink %d)%n",
            (System.nanoTime() - t0) / (double) reps, sink);
      }
    }
    assertTrue(sink > 0);
  }
}
