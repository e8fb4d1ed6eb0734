package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.TokenGrammar;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Type;
import dev.lp.search.BeamSearch.Hypothesis;
import dev.lp.search.BeamSearch.Plan;
import dev.lp.search.BeamSearch.Settings;
import dev.lp.search.BeamSearch.Update;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Beam search under the DSL grammar constraint: program beams only ever produce programs. */
class BeamSearchGrammarTest {

  private static final ModelInfo BASELINE =
      new ModelInfo("baseline", "test", Tokens.VOCAB, 0, -1, -1, 20, 0);

  private static Settings programs(int width, int maxLength) {
    return Settings.forPrograms(
        new ModelInfo("baseline", "test", Tokens.VOCAB, 0, -1, -1, maxLength, 0), width, 0.6);
  }

  /** Drives a search like a decoder would: rows reordered by parents, then the fed token appended. */
  private static List<Hypothesis> run(BeamSearch bs, Function<int[], float[]> model) {
    List<int[]> rows = new ArrayList<>(List.of(new int[0]));
    while (!bs.done()) {
      Plan plan = bs.schedule();
      int[] feed = plan.tokens();
      float[][] lp = new float[rows.size()][];
      for (int r = 0; r < rows.size(); r++) {
        int[] prefix = rows.get(r);
        if (plan.step() > 0) {
          prefix = Arrays.copyOf(prefix, prefix.length + 1);
          prefix[prefix.length - 1] = feed[r];
          rows.set(r, prefix);
        }
        lp[r] = model.apply(prefix);
      }
      Update u = bs.update(plan, lp);
      List<int[]> next = new ArrayList<>();
      for (int p : u.parents()) {
        next.add(rows.get(p));
      }
      rows = next;
    }
    return bs.results();
  }

