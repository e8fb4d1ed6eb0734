package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.Tokens;
import dev.lp.search.SynthesisModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's ablations with continuous latents, Latent AE (kind "ae") and Latent VAE ("vae"): no
 * codebook, decoded for a given program length; the VAE samples several latent sequences.
 */
class LatentAeTest {
  static final List<String> IN = KvCacheTest.INPUTS;
  static final List<String> OUT = KvCacheTest.OUTPUTS;

  @TempDir Path dir;

  @Test
  void configIsContinuousWithoutCodes() {
    ModelConfig ae = ModelConfig.tiny("ae");
    assertTrue(ae.continuousLatents());
    assertTrue(ae.hasProgramEncoder());
    assertFalse(ae.isLatent());
    assertEquals(0, ae.latentVocab());
    assertEquals(3, ae.latentLength(9)); // ⌈9/4⌉
    assertEquals(ae, ModelConfig.fromJson(ae.toJson()));
    assertEquals(List.of("kind ae vs lp"), ae.shapeDifferences(ModelConfig.tiny("lp")));
    assertFalse(ae.sampledLatents());
    ModelConfig vae = ModelConfig.tiny("vae");
    assertTrue(vae.continuousLatents() && vae.sampledLatents() && !vae.isLatent());
    var bad = assertThrows(IllegalArgumentException.class, () -> ModelConfig.tiny("gan"));
    assertTrue(bad.getMessage().contains("vae"), bad.getMessage());
  }

  @Test
  void trainingReportsItsThreeLossesAndNoCodebook() {
    ModelConfig cfg = ModelConfig.tiny("ae").withPretrainSteps(1);
    try (Network net = Network.create(cfg, 5)) {
      assertTrue(net.trainableForTest().stream().noneMatch(n -> n.startsWith("vq.") || n.startsWith("lpred.")));
      assertTrue(net.trainableForTest().contains("apred.bos"));
      Batch batch = Batch.of(TrainingSanityTest.tasks(4));
      StepResult pre = net.trainStep(batch, 1, 1e-3f);
      assertEquals(java.util.Set.of("ae", "lp"), pre.parts().keySet());
      StepResult after = net.trainStep(batch, 2, 1e-3f);
      assertEquals(java.util.Set.of("ae", "lp", "e2e"), after.parts().keySet());
      after.parts().values().forEach(v -> assertTrue(Float.isFinite(v) && v >= 0f, "loss " + v));
      assertEquals(after.parts().get("ae") + after.parts().get("lp") + after.parts().get("e2e"), after.loss(), 1e-4f);
    }
  }

  @Test
  void vaeTrainingAddsAKlTermAndIsReproducible() {
    ModelConfig cfg = ModelConfig.tiny("vae").withPretrainSteps(1);
    Batch batch = Batch.of(TrainingSanityTest.tasks(4));
    StepResult[] runs = new StepResult[2];
    for (int r = 0; r < 2; r++) {
      try (Network net = Network.create(cfg, 5)) {
        assertTrue(net.trainableForTest().containsAll(List.of("vae.mu.w", "vae.logvar.w", "apred.bos")));
        net.trainStep(batch, 1, 1e-3f);
        runs[r] = net.trainStep(batch, 2, 1e-3f);
      }
    }
    StepResult after = runs[0];
    assertEquals(java.util.Set.of("kl", "ae", "lp", "e2e"), after.parts().keySet());
    after.parts().values().forEach(v -> assertTrue(Float.isFinite(v) && v >= 0f, "loss " + v));
    assertEquals(after.parts().values().stream().mapToDouble(Float::doubleValue).sum(), after.loss(), 1e-4);
    assertEquals(runs[0], runs[1], "same seeds, same noise, same step");
  }

  @Test
  void rolledOutLatentsEqualTheTeacherForcedPredictions() {
    rolledOutLatentsEqualTheTeacherForcedPredictions("ae");
    rolledOutLatentsEqualTheTeacherForcedPredictions("vae"); // the means, for the VAE
  }

  private void rolledOutLatentsEqualTheTeacherForcedPredictions(String kind) {
    try (Network net = Network.create(ModelConfig.tiny(kind), 9)) {
      float[][][] both = net.aeLatentsForTest(IN, OUT, 5);
      assertEquals(5, both[0].length);
      for (int j = 0; j < 5; j++) {
        assertArrayEquals(both[1][j], both[0][j], 1e-4f, "latent " + j);
      }
      // causal: the first latents do not depend on how many follow
      float[][][] shorter = net.aeLatentsForTest(IN, OUT, 2);
      assertArrayEquals(both[0][1], shorter[0][1], 1e-4f);
    }
  }

