package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pretraining covers exactly the 1-based steps 1..pretrainSteps: step P still pretrains (no
 * end-to-end loss, no EMA codebook update), step P+1 is the first full step.
 */
class PretrainingPhaseTest {

  private static final int P = 2;

  @Test
  void phaseBoundaryIsInclusive() {
    ModelConfig cfg = ModelConfig.tiny("lp").withPretrainSteps(P);
    assertTrue(cfg.pretraining(0), "an evaluation before any update counts as step 1");
    assertTrue(cfg.pretraining(1));
    assertTrue(cfg.pretraining(P));
    assertFalse(cfg.pretraining(P + 1));
    ModelConfig none = ModelConfig.tiny("lp").withPretrainSteps(0);
    assertFalse(none.pretraining(0));
    assertFalse(none.pretraining(1));
  }

  @Test
  void stepPPretrainsAndStepPPlusOneRunsTheFullLossAndTheEmaUpdate() {
    ModelConfig cfg = ModelConfig.tiny("lp").withPretrainSteps(P);
    Batch batch = Batch.of(TrainingSanityTest.tasks(4));
    try (Network net = Network.create(cfg, 5)) {
      float[][] before = net.codebook();
      for (int step = 1; step <= P; step++) {
        StepResult r = net.trainStep(batch, step, 1e-3f);
        assertEquals(Set.of("ae", "commit", "lp"), r.parts().keySet(), "step " + step + " pretrains");
      }
      assertTrue(Arrays.deepEquals(before, net.codebook()), "no EMA codebook update during pretraining");
      StepResult first = net.trainStep(batch, P + 1, 1e-3f);
      assertEquals(Set.of("ae", "commit", "lp", "e2e"), first.parts().keySet(), "step P+1 is a full step");
      assertFalse(Arrays.deepEquals(before, net.codebook()), "step P+1 updates the codebook");
    }
  }

  @Test
  void continuousAblationsSwitchAtTheSameStep() {
    ModelConfig cfg = ModelConfig.tiny("ae").withPretrainSteps(P);
    Batch batch = Batch.of(TrainingSanityTest.tasks(4));
    try (Network net = Network.create(cfg, 5)) {
      assertEquals(Set.of("ae", "lp"), net.evaluate(batch, P).parts().keySet());
      assertEquals(Set.of("ae", "lp", "e2e"), net.evaluate(batch, P + 1).parts().keySet());
    }
  }
}
