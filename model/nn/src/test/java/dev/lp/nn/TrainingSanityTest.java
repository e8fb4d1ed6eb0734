package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import dev.lp.search.SynthesisModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The tiny networks overfit a handful of sampled tasks, and greedy decoding reproduces them. */
class TrainingSanityTest {

  static List<Task> tasks(int n) {
    TaskSampler sampler = new TaskSampler(SamplerConfig.paper().withExpressions(1, 2));
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(sampler.sample(11, i));
    }
    return out;
  }

  static int argmax(float[] v) {
    return KvCacheTest.argmax(v);
  }

  /**
   * Greedy program (with EOS) for one task; LP first decodes its latent code greedily, the AE and
   * VAE ablations roll out their latents (VAE: the means) for the true program length.
   */
  static int[] greedy(SynthesisModel m, Task task) {
    try (var spec = m.encode(task.inputs(), task.outputs())) {
      int[] code = new int[0];
      if (m.info().hasLatents()) {
        try (var lat = m.latentDecoder(spec, 1)) {
          List<Integer> ids = new ArrayList<>();
          int next = m.info().latentBos();
          for (int t = 0; t < m.info().maxLatentLength(); t++) {
            float[] lp = lat.step(new int[] {next})[0];
            lp[0] = Float.NEGATIVE_INFINITY; // PAD
            lp[1] = Float.NEGATIVE_INFINITY; // BOS
            next = argmax(lp);
            if (next == m.info().latentEos()) {
              break;
            }
            ids.add(next);
          }
          code = ids.stream().mapToInt(Integer::intValue).toArray();
        }
      }
      try (var dec = m.info().continuousLatents()
          ? m.programDecoderForLength(spec, Tokens.encode(task.program()).length, 0)
          : m.programDecoder(spec, new int[][] {code})) {
        List<Integer> out = new ArrayList<>();
        int next = Tokens.BOS;
        for (int t = 0; t < m.info().maxProgramLength(); t++) {
          next = argmax(dec.step(new int[] {next})[0]);
          out.add(next);
          if (next == Tokens.EOS) {
            break;
          }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
      }
    }
  }

  static void overfit(ModelConfig cfg, int steps, float lr) {
    Assumptions.assumeTrue(!"false".equals(System.getProperty("lp.slow")), "slow tier off");
    List<Task> tasks = tasks(4);
    Batch batch = Batch.of(tasks);
    try (Network net = Network.create(cfg, 3)) {
      float first = net.evaluate(batch, 0).loss();
      StepResult last = null;
      for (int s = 1; s <= steps; s++) {
        last = net.trainStep(batch, s, lr);
      }
      StepResult end = net.evaluate(batch, steps);
      System.out.printf("%s: loss %.3f -> %.3f (train %.3f), parts %s, token accuracy %.3f%n", cfg.kind(), first,
          end.loss(), last.loss(), end.parts(), end.tokenAccuracy());
      assertTrue(end.loss() < 0.2f * first, "loss fell from " + first + " to " + end.loss());
      assertTrue(end.tokenAccuracy() > 0.95f, "token accuracy " + end.tokenAccuracy());
      int reproduced = 0;
      try (SynthesisModel m = net.inference("overfit")) {
        for (Task t : tasks) {
          if (Arrays.equals(Tokens.encode(t.program()), greedy(m, t))) {
            reproduced++;
          }
        }
      }
      System.out.printf("%s: greedy reproduced %d/%d training programs%n", cfg.kind(), reproduced, tasks.size());
      assertTrue(reproduced >= 3, "greedy reproduced " + reproduced + "/4 training programs");
    }
  }

  @Test
  void tinyBaselineOverfitsAFewTasks() {
    overfit(ModelConfig.tiny("baseline"), 200, 3e-3f);
  }

  @Test
  void tinyLstmOverfitsAFewTasks() {
    overfit(ModelConfig.tiny("lstm"), 400, 1e-2f);
  }

  @Test
  void tinyLatentProgrammerOverfitsAFewTasks() {
    overfit(ModelConfig.tiny("lp").withPretrainSteps(100), 300, 3e-3f);
  }

  @Test
  void tinyLatentAeOverfitsAFewTasks() {
    overfit(ModelConfig.tiny("ae").withPretrainSteps(100), 300, 3e-3f);
  }

  @Test
  void tinyLatentVaeOverfitsAFewTasks() {
    overfit(ModelConfig.tiny("vae").withPretrainSteps(100), 300, 3e-3f);
  }
}
