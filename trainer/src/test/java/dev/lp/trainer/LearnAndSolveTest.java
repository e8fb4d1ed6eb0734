package dev.lp.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.nn.ModelConfig;
import dev.lp.nn.Network;
import dev.lp.search.Consistency;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TwoLevelSearch;
import dev.lp.checkpoint.CheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real trainer and the real search: a tiny network of each kind is trained
 * by {@link TrainLoop} on a fixed small task set, reloaded from its checkpoint, and must then
 * solve at least 90% of that set with beam search. Proves that learning, checkpointing, loading
 * and two-level search fit together.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LearnAndSolveTest {

  private static final int TASKS = 12;

  @TempDir Path dir;
  private List<Task> tasks;

  @BeforeAll
  void sampleTasks() {
    TaskSampler sampler = new TaskSampler(SamplerConfig.paper().withExpressions(1, 2).withMaxInputLength(20));
    tasks = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      tasks.add(sampler.sample(5, i));
    }
  }

  @Test
  void tinyBaselineLearnsAndSolves() {
    learnAndSolve(ModelConfig.tiny("baseline"), 1, 300, 3e-3f, 30);
  }

  @Test
  void tinyLstmLearnsAndSolves() {
    // The LSTM learns more slowly per step than the Transformers. With a 30-step warm-up it was
    // mid-descent at step 600 (loss 0.68 on AMD EPYC, 0.79 and 10/12 solved on an Intel Xeon with
    // AMX: kernels differ per CPU), so the run ended where small numeric differences decide; a
    // 200-step warm-up keeps the rate high long enough to converge (loss < 1e-3 by step 900).
    learnAndSolve(ModelConfig.tiny("lstm"), 1, 900, 1e-2f, 200);
  }

  @Test
  void tinyLatentProgrammerLearnsAndSolves() {
    learnAndSolve(ModelConfig.tiny("lp").withPretrainSteps(100), 3, 300, 3e-3f, 30);
  }

  private void learnAndSolve(ModelConfig config, int latentBeams, int steps, float lr, int warmup) {
    Assumptions.assumeTrue(!"false".equals(System.getProperty("lp.slow")), "slow tier off (-Dlp.slow=false)");
    Path out = dir.resolve(config.kind());
    TrainSettings settings = new TrainSettings(out, steps, TASKS, lr, warmup, 7, 3, 1, 1, 50, steps, false, 1f);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    TrainLoop.Outcome outcome = new TrainLoop(settings, config, TaskSources.epochs(tasks, 7), new JsonObject(),
        new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    assertEquals(steps, outcome.steps());
    assertEquals((long) steps * TASKS, outcome.tasksSeen());

    CheckpointStore.Checkpoint checkpoint = new CheckpointStore(out.resolve("checkpoints")).latest().orElseThrow();
    int solved = 0;
    try (Network net = Network.load(checkpoint.weights(), config);
        SynthesisModel model = net.inference(checkpoint.version())) {
      TwoLevelSearch search = new TwoLevelSearch(model);
      for (Task t : tasks) {
        boolean ok = search.search(t.inputs(), t.outputs(), 6, latentBeams).stream()
            .anyMatch(c -> Consistency.consistent(c, t.inputs(), t.outputs()));
        solved += ok ? 1 : 0;
      }
    }
    System.out.printf("%s: solved %d/%d after %d steps; last metrics %s%n", config.kind(), solved, TASKS,
        outcome.steps(), outcome.lastMetrics());
    assertTrue(solved >= Math.ceil(0.9 * TASKS), config.kind() + " solved only " + solved + "/" + TASKS
        + "; training log:\n" + log.toString(StandardCharsets.UTF_8));
  }
}
