package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.search.BeamSearch.Hypothesis;
import dev.lp.search.BeamSearch.Plan;
import dev.lp.search.BeamSearch.Settings;
import dev.lp.search.BeamSearch.Update;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BeamSearchTest {

  private static final int VOCAB = 6;
  private static final int PAD = 0;
  private static final int BOS = 1;
  private static final int EOS = 2;

  private static Settings settings(int k, int maxLength, double alpha) {
    return new Settings(k, VOCAB, BOS, EOS, maxLength, alpha, new int[] {PAD, BOS});
  }

  /** A row of log-probabilities from token → probability (the rest -infinity). */
  private static float[] row(Map<Integer, Double> probs) {
    float[] r = new float[VOCAB];
    Arrays.fill(r, Float.NEGATIVE_INFINITY);
    probs.forEach((t, p) -> r[t] = (float) Math.log(p));
    return r;
  }

  /**
   * Drives a search against a model given as prefix → log-probs, keeping its own row prefixes the
   * way a decoder would (reorder by parents, then append the fed token), so parents are checked.
   */
  private static List<Hypothesis> run(BeamSearch bs, Function<int[], float[]> model) {
    List<int[]> rows = new ArrayList<>(List.of(new int[0]));
    while (!bs.done()) {
      Plan plan = bs.schedule();
      assertEquals(rows.size(), plan.rows(), "plan rows = decoder rows");
      int[] feed = plan.tokens();
      float[][] lp = new float[rows.size()][];
      for (int r = 0; r < rows.size(); r++) {
        int[] prefix = rows.get(r);
        if (plan.step() > 0) {
          prefix = Arrays.copyOf(prefix, prefix.length + 1);
          prefix[prefix.length - 1] = feed[r];
          rows.set(r, prefix);
        } else {
          assertEquals(BOS, feed[r]);
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

  /** A deterministic pseudo-random model: log-softmax of logits seeded by the prefix. */
  private static float[] randomModel(int[] prefix, long salt, int vocab) {
    Random rnd = new Random(Arrays.hashCode(prefix) * 31L + salt);
    double[] logits = new double[vocab];
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      logits[v] = rnd.nextGaussian() * 2 + (v == EOS ? prefix.length * 0.4 - 1 : 0);
      max = Math.max(max, logits[v]);
    }
    double z = 0;
    for (double l : logits) {
      z += Math.exp(l - max);
    }
    float[] out = new float[vocab];
    for (int v = 0; v < vocab; v++) {
      out[v] = (float) (logits[v] - max - Math.log(z));
    }
    return out;
  }

  @Test
  void firstStepHasOneRowFedBos() {
    BeamSearch bs = new BeamSearch(settings(3, 5, 0.6));
    Plan plan = bs.schedule();
    assertEquals(0, plan.step());
    assertArrayEquals(new int[] {BOS}, plan.tokens());
    var ex = assertThrows(IllegalArgumentException.class,
        () -> bs.update(plan, new float[][] {row(Map.of(3, 1.0)), row(Map.of(3, 1.0))}));
    assertTrue(ex.getMessage().contains("2 rows"), ex.getMessage());
  }

  @Test
  void keepsTopKByCumulativeLogProbAndReportsParents() {
    BeamSearch bs = new BeamSearch(settings(2, 10, 0.0));
    Plan p0 = bs.schedule();
    Update u0 = bs.update(p0, new float[][] {row(Map.of(3, 0.5, 4, 0.3, 5, 0.15, EOS, 0.05))});
    assertArrayEquals(new int[] {0, 0}, u0.parents());
    assertTrue(u0.finished().isEmpty());
    Plan p1 = bs.schedule();
    assertArrayEquals(new int[] {3, 4}, p1.tokens(), "rows hold [3] and [4]");
    // [3] → 5 has 0.5·0.7 = 0.35, [4] → 3 has 0.3·0.9 = 0.27; [3] → 3 has 0.05.
    Update u1 = bs.update(p1, new float[][] {
        row(Map.of(3, 0.1, 4, 0.1, 5, 0.7, EOS, 0.1)), row(Map.of(3, 0.9, 5, 0.05, EOS, 0.05))});
    assertArrayEquals(new int[] {0, 1}, u1.parents());
    assertArrayEquals(new int[] {5, 3}, bs.schedule().tokens());
    assertEquals(2, bs.liveRows());
  }

  @Test
  void eosWithinTopKFinishesAndTheBeamStaysFull() {
    BeamSearch bs = new BeamSearch(settings(2, 10, 0.0));
    Plan p0 = bs.schedule();
    Update u0 = bs.update(p0, new float[][] {row(Map.of(EOS, 0.6, 3, 0.3, 4, 0.1))});
    assertEquals(1, u0.finished().size());
    Hypothesis h = u0.finished().get(0);
    assertArrayEquals(new int[] {EOS}, h.tokens());
    assertTrue(h.complete());
    assertEquals(Math.log(0.6), h.logProb(), 1e-6);
    assertArrayEquals(new int[0], h.body());
    assertEquals(2, bs.liveRows(), "both non-EOS tokens stay live");
    assertArrayEquals(new int[] {0, 0}, u0.parents());
  }

  @Test
  void eosOutsideTopKDoesNotFinish() {
    BeamSearch bs = new BeamSearch(settings(2, 10, 0.0));
    Plan p0 = bs.schedule();
    Update u0 = bs.update(p0, new float[][] {row(Map.of(3, 0.5, 4, 0.3, EOS, 0.2))});
    assertTrue(u0.finished().isEmpty(), "EOS ranks third, outside k = 2");
  }

  @Test
  void lengthNormalisationCanPreferTheLongerHypothesis() {
    // Short: EOS at once with p = 0.4. Long: 3 then 4 then 4 ... EOS, each step p = 0.9 → 0.9^5.
    Function<int[], float[]> model = prefix -> prefix.length == 0
        ? row(Map.of(EOS, 0.4, 3, 0.6))
        : prefix.length < 5 ? row(Map.of(4, 0.9, EOS, 0.1)) : row(Map.of(EOS, 0.95, 4, 0.05));
    List<Hypothesis> withPenalty = run(new BeamSearch(settings(2, 10, 0.6)), model);
    List<Hypothesis> raw = run(new BeamSearch(settings(2, 10, 0.0)), model);
    // Raw: 0.4 (log -0.92) beats 0.6·0.9^4·0.95 = 0.374 (log -0.98); normalised, the long one wins.
    assertArrayEquals(new int[] {EOS}, raw.get(0).tokens());
    assertArrayEquals(new int[] {3, 4, 4, 4, 4, EOS}, withPenalty.get(0).tokens());
    Hypothesis top = withPenalty.get(0);
    assertEquals(top.logProb() / Math.pow((5.0 + 6) / 6, 0.6), top.score(), 1e-9);
    assertTrue(withPenalty.get(0).score() > withPenalty.get(1).score());
  }

  @Test
  void maxLengthFinishesTruncatedHypothesesRankedAfterCompleteOnes() {
    // [3] ends with p 0.3; the rest continues almost surely and is cut at length 3.
    Function<int[], float[]> model = prefix -> prefix.length == 1 && prefix[0] == 3
        ? row(Map.of(3, 0.7, EOS, 0.3)) : row(Map.of(3, 0.99, 4, 0.01));
    BeamSearch bs = new BeamSearch(settings(2, 3, 0.6));
    List<Hypothesis> res = run(bs, model);
    assertTrue(bs.done());
    assertEquals(3, bs.step());
    assertEquals(0, bs.liveRows());
    assertEquals(2, res.size());
    assertTrue(res.get(0).complete(), "the EOS-terminated one ranks first despite its lower score");
    assertArrayEquals(new int[] {3, EOS}, res.get(0).tokens());
    assertFalse(res.get(1).complete());
    assertArrayEquals(new int[] {3, 3, 3}, res.get(1).tokens());
    assertArrayEquals(new int[] {3, 3, 3}, res.get(1).body());
    assertTrue(res.get(1).score() > res.get(0).score());
    assertThrows(IllegalStateException.class, bs::schedule);
  }

  @Test
  void resultsAreDistinctSortedAndAtMostK() {
    for (long salt = 0; salt < 40; salt++) {
      final long s = salt;
      int k = 1 + (int) (salt % 5);
      BeamSearch bs = new BeamSearch(
          new Settings(k, 12, BOS, EOS, 8, 0.6, new int[] {PAD, BOS}));
      List<Hypothesis> res = run(bs, prefix -> randomModel(prefix, s, 12));
      assertTrue(res.size() <= k && !res.isEmpty(), "salt " + salt + ": " + res.size());
      Set<List<Integer>> seen = new HashSet<>();
      for (int i = 0; i < res.size(); i++) {
        Hypothesis h = res.get(i);
        assertTrue(seen.add(Arrays.stream(h.tokens()).boxed().toList()), "duplicate " + h);
        for (int t : h.tokens()) {
          assertTrue(t != PAD && t != BOS, "banned id chosen in " + h);
        }
        if (i > 0 && res.get(i - 1).complete() == h.complete()) {
          assertTrue(res.get(i - 1).score() >= h.score(), "not sorted: " + res);
        }
        if (i > 0) {
          assertFalse(!res.get(i - 1).complete() && h.complete(), "truncated before complete: " + res);
        }
      }
    }
  }

  @Test
  void widthOneWithoutNormalisationIsGreedy() {
    for (long salt = 0; salt < 30; salt++) {
      final long s = salt;
      Function<int[], float[]> model = prefix -> randomModel(prefix, s, 12);
      List<Hypothesis> res = run(new BeamSearch(new Settings(1, 12, BOS, EOS, 10, 0.0,
          new int[] {PAD, BOS})), model);
      int[] greedy = new int[0];
      double lp = 0;
      while (greedy.length < 10) {
        float[] r = model.apply(greedy);
        int best = -1;
        for (int v = 0; v < r.length; v++) {
          if (v != PAD && v != BOS && (best < 0 || r[v] > r[best])) {
            best = v;
          }
        }
        lp += r[best];
        greedy = Arrays.copyOf(greedy, greedy.length + 1);
        greedy[greedy.length - 1] = best;
        if (best == EOS) {
          break;
        }
      }
      assertEquals(1, res.size());
      assertArrayEquals(greedy, res.get(0).tokens(), "salt " + salt);
      assertEquals(lp, res.get(0).logProb(), 1e-5);
    }
  }

  @Test
  void stopsEarlyWhenNoLiveRowCanBeatTheFinished() {
    BeamSearch bs = new BeamSearch(settings(1, 50, 0.6));
    Plan p0 = bs.schedule();
    bs.update(p0, new float[][] {row(Map.of(EOS, 0.9, 3, 0.1))});
    // Live [3] has log 0.1 = -2.3; even at length 50 it scores -2.3/3.9 = -0.59 < log 0.9 = -0.105.
    assertTrue(bs.done());
    assertEquals(1, bs.liveRows());
    assertEquals(1, bs.step());
  }

  @Test
  void keepsGoingWhileALiveRowCouldStillWin() {
    BeamSearch bs = new BeamSearch(settings(1, 50, 0.6));
    Plan p0 = bs.schedule();
    bs.update(p0, new float[][] {row(Map.of(EOS, 0.5, 3, 0.45, 4, 0.05))});
    // log 0.45 = -0.80 over the max-length penalty 3.9 is -0.20 > log 0.5 = -0.69.
    assertFalse(bs.done());
  }

  @Test
  void beamsWhoseTokensAreAllImpossibleDie() {
    BeamSearch bs = new BeamSearch(settings(3, 10, 0.6));
    Plan p0 = bs.schedule();
    Update u0 = bs.update(p0, new float[][] {row(Map.of(3, 0.7, 4, 0.3))});
    assertEquals(2, u0.parents().length, "only two valid tokens: the beam shrinks to 2");
    Plan p1 = bs.schedule();
    Update u1 = bs.update(p1, new float[][] {row(Map.of(EOS, 1.0)), row(Map.of())});
    assertEquals(0, u1.parents().length);
    assertEquals(1, u1.finished().size());
    assertTrue(bs.done());
    assertEquals(1, bs.results().size());
  }

  @Test
  void bannedIdsAreNeverChosen() {
    BeamSearch bs = new BeamSearch(settings(2, 10, 0.6));
    Plan p0 = bs.schedule();
    Update u0 = bs.update(p0, new float[][] {row(Map.of(PAD, 0.5, BOS, 0.3, 3, 0.1, 4, 0.1))});
    assertEquals(2, u0.parents().length);
    assertArrayEquals(new int[] {3, 4}, bs.schedule().tokens());
  }

  @Test
  void latentBeamGeneratesAtLeastOneCodeEvenWhenEosLeadsAtStepZero() {
    // latent vocab 8: PAD 0, BOS 1, EOS 2, codes 3..7; codes of at most 3 latents plus EOS
    ModelInfo info = new ModelInfo("lp", "test", dev.lp.dsl.Tokens.VOCAB, 8, 1, 2, 20, 4);
    Settings latents = Settings.forLatents(info, 2, 0.6);
    assertEquals(1, latents.minTokens());
    assertEquals(1, latents.withBeamWidth(3).withAlpha(0.0).minTokens(), "copies keep the minimum");
    float[] eosFirst = new float[8];
    Arrays.fill(eosFirst, Float.NEGATIVE_INFINITY);
    eosFirst[2] = (float) Math.log(0.9);
    eosFirst[3] = (float) Math.log(0.06);
    eosFirst[4] = (float) Math.log(0.04);
    Function<int[], float[]> model = prefix -> eosFirst.clone();

    List<Hypothesis> res = run(new BeamSearch(latents), model);
    assertEquals(2, res.size());
    for (Hypothesis h : res) {
      assertTrue(h.complete() && h.body().length >= 1, "an empty latent code reached the results: " + h);
    }
    assertArrayEquals(new int[] {3, 2}, res.get(0).tokens());
    // the control: without the minimum, the empty code wins
    List<Hypothesis> free = run(new BeamSearch(latents.withMinTokens(0)), model);
    assertArrayEquals(new int[] {2}, free.get(0).tokens());
    assertThrows(IllegalArgumentException.class, () -> latents.withMinTokens(4), "more than maxLength");
  }

  @Test
  void aStateThatEndsHereFinishesAtOnceWithAFreeEosAndFreesItsSlot() {
    // The state after token 5 ends there (as a step of step-wise search ends after its expression).
    // The model gives EOS almost nothing after 5, which would lose that hypothesis in a plain beam.
    TokenConstraint endsAfter5 = new TokenConstraint() {
      @Override
      public int vocab() {
        return VOCAB;
      }

      @Override
      public long start() {
        return 0;
      }

      @Override
      public long advance(long state, int token) {
        return token == 5 ? 1 : 0;
      }

      @Override
      public void allowed(long state, int budget, boolean[] allowed) {
        Arrays.fill(allowed, state == 0);
      }

      @Override
      public boolean endsHere(long state) {
        return state == 1;
      }
    };
    Function<int[], float[]> model = prefix -> prefix.length == 0
        ? row(Map.of(5, 0.6, 3, 0.3, 4, 0.1))
        : row(Map.of(EOS, 0.001, 3, 0.499, 4, 0.5));
    BeamSearch bs = new BeamSearch(settings(2, 6, 0.0).withConstraint(endsAfter5));
    Plan p0 = bs.schedule();
    Update u = bs.update(p0, new float[][] {model.apply(new int[0])});
    assertEquals(1, u.finished().size());
    Hypothesis ended = u.finished().get(0);
    assertArrayEquals(new int[] {5, EOS}, ended.tokens());
    assertTrue(ended.complete());
    assertEquals(Math.log(0.6), ended.logProb(), 1e-6, "EOS costs nothing");
    assertArrayEquals(new int[] {2, 2}, new int[] {u.parents().length, bs.liveRows()},
        "it took no live slot: tokens 3 and 4 both go on");
    List<Hypothesis> all = run(new BeamSearch(settings(2, 6, 0.0).withConstraint(endsAfter5)), model);
    assertArrayEquals(new int[] {5, EOS}, all.get(0).tokens(), "the best result: " + all);
  }

  @Test
  void rejectsMisuseAndBadInput() {
    BeamSearch bs = new BeamSearch(settings(2, 10, 0.6));
    Plan p0 = bs.schedule();
    float[] nan = row(Map.of(3, 1.0));
    nan[4] = Float.NaN;
    var e1 = assertThrows(IllegalArgumentException.class, () -> bs.update(p0, new float[][] {nan}));
    assertTrue(e1.getMessage().contains("NaN"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> bs.update(p0, new float[][] {new float[3]}));
    assertTrue(e2.getMessage().contains("vocab 6"), e2.getMessage());
    bs.update(p0, new float[][] {row(Map.of(3, 1.0))});
    assertThrows(IllegalStateException.class, () -> bs.update(p0, new float[][] {row(Map.of(3, 1.0))}),
        "a plan cannot be applied twice");
    assertThrows(IllegalArgumentException.class, () -> settings(0, 5, 0.6));
    assertThrows(IllegalArgumentException.class, () -> settings(1, 0, 0.6));
    assertThrows(IllegalArgumentException.class, () -> settings(1, 5, -1));
    assertThrows(IllegalArgumentException.class, () -> new Settings(1, VOCAB, BOS, 9, 5, 0.6, null));
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> new Settings(1, VOCAB, BOS, EOS, 5, 0.6, new int[] {EOS}));
    assertTrue(e3.getMessage().contains("eos"), e3.getMessage());
  }
}
