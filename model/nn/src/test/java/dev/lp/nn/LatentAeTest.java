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

/** The paper's Latent AE ablation (kind "ae"): continuous latents, no codebook, decoded for a given length. */
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
    var bad = assertThrows(IllegalArgumentException.class, () -> ModelConfig.tiny("vae"));
    assertTrue(bad.getMessage().contains("\"ae\""), bad.getMessage());
  }

  @Test
  void trainingReportsItsThreeLossesAndNoCodebook() {
    ModelConfig cfg = ModelConfig.tiny("ae").withPretrainSteps(1);
    try (Network net = Network.create(cfg, 5)) {
      assertTrue(net.trainableForTest().stream().noneMatch(n -> n.startsWith("vq.") || n.startsWith("lpred.")));
      assertTrue(net.trainableForTest().contains("apred.bos"));
      Batch batch = Batch.of(TrainingSanityTest.tasks(4));
      StepResult pre = net.trainStep(batch, 0, 1e-3f);
      assertEquals(java.util.Set.of("ae", "lp"), pre.parts().keySet());
      StepResult after = net.trainStep(batch, 1, 1e-3f);
      assertEquals(java.util.Set.of("ae", "lp", "e2e"), after.parts().keySet());
      after.parts().values().forEach(v -> assertTrue(Float.isFinite(v) && v >= 0f, "loss " + v));
      assertEquals(after.parts().get("ae") + after.parts().get("lp") + after.parts().get("e2e"), after.loss(), 1e-4f);
    }
  }

  @Test
  void rolledOutLatentsEqualTheTeacherForcedPredictions() {
    try (Network net = Network.create(ModelConfig.tiny("ae"), 9)) {
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
        var zero = assertThrows(IllegalArgumentException.class, () -> ma.programDecoderForLength(sa, 0));
        assertTrue(zero.getMessage().contains("program length"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ma.programDecoderForLength(sa, cfg.maxProgramLength() + 1));
        try (var da = ma.programDecoderForLength(sa, 13); var db = mb.programDecoderForLength(sb, 13)) {
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
        try (var d1 = ma.programDecoderForLength(sa, 3); var d2 = ma.programDecoderForLength(sa, 40);
            var e1 = ma.programDecoderForLength(sa, 3); var e2 = ma.programDecoderForLength(sa, 40)) {
          var fused = ma.stepAll(List.of(d1, d2), List.of(new int[] {Tokens.BOS}, new int[] {Tokens.BOS}));
          assertArrayEquals(e1.step(new int[] {Tokens.BOS})[0], fused.get(0)[0], 1e-4f);
          assertArrayEquals(e2.step(new int[] {Tokens.BOS})[0], fused.get(1)[0], 1e-4f);
        }
      }
    }
    try (Network lp = Network.create(ModelConfig.tiny("lp"), 1); SynthesisModel m = lp.inference("lp");
        var s = m.encode(IN, OUT)) {
      assertThrows(UnsupportedOperationException.class, () -> m.programDecoderForLength(s, 5));
    }
  }
}
