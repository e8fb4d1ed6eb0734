package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training is a function of (config, seed, batches): identical runs in one JVM give identical
 * losses, gradient norms and weights, byte for byte, with dropout on and through the EMA codebook
 * updates. (Before scalar operands were kept alive for the backward pass, about one step in 400
 * read a freed scalar; see {@link Net#scalar}.) The collector runs between steps in one of the
 * runs to move garbage collection around. The Latent VAE runs too: its reparameterisation and KL
 * terms multiply gradient-carrying arrays by constants, the case {@link Net#scalar} exists for.
 */
class DeterminismTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"lp", "vae"})
  void identicalRunsGiveIdenticalWeights(String kind) throws Exception {
    ModelConfig cfg = ModelConfig.tiny(kind).withPretrainSteps(10).withDropout(0.1f);
    Batch a = Batch.of(TrainingSanityTest.tasks(8).subList(0, 4));
    Batch b = Batch.of(TrainingSanityTest.tasks(8).subList(4, 8));
    float[][] first = run(cfg, a, b, false, dir.resolve("first.params"));
    float[][] second = run(cfg, a, b, true, dir.resolve("second.params"));
    assertArrayEquals(first[0], second[0], "losses differ");
    assertArrayEquals(first[1], second[1], "gradient norms differ");
    assertArrayEquals(Files.readAllBytes(dir.resolve("first.params")), Files.readAllBytes(dir.resolve("second.params")));
  }

  private static float[][] run(ModelConfig cfg, Batch a, Batch b, boolean collect, Path weights) {
    int steps = 60;
    float[][] trace = new float[2][steps];
    try (Network net = Network.create(cfg, 11)) {
      for (int s = 0; s < steps; s++) {
        StepResult r = net.trainStep(s % 2 == 0 ? a : b, s + 1, 3e-3f, 1f);
        trace[0][s] = r.loss();
        trace[1][s] = r.gradNorm();
        if (collect) {
          System.gc();
        }
      }
      assertEquals(steps, net.optimizerSteps());
      net.save(weights);
    }
    return trace;
  }
}