  private static float[] logSoftmax(double[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double z = 0;
    for (double l : logits) {
      z += Math.exp(l - max);
    }
    float[] out = new float[logits.length];
    for (int v = 0; v < logits.length; v++) {
      out[v] = logits[v] == Double.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY : (float) (logits[v] - max - Math.log(z));
    }
    return out;
  }

  /** The grammar state of a generated prefix, or -1 if it is not a program prefix. */
  private static long stateOf(int[] prefix) {
    long s = TokenGrammar.start();
    for (int t : prefix) {
      if (!TokenGrammar.allowed(s, t)) {
        return -1;
      }
      s = TokenGrammar.advance(s, t);
    }
    return s;
  }

  /** A model that prefers tokens the grammar forbids: EOS early, PAD, wrong kinds, ops where arguments go. */
  private static float[] adversarial(int[] prefix, long salt) {
    Random rnd = new Random(Arrays.hashCode(prefix) * 31L + salt);
    long state = stateOf(prefix);
    double[] logits = new double[Tokens.VOCAB];
    for (int v = 0; v < logits.length; v++) {
      boolean valid = state != -1 && TokenGrammar.allowed(state, v) && v != Tokens.PAD;
      logits[v] = rnd.nextGaussian() + (valid ? -4 : 3) + (v == Tokens.EOS ? 2 : 0);
    }
    return logSoftmax(logits);
  }

  /**
   * A model that puts all its mass on tokens the length-aware grammar allows (the rest -infinity),
   * so a constraint has nothing to remove.
   */
  private static float[] grammatical(int[] prefix, long salt, int maxLength) {
    Random rnd = new Random(Arrays.hashCode(prefix) * 17L + salt);
    boolean[] ok = new boolean[Tokens.VOCAB];
    TokenGrammar.allowed(stateOf(prefix), maxLength - prefix.length, ok);
    double[] logits = new double[Tokens.VOCAB];
    for (int v = 0; v < logits.length; v++) {
      logits[v] = ok[v] && v != Tokens.PAD && v != Tokens.BOS
          ? rnd.nextGaussian() * 2 + (v == Tokens.EOS ? prefix.length * 0.5 : 0) : Double.NEGATIVE_INFINITY;
    }
    return logSoftmax(logits);
  }

  @Test
  void constrainedSearchNeverReturnsAnInvalidProgram() {
    int invalidUnconstrained = 0;
    for (long salt = 0; salt < 30; salt++) {
      final long s = salt;
      int width = 1 + (int) (salt % 5);
      int maxLength = 3 + (int) (salt % 11);
      List<Hypothesis> res = run(new BeamSearch(programs(width, maxLength)), p -> adversarial(p, s));
      assertTrue(!res.isEmpty() && res.size() <= width, "salt " + salt + ": " + res);
      for (Hypothesis h : res) {
        assertTrue(h.complete(), "length-aware grammar: nothing is cut at max length " + maxLength + ": " + h);
        assertTrue(TokenGrammar.accepts(h.tokens()), "not a program: " + h);
        Tokens.decode(h.tokens());
      }
      List<Hypothesis> free = run(new BeamSearch(programs(width, maxLength).withoutConstraint()),
          p -> adversarial(p, s));
      invalidUnconstrained += (int) free.stream().filter(h -> !TokenGrammar.accepts(h.tokens())).count();
    }
    assertTrue(invalidUnconstrained > 30, "the same model unconstrained must yield invalid sequences, got "
        + invalidUnconstrained);
  }

  @Test
  void withOnlyGrammaticalTokensLikelyItEqualsTheUnconstrainedSearch() {
    for (long salt = 0; salt < 30; salt++) {
      final long s = salt;
      int width = 1 + (int) (salt % 5);
      int maxLength = 4 + (int) (salt % 13);
      Function<int[], float[]> model = p -> grammatical(p, s, maxLength);
      BeamSearch constrained = new BeamSearch(programs(width, maxLength));
      BeamSearch free = new BeamSearch(programs(width, maxLength).withoutConstraint());
      List<Hypothesis> a = run(constrained, model);
      List<Hypothesis> b = run(free, model);
      assertEquals(b, a, "salt " + salt);
      assertEquals(free.allFinished(), constrained.allFinished(), "salt " + salt);
      assertEquals(free.step(), constrained.step());
      assertTrue(a.stream().allMatch(h -> TokenGrammar.accepts(h.tokens())));
    }
  }

  @Test
  void eachRowKeepsItsOwnStateThroughReorders() {
    // Step 0 leaves rows [Trim] (complete) and [GetToken] (needs a type); step 1 swaps them.
    BeamSearch bs = new BeamSearch(programs(2, 10));
    Plan p0 = bs.schedule();
    float[] r0 = fill(-30f);
    r0[Tokens.TRIM] = -0.5f;
    r0[Tokens.GET_TOKEN] = -1f;
    bs.update(p0, new float[][] {r0});
    Plan p1 = bs.schedule();
    assertArrayEquals(new int[] {Tokens.TRIM, Tokens.GET_TOKEN}, p1.tokens());
    // Both rows prefer a type token and EOS; only GetToken's row may take a type, only Trim's EOS.
    float[] prefersType = fill(-30f);
    prefersType[Tokens.FIRST_TYPE] = -0.1f;
    prefersType[Tokens.EOS] = -3f;
    Update u1 = bs.update(p1, new float[][] {prefersType.clone(), prefersType.clone()});
    assertEquals(1, u1.finished().size());
    assertArrayEquals(new int[] {Tokens.TRIM, Tokens.EOS}, u1.finished().get(0).tokens());
    assertEquals(1, u1.parents()[0], "the best live row extends GetToken with a type");
    Plan p2 = bs.schedule();
    assertEquals(Tokens.FIRST_TYPE, p2.tokens()[0]);
    // Row 0 is now GetToken(NUMBER, _): only an index may follow, whatever the model prefers.
    float[] prefersEos = fill(-30f);
    prefersEos[Tokens.EOS] = -0.01f;
    prefersEos[Tokens.intId(0)] = -1f;
    prefersEos[Tokens.intId(2)] = -5f;
    float[][] rows = new float[p2.rows()][];
    Arrays.fill(rows, prefersEos);
    Update u2 = bs.update(p2, rows);
    assertArrayEquals(new int[] {0, 0}, u2.parents(), "both survivors extend GetToken(NUMBER)");
    assertTrue(u2.finished().isEmpty(), "EOS is not allowed there");
    Plan p3 = bs.schedule();
    assertEquals(Tokens.intId(2), p3.tokens()[0], "index 2, not EOS or 0, after GetToken(NUMBER)");
    long afterType = TokenGrammar.run(new int[] {Tokens.GET_TOKEN, Tokens.FIRST_TYPE});
    assertTrue(TokenGrammar.allowed(afterType, p3.tokens()[1]), "second survivor is an index too");
  }

  private static float[] fill(float v) {
    float[] r = new float[Tokens.VOCAB];
    Arrays.fill(r, v);
    return r;
  }

  @Test
  void settingsCarryTheConstraint() {
    Settings s = Settings.forPrograms(BASELINE, 4, 0.6);
    assertSame(TokenConstraint.programGrammar(), s.constraint(), "forPrograms uses the DSL grammar");
    assertSame(s.constraint(), s.withBeamWidth(2).withAlpha(0.0).constraint());
    assertNull(s.withoutConstraint().constraint());
    assertArrayEquals(s.banned(), s.withoutConstraint().banned());
    ModelInfo lp = new ModelInfo("lp", "test", Tokens.VOCAB, 20, 1, 2, 20, 4);
    assertNull(Settings.forLatents(lp, 3, 0.6).constraint(), "latent beams have no grammar");
    assertNull(Settings.of(2, 10, 1, 2, 5).constraint());
    var e = assertThrows(IllegalArgumentException.class,
        () -> new Settings(2, 10, 1, 2, 5, 0.6, new int[0], TokenConstraint.programGrammar()));
    assertTrue(e.getMessage().contains("316") && e.getMessage().contains("vocab is 10"), e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> Settings.forPrograms(new ModelInfo("baseline", "x", 300, 0, -1, -1, 20, 0), 2, 0.6));
    assertTrue(e2.getMessage().contains("300"), e2.getMessage());
  }

  @Test
  void aBudgetTooSmallForAnyProgramKillsTheBeamCleanly() {
    BeamSearch bs = new BeamSearch(programs(3, 1));
    Plan p = bs.schedule();
    Update u = bs.update(p, new float[][] {fill((float) -Math.log(Tokens.VOCAB))});
    assertEquals(0, u.parents().length);
    assertTrue(u.finished().isEmpty());
    assertTrue(bs.done());
    assertTrue(bs.results().isEmpty());
  }

  @Test
  void twoLevelSearchOffTheScriptStillReturnsOnlyPrograms() {
    List<String> in = List.of("ab 12", "cd 34");
    List<String> out = List.of("12", "34");
    ScriptedModel model = ScriptedModel.builder().baseline().maxProgramLength(12)
        .task(in, out, List.of(Entry.ranked(Program.of(new GetToken(Type.NUMBER, 1))))).build();
    // Unknown examples: the scripted model puts half its mass on EOS at every step.
    List<Candidate> constrained = new TwoLevelSearch(model).search(List.of("zz"), List.of("q"), 6, 1);
    assertTrue(!constrained.isEmpty());
    assertTrue(constrained.stream().allMatch(c -> c.programOrNull() != null), "all parse: " + constrained);
    List<Candidate> free = new TwoLevelSearch(model, 0.6, null).search(List.of("zz"), List.of("q"), 6, 1);
    assertTrue(free.stream().anyMatch(c -> c.programOrNull() == null), "unconstrained ends at once: " + free);
    List<Candidate> scripted = new TwoLevelSearch(model).search(in, out, 6, 1);
    assertEquals(Program.of(new GetToken(Type.NUMBER, 1)), scripted.get(0).programOrNull());
  }

  /** Per-step cost of the constraint: update() on width-10 rows of 316 log-probs, with and without it. */
  @Test
  void measuresPerStepOverhead() {
    int width = 10;
    int maxLength = 40;
    Random rnd = new Random(1);
    float[][][] pool = new float[16][width][];
    for (float[][] step : pool) {
      for (int r = 0; r < width; r++) {
        double[] logits = new double[Tokens.VOCAB];
        for (int v = 0; v < logits.length; v++) {
          logits[v] = rnd.nextGaussian() * 2;
        }
        step[r] = logSoftmax(logits);
      }
    }
    double[] nsPerStep = new double[2];
    long[] steps = new long[2];
    for (int pass = 0; pass < 3; pass++) {
      for (int c = 0; c < 2; c++) {
        Settings s = c == 0 ? programs(width, maxLength).withoutConstraint() : programs(width, maxLength);
        long n = 0;
        long t0 = System.nanoTime();
        for (int search = 0; search < 50; search++) {
          BeamSearch bs = new BeamSearch(s);
          while (!bs.done()) {
            Plan p = bs.schedule();
            float[][] lp = Arrays.copyOf(pool[(int) ((n + search) & 15)], p.rows());
            bs.update(p, lp);
            n++;
          }
        }
        nsPerStep[c] = (System.nanoTime() - t0) / (double) n;
        steps[c] = n;
      }
    }
    System.out.printf("[grammar-bench] BeamSearch.update width=%d vocab=316: %.1f us/step unconstrained (%d steps),"
        + " %.1f us/step with the DSL grammar (%d steps): overhead %.1f us/step (%.0f%%)%n", width,
        nsPerStep[0] / 1e3, steps[0], nsPerStep[1] / 1e3, steps[1], (nsPerStep[1] - nsPerStep[0]) / 1e3,
        100 * (nsPerStep[1] - nsPerStep[0]) / nsPerStep[0]);
    assertTrue(steps[0] > 0 && steps[1] > 0);
  }
}