  @Test
  void decodesOnlyForAGivenProgramLength() throws Exception {
    ModelConfig cfg = ModelConfig.tiny("ae");
    Path file = dir.resolve("ae.params");
    try (Network a = Network.create(cfg, 11)) {
      a.save(file);
      try (Network b = Network.load(file, cfg); SynthesisModel ma = a.inference("a"); SynthesisModel mb = b.inference("b");
          var sa = ma.encode(IN, OUT); var sb = mb.encode(IN, OUT)) {
        assertTrue(ma.info().continuousLatents());
        assertFalse(ma.info().hasLatents());
        assertThrows(UnsupportedOperationException.class, () -> ma.programDecoder(sa, new int[][] {{}}));
        assertThrows(UnsupportedOperationException.class, () -> ma.latentDecoder(sa, 1));
        var zero = assertThrows(IllegalArgumentException.class, () -> ma.programDecoderForLength(sa, 0, 0));
        assertTrue(zero.getMessage().contains("program length"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ma.programDecoderForLength(sa, 5, 1), "AE has one sample");
        assertThrows(IllegalArgumentException.class, () -> ma.programDecoderForLength(sa, cfg.maxProgramLength() + 1, 0));
        try (var da = ma.programDecoderForLength(sa, 13, 0); var db = mb.programDecoderForLength(sb, 13, 0)) {
          float[][] first = da.step(new int[] {Tokens.BOS});
          assertArrayEquals(first[0], db.step(new int[] {Tokens.BOS})[0]);
          double sum = 0;
          for (float lp : first[0]) {
            sum += Math.exp(lp);
          }
          assertEquals(1.0, sum, 1e-4);
          da.reorder(new int[] {0, 0, 0});
          assertEquals(3, da.step(new int[] {4, 5, 6}).length);
        }
        // stepAll batches AE decoders of different latent lengths, as it does for LP codes
        try (var d1 = ma.programDecoderForLength(sa, 3, 0); var d2 = ma.programDecoderForLength(sa, 40, 0);
            var e1 = ma.programDecoderForLength(sa, 3, 0); var e2 = ma.programDecoderForLength(sa, 40, 0)) {
          var fused = ma.stepAll(List.of(d1, d2), List.of(new int[] {Tokens.BOS}, new int[] {Tokens.BOS}));
          assertArrayEquals(e1.step(new int[] {Tokens.BOS})[0], fused.get(0)[0], 1e-4f);
          assertArrayEquals(e2.step(new int[] {Tokens.BOS})[0], fused.get(1)[0], 1e-4f);
        }
      }
    }
    try (Network lp = Network.create(ModelConfig.tiny("lp"), 1); SynthesisModel m = lp.inference("lp");
        var s = m.encode(IN, OUT)) {
      assertThrows(UnsupportedOperationException.class, () -> m.programDecoderForLength(s, 5, 0));
    }
  }

  @Test
  void gaussianNoiseIsStandardNormalAndSeeded() {
    float[] v = Net.gaussian(new java.util.SplittableRandom(3), 20_001);
    double mean = 0;
    double sq = 0;
    for (float x : v) {
      mean += x;
      sq += x * x;
    }
    mean /= v.length;
    double var = sq / v.length - mean * mean;
    assertEquals(0.0, mean, 0.03);
    assertEquals(1.0, var, 0.04);
    assertArrayEquals(v, Net.gaussian(new java.util.SplittableRandom(3), 20_001));
  }

  @Test
  void vaeSamplesDifferFromTheMeanAndRepeat() {
    try (Network net = Network.create(ModelConfig.tiny("vae"), 13); SynthesisModel m = net.inference("vae");
        var spec = m.encode(IN, OUT)) {
      assertTrue(m.info().sampledLatents());
      float[][] mean = firstStep(m, spec, 0);
      float[][] one = firstStep(m, spec, 1);
      float[][] two = firstStep(m, spec, 2);
      assertArrayEquals(one[0], firstStep(m, spec, 1)[0], "draw 1 is the same draw each time");
      assertFalse(java.util.Arrays.equals(mean[0], one[0]), "a draw is not the mean");
      assertFalse(java.util.Arrays.equals(one[0], two[0]), "draws 1 and 2 differ");
      assertThrows(IllegalArgumentException.class, () -> m.programDecoderForLength(spec, 9, -1));
    }
  }

  private static float[][] firstStep(SynthesisModel m, SynthesisModel.Spec spec, int sample) {
    try (var d = m.programDecoderForLength(spec, 9, sample)) {
      return d.step(new int[] {Tokens.BOS});
    }
  }
}
