package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A step with a non-finite loss changes nothing and leaves clean (zero) gradients behind, so the
 * next good step trains normally; gradient clipping reports the norm it saw.
 */
class NonFiniteStepTest {

  private static final ModelConfig LP = ModelConfig.tiny("lp").withPretrainSteps(2);

  @Test
  void nonFiniteStepIsSkippedAndTheNextStepIsClean() {
    Batch batch = Batch.of(TrainingSanityTest.tasks(4));
    try (Network net = Network.create(LP, 3)) {
      net.trainStep(batch, 1, 1e-3f, 1f);
      String poisoned = "pdec.out.b";
      Map<String, float[]> before = new HashMap<>();
      for (String name : net.trainableForTest()) {
        before.put(name, net.valuesForTest(name, false));
      }
      long adamSteps = net.optimizerSteps();

      net.fillParameterForTest(poisoned, Float.NaN);
      StepResult bad = net.trainStep(batch, 2, 1e-3f, 1f);
      assertTrue(bad.skipped());
      assertTrue(Float.isNaN(bad.loss()));
      assertEquals(adamSteps, net.optimizerSteps(), "no Adam step for a skipped batch");
      for (String name : net.trainableForTest()) {
        if (!name.equals(poisoned)) {
          assertArrayEquals(before.get(name), net.valuesForTest(name, false), name + " changed");
        }
        for (float g : net.valuesForTest(name, true)) {
          assertEquals(0f, g, name + " keeps a non-zero gradient after a skipped step");
        }
      }

      net.fillParameterForTest(poisoned, 0f);
      StepResult good = net.trainStep(batch, 3, 1e-3f, 1f);
      assertFalse(good.skipped());
      assertTrue(Float.isFinite(good.loss()) && Float.isFinite(good.gradNorm()) && good.gradNorm() > 0f);
      for (String name : List.of("pdec.out.w", "io.inEmb", "lpred.out.w")) {
        for (float v : net.valuesForTest(name, false)) {
          assertTrue(Float.isFinite(v), name + " holds a non-finite weight after the good step");
        }
      }
    }
  }

  @Test
  void clippingKeepsTrainingFiniteAndRefusesBadNorms() {
    Batch batch = Batch.of(TrainingSanityTest.tasks(4));
    try (Network net = Network.create(ModelConfig.tiny("baseline"), 3)) {
      StepResult r = net.trainStep(batch, 1, 1e-3f, 1e-3f);
      assertFalse(r.skipped());
      assertTrue(r.gradNorm() > 1e-3f, "the reported norm is the one before clipping");
      assertThrows(IllegalArgumentException.class, () -> net.trainStep(batch, 2, 1e-3f, -1f));
      assertThrows(IllegalArgumentException.class, () -> net.trainStep(batch, 2, 1e-3f, Float.NaN));
      assertTrue(Float.isNaN(net.evaluate(batch, 2).gradNorm()));
    }
  }
}
