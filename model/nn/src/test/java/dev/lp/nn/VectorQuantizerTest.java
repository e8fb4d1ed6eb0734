package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The EMA codebook moves toward its assigned encodings; the quantizer never emits a special id. */
class VectorQuantizerTest {

  static double dist(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    }
    return Math.sqrt(s);
  }

  @Test
  void emaUpdateMovesCodesTowardAssignedEncodings() {
    ModelConfig cfg = ModelConfig.tiny("lp");
    try (Network n = Network.create(cfg, 5)) {
      float[][] before = n.codebook();
      Random r = new Random(1);
      float[] target0 = new float[cfg.dModel()];
      float[] target3 = new float[cfg.dModel()];
      for (int i = 0; i < cfg.dModel(); i++) {
        target0[i] = 3f + (float) r.nextGaussian();
        target3[i] = -2f + (float) r.nextGaussian();
      }
      float[][] enc = {target0, target0, target3};
      int[] codes = {0, 0, 3};
      double d0 = dist(before[0], target0);
      double d3 = dist(before[3], target3);
      for (int step = 0; step < 200; step++) {
        n.emaUpdateForTest(enc, codes);
      }
      float[][] after = n.codebook();
      assertTrue(dist(after[0], target0) < 0.2 * d0, "code 0 moved toward its encodings");
      assertTrue(dist(after[3], target3) < 0.2 * d3, "code 3 moved toward its encodings");
      // an unassigned code stays where it was (only the Laplace smoothing touches it)
      assertTrue(dist(after[5], before[5]) < 0.1 * dist(before[5], new float[cfg.dModel()]));
      int[] ids = n.assign(new float[][] {target0, target3});
      assertEquals(ModelConfig.FIRST_CODE, ids[0]);
      assertEquals(ModelConfig.FIRST_CODE + 3, ids[1]);
    }
  }

  @Test
  void specialIdsAreNeverChosen() {
    ModelConfig cfg = ModelConfig.tiny("lp");
    try (Network n = Network.create(cfg, 6)) {
      Random r = new Random(2);
      float[][] enc = new float[2000][cfg.dModel()];
      for (float[] e : enc) {
        double scale = r.nextDouble() * 10;
        for (int i = 0; i < e.length; i++) {
          e[i] = (float) (r.nextGaussian() * scale);
        }
      }
      enc[0] = new float[cfg.dModel()];
      Set<Integer> seen = new HashSet<>();
      for (int id : n.assign(enc)) {
        assertTrue(id >= ModelConfig.FIRST_CODE && id < cfg.latentVocab(), "latent id " + id);
        seen.add(id);
      }
      assertTrue(seen.size() > cfg.latentCodes() / 2, "many codes used: " + seen.size());
    }
  }

  @Test
  void latentCodesGiveOneCodePerFourProgramTokens() {
    ModelConfig cfg = ModelConfig.tiny("lp");
    java.util.List<int[]> programs = java.util.List.of(new int[] {2}, new int[] {4, 20, 2},
        new int[] {4, 20, 30, 40, 50, 2}, new int[] {7, 8, 9, 10, 11, 12, 13, 14, 2});
    try (Network n = Network.create(cfg, 5)) {
      int[][] codes = n.latentCodes(programs);
      for (int i = 0; i < programs.size(); i++) {
        assertEquals(cfg.latentLength(programs.get(i).length), codes[i].length, "program " + i);
        for (int id : codes[i]) {
          assertTrue(id >= ModelConfig.FIRST_CODE && id < cfg.latentVocab(), "id " + id);
        }
      }
      assertTrue(java.util.Arrays.deepEquals(codes, n.latentCodes(programs)), "deterministic");
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> n.latentCodes(java.util.List.of(new int[0])));
    }
    try (Network b = Network.create(ModelConfig.tiny("baseline"), 5)) {
      org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
          () -> b.latentCodes(programs));
    }
  }
}
