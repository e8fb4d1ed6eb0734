package dev.lp.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.nn.ModelConfig;
import dev.lp.nn.Network;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.CheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping and resuming is invisible: N steps plus a resumed run to 2N end with the same weights
 * and Adam state, byte for byte, as 2N uninterrupted steps. A tiny LP network with dropout on a
 * fixed task list: the dropout masks of a step depend only on (init seed, step), so any difference
 * is a resume bug.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExactResumeTest {

  private static final int N = 20;
  private static final int BATCH = 8;
  /**
   * No pretraining, so every step runs the full loss, the commitment term and the EMA codebook
   * update; {@link #resumeAcrossTheEndOfPretrainingIsExact} covers a run that stops at the end of
   * pretraining (metrics.csv takes its columns from the model kind, so "e2e" is there from the start).
   */
  private static final ModelConfig CONFIG = ModelConfig.tiny("lp").withPretrainSteps(0).withDropout(0.1f);
  private static final float LR = 3e-3f;

  @TempDir static Path dir; // shared: the uninterrupted run is made once per class
  private List<Task> tasks;
  private TrainLoop.Outcome straight;
  private TrainLoop.Outcome half;

  @BeforeAll
  void sampleTasks() {
    TaskSampler sampler = new TaskSampler(SamplerConfig.paper().withExpressions(1, 2).withMaxInputLength(20));
    tasks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      tasks.add(sampler.sample(5, i));
    }
  }

  @Test
  void resumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
    TrainLoop.Outcome full = straight();
    Path split = resumableHalf("split");
    StringBuilder log = new StringBuilder();
    TrainLoop.Outcome resumed = run(split, 2 * N, true, log);
    assertEquals(2 * N, resumed.steps());
    assertEquals(full.tasksSeen(), resumed.tasksSeen());
    assertTrue(log.toString().contains("with optimizer state"), log.toString());

    CheckpointStore.Checkpoint a = full.checkpoint();
    CheckpointStore.Checkpoint b = resumed.checkpoint();
    assertArrayEquals(Files.readAllBytes(a.weights()), Files.readAllBytes(b.weights()),
        "resumed weights differ from the uninterrupted run's");
    assertArrayEquals(Files.readAllBytes(a.optimizerState().orElseThrow()),
        Files.readAllBytes(b.optimizerState().orElseThrow()), "resumed Adam state differs");
    try (Network nb = Network.load(b.weights(), CONFIG)) {
      nb.loadOptimizerState(b.optimizerState().orElseThrow());
      assertEquals(2 * N, nb.optimizerSteps(), "the resumed run continued the optimizer's own step count");
    }
    assertEquals(a.manifest().tasksSeen(), b.manifest().tasksSeen());
  }

  @Test
  void checkpointWithoutOptimizerStateResumesWithFreshMomentsAndSaysSo() throws Exception {
    Path old = resumableHalf("old");
    TrainLoop.Outcome full = straight();
    // make it look like a checkpoint from before optimizer state was saved
    CheckpointStore.Checkpoint last = new CheckpointStore(old.resolve("checkpoints")).latest().orElseThrow();
    Path manifest = last.dir().resolve(CheckpointStore.MANIFEST);
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    json.remove("optimizerFile");
    json.remove("optimizerBytes");
    json.remove("optimizerSha256");
    json.remove("training");
    Files.writeString(manifest, json.toString());
    Files.delete(last.optimizerState().orElseThrow());

    StringBuilder log = new StringBuilder();
    TrainLoop.Outcome resumed = run(old, 2 * N, true, log);
    assertEquals(2 * N, resumed.steps());
    assertTrue(log.toString().contains("no optimizer state"), log.toString());
    assertTrue(log.toString().contains("warning: resume:") && log.toString().contains("records no training settings"),
        log.toString());
    assertTrue(resumed.checkpoint().optimizerState().isPresent());
    // the control that shows the first test can fail: fresh moments change where training ends
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(full.checkpoint().weights()),
        Files.readAllBytes(resumed.checkpoint().weights())), "fresh Adam moments should change the weights");
  }

  @Test
  void resumeWithoutACheckpointStartsFromStepZero() throws Exception {
    StringBuilder log = new StringBuilder();
    TrainLoop.Outcome b = run(dir.resolve("empty"), N / 2, true, log);
    assertTrue(log.toString().contains("no checkpoint"), log.toString());
    assertEquals(N / 2, b.steps());
    assertEquals((long) N / 2 * BATCH, b.tasksSeen());
    // the uninterrupted run checkpointed at step N/2 too; the schedule does not depend on the total
    Path atHalf = straight().checkpoint().dir().resolveSibling(String.format("step-%09d", N / 2));
    assertEquals(CheckpointStore.open(atHalf).manifest().tasksSeen(), b.checkpoint().manifest().tasksSeen());
    try (Network nb = Network.load(b.checkpoint().weights(), CONFIG)) {
      nb.loadOptimizerState(b.checkpoint().optimizerState().orElseThrow());
      assertEquals(N / 2, nb.optimizerSteps(), "a fresh start counts optimizer steps from zero");
    }
  }

  @Test
  void resumeWithOtherTrainingSettingsIsRefusedNamingEach() throws Exception {
    Path other = resumableHalf("other-settings");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> run(other, 2 * N, true, new StringBuilder(), CONFIG, BATCH + 1, 2e-3f));
    assertTrue(e.getMessage().contains("--lr: checkpoint 0.003, given 0.002"), e.getMessage());
    assertTrue(e.getMessage().contains("--batch-size: checkpoint 8, given 9"), e.getMessage());
    assertFalse(e.getMessage().contains("--warmup"), "only the settings that differ: " + e.getMessage());
    assertEquals(N, new CheckpointStore(other.resolve("checkpoints")).latest().orElseThrow().manifest().step(),
        "a refused resume trains nothing");
    // the same settings, a longer target: goes on
    assertEquals(N + 5, run(other, N + 5, true, new StringBuilder()).steps());
  }

  @Test
  void metricsLoggedAfterTheCheckpointAreNotDuplicatedByTheResume() throws Exception {
    // interrupted after step 20 was logged but before its checkpoint: the newest checkpoint is step 10
    Path cut = resumableHalf("cut");
    Path checkpoints = cut.resolve("checkpoints");
    try (Stream<Path> files = Files.walk(checkpoints.resolve(String.format("step-%09d", N)))) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    Files.writeString(checkpoints.resolve("LATEST"), String.format("step-%09d%n", N / 2));
    StringBuilder log = new StringBuilder();
    run(cut, 2 * N, true, log);
    assertTrue(log.toString().contains("dropped 2 metrics rows logged after step 10"), log.toString());

    List<String> resumed = Files.readAllLines(cut.resolve("metrics.csv"));
    List<String> straight = Files.readAllLines(straight().checkpoint().dir().getParent().resolveSibling("metrics.csv"));
    assertEquals(withoutThroughput(straight), withoutThroughput(resumed), "every step logged once, same values");
  }

  /** metrics.csv rows without tasks_per_s, the one column that depends on the clock. */
  private static List<String> withoutThroughput(List<String> lines) {
    int col = List.of(lines.get(0).split(",")).indexOf("tasks_per_s");
    return lines.stream().map(l -> {
      List<String> f = new ArrayList<>(List.of(l.split(",")));
      f.remove(col);
      return String.join(",", f);
    }).toList();
  }

  @Test
  void resumeAcrossTheEndOfPretrainingIsExact() throws Exception {
    // steps 1-2 pretrain; the resumed run starts with the first full step (e2e loss, EMA update)
    ModelConfig pre = ModelConfig.tiny("lp").withPretrainSteps(2).withDropout(0.1f);
    TrainLoop.Outcome full = run(dir.resolve("pre-straight"), 4, false, new StringBuilder(), pre, BATCH, LR);
    Path split = dir.resolve("pre-split");
    run(split, 2, false, new StringBuilder(), pre, BATCH, LR);
    TrainLoop.Outcome resumed = run(split, 4, true, new StringBuilder(), pre, BATCH, LR);
    assertArrayEquals(Files.readAllBytes(full.checkpoint().weights()), Files.readAllBytes(resumed.checkpoint().weights()),
        "resumed weights differ from the uninterrupted run's");
    assertArrayEquals(Files.readAllBytes(full.checkpoint().optimizerState().orElseThrow()),
        Files.readAllBytes(resumed.checkpoint().optimizerState().orElseThrow()), "resumed Adam state differs");
    assertTrue(Double.isFinite(resumed.lastMetrics().get("e2e")), "step 4 ran the full loss: " + resumed.lastMetrics());
  }

  /** The uninterrupted 2N-step run, made once for the tests that compare against it. */
  private TrainLoop.Outcome straight() {
    if (straight == null) {
      straight = run(dir.resolve("straight"), 2 * N, false, new StringBuilder());
      assertEquals(2 * N, straight.steps());
    }
    return straight;
  }

  /**
   * A fresh out dir holding the checkpoints of an N-step run (made once, then copied), ready for
   * a run with resume=true.
   */
  private Path resumableHalf(String name) throws IOException {
    if (half == null) {
      half = run(dir.resolve("half"), N, false, new StringBuilder());
      assertEquals(N, half.steps());
      assertTrue(half.checkpoint().optimizerState().isPresent(), "every checkpoint should carry the optimizer state");
      assertTrue(Files.isRegularFile(half.checkpoint().optimizerState().get()));
    }
    Path from = dir.resolve("half");
    Path out = dir.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, out.resolve(from.relativize(f).toString()));
      }
    }
    return out;
  }

  /** poolBatches 3 makes the resume point fall inside a pool, so the stream replay is exercised too. */
  /**
   * A run from another run's weights (--init-from) continues that run's step and tasks seen, counts
   * its warm-up and linear decay from there, records both, and resumes exactly like any other run;
   * a resume with another decay end is refused.
   */
  @Test
  void runFromAnotherRunsWeightsResumesExactlyWithItsSchedule() throws Exception {
    Path source = resumableHalf("init-source").resolve("checkpoints");
    Path init = new CheckpointStore(source).latest().orElseThrow().dir();
    StringBuilder log = new StringBuilder();
    TrainLoop.Outcome full = runFrom(dir.resolve("init-straight"), init, N + 10, false, log, N + 10);
    assertTrue(log.toString().contains("starting from the weights of"), log.toString());
    assertEquals(N + 10, full.steps());
    assertEquals((long) (N + 10) * BATCH, full.tasksSeen());
    var training = full.checkpoint().manifest().training();
    assertEquals("linear", training.decay());
    assertEquals(N, training.scheduleStart());
    assertEquals(N + 10, training.decayEnd());
    assertEquals(new CheckpointStore(source).latest().orElseThrow().manifest().weightsSha256(), training.initFrom());
    List<String> lrs = Files.readAllLines(dir.resolve("init-straight").resolve("metrics.csv"));
    assertTrue(lrs.get(1).startsWith((N + 5) + ","), lrs.toString()); // first row: the run's fifth step

    Path split = dir.resolve("init-split");
    runFrom(split, init, N + 5, false, new StringBuilder(), N + 10);
    TrainLoop.Outcome resumed = runFrom(split, init, N + 10, true, new StringBuilder(), N + 10);
    assertArrayEquals(Files.readAllBytes(full.checkpoint().weights()), Files.readAllBytes(resumed.checkpoint().weights()),
        "a resumed --init-from run differs from the uninterrupted one");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> runFrom(split, init, N + 20, true, new StringBuilder(), N + 20));
    assertTrue(e.getMessage().contains("--decay-end: checkpoint " + (N + 10) + ", given " + (N + 20)), e.getMessage());
  }

  private TrainLoop.Outcome runFrom(Path out, Path init, long steps, boolean resume, StringBuilder log, long decayEnd) {
    TrainSettings settings = new TrainSettings(out, steps, BATCH, LR, 5, 7, 3, 1, 3, 5, 5, resume, 1f)
        .withDecay(LrSchedule.Shape.LINEAR, decayEnd).withInitFrom(init);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TrainLoop.Outcome outcome = new TrainLoop(settings, CONFIG, TaskSources.epochs(tasks, 7), new JsonObject(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    log.append(bytes.toString(StandardCharsets.UTF_8));
    return outcome;
  }

  private TrainLoop.Outcome run(Path out, long steps, boolean resume, StringBuilder log) {
    return run(out, steps, resume, log, CONFIG, BATCH, LR);
  }

  private TrainLoop.Outcome run(Path out, long steps, boolean resume, StringBuilder log, ModelConfig config, int batch,
      float lr) {
    TrainSettings settings = new TrainSettings(out, steps, batch, lr, 5, 7, 3, 1, 3, 5, 10, resume, 1f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TrainLoop.Outcome outcome = new TrainLoop(settings, config, TaskSources.epochs(tasks, 7), new JsonObject(),
        new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    log.append(bytes.toString(StandardCharsets.UTF_8));
    return outcome;
  }
}
