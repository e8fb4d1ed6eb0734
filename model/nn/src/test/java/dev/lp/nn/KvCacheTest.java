package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.Tokens;
import dev.lp.search.SynthesisModel;
import dev.lp.search.SynthesisModel.Decoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** KV-cached incremental decoding must match full recomputation, for every decoder kind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvCacheTest {
  static final List<String> INPUTS = List.of("Hello World 42", "abc, def", "X.Men: 1999", "q");
  static final List<String> OUTPUTS = List.of("HW42", "ad", "XM", "Q");
  static final double TOL = 1e-4;

  Network baseline;
  Network lp;
  Network pooled;

  @BeforeAll
  void setUp() {
    baseline = Network.create(ModelConfig.tiny("baseline"), 1);
    lp = Network.create(ModelConfig.tiny("lp"), 2);
    pooled = Network.create(ModelConfig.tiny("lp").withIoPooling("maxpool"), 3);
  }

  @AfterAll
  void tearDown() {
    baseline.close();
    lp.close();
    pooled.close();
  }

  /** Greedy decode with the cache for n steps; returns fed tokens per row and the step log-probs. */
  static Result greedy(Decoder dec, int bos, int n) {
    int rows = dec.rows();
    int[][] fed = new int[rows][n];
    float[][][] logp = new float[rows][n][];
    int[] next = new int[rows];
    Arrays.fill(next, bos);
    for (int t = 0; t < n; t++) {
      float[][] out = dec.step(next);
      for (int r = 0; r < rows; r++) {
        fed[r][t] = next[r];
        logp[r][t] = out[r];
        next[r] = argmax(out[r]);
      }
    }
    return new Result(fed, logp);
  }

  record Result(int[][] fed, float[][][] logp) {}

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static void assertMatches(Result cached, float[][][] full) {
    for (int r = 0; r < cached.fed().length; r++) {
      for (int t = 0; t < cached.fed()[r].length; t++) {
        float[] a = cached.logp()[r][t];
        float[] b = full[r][t];
        assertEquals(b.length, a.length);
        assertEquals(argmax(b), argmax(a), "greedy token of row " + r + " step " + t);
        for (int k = 0; k < a.length; k++) {
          assertEquals(b[k], a[k], TOL, "row " + r + " step " + t + " id " + k);
        }
      }
    }
  }

  @Test
  void baselineProgramDecoderMatchesFullRecomputation() {
    try (SynthesisModel m = baseline.inference("t"); var spec = m.encode(INPUTS, OUTPUTS);
        Decoder dec = m.programDecoder(spec, new int[3][0])) {
      Result r = greedy(dec, 1, 12);
      assertEquals(12, dec.length());
      assertMatches(r, baseline.fullLogProbs("pdec", INPUTS, OUTPUTS, r.fed(), null));
    }
  }

  @Test
  void latentPredictorMatchesFullRecomputation() {
    try (SynthesisModel m = lp.inference("t"); var spec = m.encode(INPUTS, OUTPUTS);
        Decoder dec = m.latentDecoder(spec, 2)) {
      assertEquals(ModelConfig.tiny("lp").latentVocab(), m.info().latentVocab());
      Result r = greedy(dec, m.info().latentBos(), 8);
      assertMatches(r, lp.fullLogProbs("lpred", INPUTS, OUTPUTS, r.fed(), null));
    }
  }

  @Test
  void latentProgramDecoderMatchesFullRecomputationWithCodesOfDifferentLengths() {
    int[][] latents = {{3, 7, 9}, {4}, {}};
    try (SynthesisModel m = lp.inference("t"); var spec = m.encode(INPUTS, OUTPUTS);
        Decoder dec = m.programDecoder(spec, latents)) {
      Result r = greedy(dec, 1, 10);
      assertMatches(r, lp.fullLogProbs("pdec", INPUTS, OUTPUTS, r.fed(), latents));
    }
  }

  @Test
  void maxPoolVariantMatchesFullRecomputation() {
    int[][] latents = {{5, 6}, {10, 11, 12, 13}};
    try (SynthesisModel m = pooled.inference("t"); var spec = m.encode(INPUTS, OUTPUTS);
        Decoder dec = m.programDecoder(spec, latents); Decoder lat = m.latentDecoder(spec, 2)) {
      Result r = greedy(dec, 1, 8);
      assertMatches(r, pooled.fullLogProbs("pdec", INPUTS, OUTPUTS, r.fed(), latents));
      Result rl = greedy(lat, 1, 5);
      assertMatches(rl, pooled.fullLogProbs("lpred", INPUTS, OUTPUTS, rl.fed(), null));
    }
  }

  @Test
  void reorderGathersCacheRows() {
    int[][] latents = {{3, 4}, {5}, {6, 7, 8}};
    try (SynthesisModel m = lp.inference("t"); var spec = m.encode(INPUTS, OUTPUTS);
        Decoder dec = m.programDecoder(spec, latents)) {
      Result first = greedy(dec, 1, 4);
      int[] parents = {2, 0, 0, 1};
      dec.reorder(parents);
      assertEquals(4, dec.rows());
      int[] next = new int[4];
      int[][] hist = new int[4][6];
      int[][] lats = new int[4][];
      for (int i = 0; i < 4; i++) {
        System.arraycopy(first.fed()[parents[i]], 0, hist[i], 0, 4);
        next[i] = 3 + i;
        hist[i][4] = next[i];
        lats[i] = latents[parents[i]];
      }
      float[][] a = dec.step(next);
      int[] next2 = new int[4];
      for (int i = 0; i < 4; i++) {
        next2[i] = argmax(a[i]);
        hist[i][5] = next2[i];
      }
      float[][] b = dec.step(next2);
      float[][][] full = lp.fullLogProbs("pdec", INPUTS, OUTPUTS, hist, lats);
      for (int i = 0; i < 4; i++) {
        for (int k = 0; k < a[i].length; k++) {
          assertEquals(full[i][4][k], a[i][k], TOL);
          assertEquals(full[i][5][k], b[i][k], TOL);
        }
      }
      assertThrows(IllegalArgumentException.class, () -> dec.reorder(new int[] {4}));
    }
  }

  @Test
  void stepAllOverDecodersOfOneSpecEqualsSteppingEachAlone() {
    try (SynthesisModel m = lp.inference("t"); var spec = m.encode(INPUTS, OUTPUTS);
        Decoder a1 = m.programDecoder(spec, new int[][] {{3, 4}, {5, 6, 7}});
        Decoder b1 = m.programDecoder(spec, new int[][] {{8}});
        Decoder a2 = m.programDecoder(spec, new int[][] {{3, 4}, {5, 6, 7}});
        Decoder b2 = m.programDecoder(spec, new int[][] {{8}});
        Decoder l1 = m.latentDecoder(spec, 2);
        Decoder l2 = m.latentDecoder(spec, 2)) {
      int[] ta = {1, 1};
      int[] tb = {1};
      int[] tl = {1, 1};
      for (int t = 0; t < 5; t++) {
        List<float[][]> all = m.stepAll(List.of(a1, b1, l1), List.of(ta, tb, tl));
        float[][] ea = a2.step(ta);
        float[][] eb = b2.step(tb);
        float[][] el = l2.step(tl);
        assertClose(ea, all.get(0));
        assertClose(eb, all.get(1));
        assertClose(el, all.get(2));
        assertEquals(t + 1, a1.length());
        assertEquals(t + 1, b1.length());
        ta = new int[] {argmax(ea[0]), argmax(ea[1])};
        tb = new int[] {argmax(eb[0])};
        tl = new int[] {argmax(el[0]), argmax(el[1])};
      }
      a1.reorder(new int[] {1, 1, 0});
      a2.reorder(new int[] {1, 1, 0});
      List<float[][]> all = m.stepAll(List.of(a1, b1), List.of(new int[] {5, 6, 7}, new int[] {9}));
      assertClose(a2.step(new int[] {5, 6, 7}), all.get(0));
      assertClose(b2.step(new int[] {9}), all.get(1));
    }
  }

  @Test
  void stepAllAcrossTasksAndLengthsEqualsSteppingEachAlone() {
    for (Network net : List.of(lp, baseline)) {
      boolean latent = net.config().isLatent();
      try (SynthesisModel m = net.inference("t");
          var s1 = m.encode(INPUTS, OUTPUTS);
          var s2 = m.encode(List.of("Mason Smith", "Ann Lee"), List.of("Smith M", "Lee A"));
          var s3 = m.encode(List.of("2024.11.24 is a long date string here"), List.of("24"))) {
        List<SynthesisModel.Spec> specs = List.of(s1, s2, s3);
        int[][][] codes = {{{3, 4}, {5, 6, 7}}, {{8}}, {{9, 10}, {11}, {12, 13, 14}}};
        List<Decoder> fused = new ArrayList<>();
        List<Decoder> alone = new ArrayList<>();
        List<int[]> next = new ArrayList<>();
        try {
          for (int step = 0; step < 7; step++) {
            if (step < specs.size()) {
              // one new task joins per step, so lengths differ across the batch
              int[][] c = latent ? codes[step] : new int[codes[step].length][0];
              fused.add(m.programDecoder(specs.get(step), c));
              alone.add(m.programDecoder(specs.get(step), c));
              int[] bos = new int[c.length];
              Arrays.fill(bos, Tokens.BOS);
              next.add(bos);
              if (latent) {
                fused.add(m.latentDecoder(specs.get(step), 2));
                alone.add(m.latentDecoder(specs.get(step), 2));
                next.add(new int[] {ModelConfig.LATENT_BOS, ModelConfig.LATENT_BOS});
              }
            }
            List<float[][]> all = m.stepAll(fused, next);
            for (int i = 0; i < fused.size(); i++) {
              float[][] expected = alone.get(i).step(next.get(i));
              assertClose(expected, all.get(i));
              int[] t = new int[expected.length];
              for (int r = 0; r < t.length; r++) {
                t[r] = argmax(expected[r]);
              }
              next.set(i, t);
            }
            if (step == 4) {
              // beams re-rank mid-way: reorder (and shrink) one decoder in both copies
              fused.get(0).reorder(new int[] {1, 1, 0});
              alone.get(0).reorder(new int[] {1, 1, 0});
              int[] t = next.get(0);
              next.set(0, new int[] {t[1], t[1], t[0]});
            }
          }
        } finally {
          fused.forEach(Decoder::close);
          alone.forEach(Decoder::close);
        }
      }
    }
  }

  static void assertClose(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int r = 0; r < expected.length; r++) {
      for (int k = 0; k < expected[r].length; k++) {
        assertEquals(expected[r][k], actual[r][k], TOL);
      }
    }
  }

  @Test
  void badInputsAreRefusedWithClearErrors() {
    try (SynthesisModel m = lp.inference("t"); var spec = m.encode(INPUTS, OUTPUTS);
        Decoder dec = m.latentDecoder(spec, 2)) {
      var e1 = assertThrows(IllegalArgumentException.class, () -> dec.step(new int[] {1}));
      assertTrue(e1.getMessage().contains("one token per row"), e1.getMessage());
      var e2 = assertThrows(IllegalArgumentException.class, () -> dec.step(new int[] {1, 999}));
      assertTrue(e2.getMessage().contains("999"), e2.getMessage());
      var e3 = assertThrows(IllegalArgumentException.class, () -> m.programDecoder(spec, new int[][] {{1}}));
      assertTrue(e3.getMessage().contains("code id"), e3.getMessage());
      var e4 = assertThrows(IllegalArgumentException.class, () -> m.encode(List.of("a\u00e9"), List.of("b")));
      assertTrue(e4.getMessage().contains("input 0"), e4.getMessage());
      assertThrows(IllegalArgumentException.class, () -> m.encode(List.of("a"), List.of()));
    }
    try (SynthesisModel m = baseline.inference("t"); var spec = m.encode(INPUTS, OUTPUTS)) {
      assertThrows(UnsupportedOperationException.class, () -> m.latentDecoder(spec, 1));
      assertEquals(-1, m.info().latentBos());
      assertEquals(0, m.info().latentVocab());
    }
  }
}
