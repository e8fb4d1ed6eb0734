package dev.lp.trainer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.nn.Batch;
import dev.lp.nn.ModelConfig;
import dev.lp.nn.Network;
import dev.lp.nn.StepResult;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.CheckpointStore;
import dev.lp.checkpoint.Manifest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The training loop: batches from a {@link BatchStream}, one {@link Network#trainStep} per batch
 * with the {@link LrSchedule}, metrics to CSV and PNG curves, and atomic checkpoints (weights and
 * Adam state) that a later run resumes from with the task stream, the schedule and the optimizer
 * where they were, so a resumed run ends exactly where an uninterrupted one would.
 */
public final class TrainLoop {

  /** What a finished run produced. */
  public record Outcome(CheckpointStore.Checkpoint checkpoint, long steps, long tasksSeen, double tasksPerSecond,
      Map<String, Double> lastMetrics) {}

  /** Consecutive steps with a non-finite loss after which a run gives up. */
  static final int MAX_NON_FINITE_IN_A_ROW = 25;

  private final TrainSettings settings;
  private final ModelConfig config;
  private final TaskSource source;
  private final JsonObject recipe;
  private final PrintStream progress;
  private Consumer<CheckpointStore.Checkpoint> onCheckpoint = c -> {};

  /**
   * @param config the network to build (ignored on resume: the checkpoint's config wins, and a
   *     different one is refused)
   * @param recipe how this run was started (command line, sampler settings), kept in manifests
   * @param progress where progress lines go (stderr in the CLI)
   */
  public TrainLoop(TrainSettings settings, ModelConfig config, TaskSource source, JsonObject recipe,
      PrintStream progress) {
    this.settings = settings;
    this.config = config;
    this.source = source;
    this.recipe = recipe;
    this.progress = progress;
  }

  /**
   * Calls {@code listener} on the training thread after each checkpoint is written (e.g. to
   * publish it); an exception it throws ends the run, so a listener that may fail should catch.
   */
  public TrainLoop onCheckpoint(Consumer<CheckpointStore.Checkpoint> listener) {
    if (listener == null) {
      throw new IllegalArgumentException("the checkpoint listener must not be null");
    }
    this.onCheckpoint = listener;
    return this;
  }

  /**
   * Trains to {@code settings.steps()}, resuming from the newest checkpoint when asked.
   *
   * @throws CheckpointException when the checkpoint to resume from does not verify, or was
   *     trained with another model configuration or other training settings (each named)
   */
  public Outcome run() {
    CheckpointStore store = new CheckpointStore(settings.outDir().resolve("checkpoints"));
    Optional<CheckpointStore.Checkpoint> from = settings.resume() ? store.latest() : Optional.empty();
    if (settings.resume() && from.isEmpty()) {
      progress.println("resume: no checkpoint under " + store.root() + ", starting "
          + (settings.initFrom() == null ? "from step 0" : "from the --init-from weights"));
    }
    // A run started from another run's weights (--init-from) counts its steps, tasks and schedule on from them.
    CheckpointStore.Checkpoint init = settings.initFrom() == null ? null : CheckpointStore.open(settings.initFrom());
    long scheduleStart = init == null ? 0 : init.manifest().step();
    Manifest.Training recorded = settings.recorded(scheduleStart, init == null ? null : init.manifest().weightsSha256());
    if (init != null && settings.steps() <= scheduleStart) {
      throw new IllegalArgumentException("--steps (" + settings.steps() + ") must be beyond the --init-from checkpoint's"
          + " step (" + scheduleStart + "): it is the run's total, counted on from there");
    }
    long step = from.map(c -> c.manifest().step()).orElse(scheduleStart);
    long tasksSeen = from.map(c -> c.manifest().tasksSeen()).orElse(init == null ? 0L : init.manifest().tasksSeen());
    ModelConfig initCfg = init == null ? config : ModelConfig.fromJson(init.manifest().config().toString());
    if (!initCfg.kind().equals(config.kind())) {
      throw new IllegalArgumentException("--init-from " + settings.initFrom() + " holds a " + initCfg.kind()
          + " model, not a " + config.kind() + " one");
    }
    ModelConfig cfg = from.map(c -> ModelConfig.fromJson(c.manifest().config().toString())).orElse(initCfg);
    if (from.isPresent()) {
      checkResumable(from.get(), cfg, initCfg, recorded);
    }
    Path metricsCsv = settings.outDir().resolve("metrics.csv");
    if (settings.resume()) {
      int dropped = MetricsLog.dropRowsAfter(metricsCsv, step);
      if (dropped > 0) {
        progress.printf("resume: dropped %d metrics rows logged after step %d (they are logged again)%n", dropped, step);
      }
    }
    LrSchedule schedule = new LrSchedule(settings.learningRate(), settings.warmupSteps(), settings.decay(),
        scheduleStart, settings.plannedEnd());
    long poolTasks = (long) settings.batchSize() * settings.poolBatches();
    long poolStart = tasksSeen / poolTasks * poolTasks;

    try (Network net = from.map(c -> Network.load(c.weights(), cfg)).orElseGet(() -> init != null
            ? Network.load(init.weights(), cfg) : Network.create(cfg, settings.initSeed()));
        BatchStream<Batch> batches = new BatchStream<>(source, Batch::of, settings.batchSize(), settings.poolBatches(),
            settings.trainSeed(), poolStart, settings.dataThreads())) {
      net.seedDropout(settings.initSeed());
      for (long skip = (tasksSeen - poolStart) / settings.batchSize(); skip > 0; skip--) {
        batches.next(); // the interrupted run consumed these; replaying keeps the stream identical
      }
      if (from.isPresent()) {
        Optional<Path> optimizer = from.get().verifiedOptimizerState();
        if (optimizer.isPresent()) {
          net.loadOptimizerState(optimizer.get());
          progress.printf("resumed %s at step %d (%d tasks seen) with optimizer state (%d Adam steps)%n",
              from.get().dir(), step, tasksSeen, net.optimizerSteps());
        } else {
          // Older checkpoints carry weights only; training goes on, but not bit for bit as if never stopped.
          progress.printf("resumed %s at step %d (%d tasks seen); it has no optimizer state, so Adam moments"
              + " start from zero%n", from.get().dir(), step, tasksSeen);
        }
      }
      if (from.isEmpty() && init != null) {
        progress.printf("starting from the weights of %s (step %d, %d tasks seen); Adam starts anew%n", init.dir(),
            step, tasksSeen);
      }
      Map<String, Double> window = new LinkedHashMap<>();
      int windowSteps = 0;
      long windowTasks = 0;
      long windowStart = System.nanoTime();
      long runStart = windowStart;
      long runTasks = 0;
      CheckpointStore.Checkpoint last = from.orElse(null);
      Map<String, Double> lastMetrics = Map.of();
      MetricsLog metrics = null;
      int nonFinite = 0;
      long skipped = 0;
      while (step < settings.steps()) {
        BatchStream.Item<Batch> item = batches.next();
        step++;
        StepResult r = net.trainStep(item.batch(), step, schedule.at(step), settings.clipNorm());
        if (r.skipped()) {
          // The network skips the update of a non-finite step, so one bad batch costs nothing;
          // a run of them means the weights themselves went bad, and the run stops.
          nonFinite++;
          skipped++;
          progress.printf("%nstep %d: loss %s, gradient norm %s, update skipped (%d in a row, %d in this run)%n", step,
              r.loss(), r.gradNorm(), nonFinite, skipped);
          if (nonFinite >= MAX_NON_FINITE_IN_A_ROW) {
            throw new IllegalStateException("loss was not finite for " + nonFinite + " steps in a row up to step "
                + step + "; lower --lr or check the data (the last checkpoint is intact)");
          }
        } else {
          nonFinite = 0;
        }
        tasksSeen += item.tasks();
        runTasks += item.tasks();
        windowTasks += item.tasks();
        if (nonFinite == 0) {
          windowSteps++;
          accumulate(window, r);
          if (metrics == null) {
            // Columns come from the network's own loss parts, so the log follows the model kind.
            metrics = new MetricsLog(metricsCsv, metricColumns(cfg, r));
          }
        }
        if (metrics != null && windowSteps > 0 && (step % settings.logEvery() == 0 || step == settings.steps())) {
          double secs = (System.nanoTime() - windowStart) / 1e9;
          Map<String, Double> row = new LinkedHashMap<>();
          for (var e : window.entrySet()) {
            row.put(e.getKey(), e.getValue() / windowSteps);
          }
          row.put("lr", (double) schedule.at(step));
          row.put("tasks_per_s", windowTasks / secs);
          metrics.log(step, tasksSeen, row);
          lastMetrics = row;
          progress.print(progressLine(step, row, runStart, runTasks));
          window.clear();
          windowSteps = 0;
          windowTasks = 0;
          windowStart = System.nanoTime();
        }
        if (step % settings.checkpointEvery() == 0 || step == settings.steps()) {
          last = checkpoint(store, net, cfg, step, tasksSeen, lastMetrics, recorded);
          onCheckpoint.accept(last);
        }
        if (metrics != null && (step % settings.checkpointEvery() == 0 || step == settings.steps())) {
          metrics.plot(settings.outDir().resolve("loss.png"), cfg.kind() + " training loss", lossColumns(metrics.columns()));
          metrics.plot(settings.outDir().resolve("accuracy.png"), cfg.kind() + " token accuracy", List.of("token_acc"));
        }
      }
      progress.println();
      if (metrics != null) {
        metrics.close();
      }
      double rate = runTasks / Math.max(1e-9, (System.nanoTime() - runStart) / 1e9);
      return new Outcome(last, step, tasksSeen, rate, lastMetrics);
    }
  }

  /**
   * A resume continues the interrupted run only with its model and the settings that shape its
   * updates and task stream; anything else would quietly train another run under the old name.
   */
  private void checkResumable(CheckpointStore.Checkpoint from, ModelConfig saved, ModelConfig expected,
      Manifest.Training given) {
    if (!saved.equals(expected)) {
      throw new CheckpointException("the checkpoint " + from.dir() + " was trained with a different model"
          + " configuration; resume with the same --kind/--size or use a new --out directory");
    }
    Manifest.Training recorded = from.manifest().training();
    if (recorded == null) {
      progress.println("warning: resume: " + from.dir() + " records no training settings (written by an older"
          + " version); cannot check that --lr, --batch-size, --warmup, the seeds, --clip-norm and the data match it");
      return;
    }
    List<String> diff = recorded.differences(given);
    if (!diff.isEmpty()) {
      throw new CheckpointException("cannot resume from " + from.dir() + ": it was trained with other settings ("
          + String.join("; ", diff) + "); resume with the checkpoint's values or use a new --out directory");
    }
  }

  private CheckpointStore.Checkpoint checkpoint(CheckpointStore store, Network net, ModelConfig cfg, long step,
      long tasksSeen, Map<String, Double> metrics, Manifest.Training recorded) {
    Manifest draft = new Manifest(Manifest.FORMAT, cfg.kind(), JsonParser.parseString(cfg.toJson()).getAsJsonObject(),
        step, tasksSeen, settings.trainSeed(), settings.initSeed(), recorded, recipe, metrics, null, 0,
        null, null, 0, null, null);
    return store.write(draft, net::save, net::saveOptimizerState);
  }

  private static void accumulate(Map<String, Double> window, StepResult r) {
    window.merge("loss", (double) r.loss(), Double::sum);
    window.merge("token_acc", (double) r.tokenAccuracy(), Double::sum);
    for (var e : r.parts().entrySet()) {
      window.merge(e.getKey(), (double) e.getValue(), Double::sum);
    }
  }

  private static List<String> metricColumns(ModelConfig cfg, StepResult first) {
    List<String> c = new ArrayList<>(List.of("loss", "token_acc", "lr", "tasks_per_s"));
    // The LP's end-to-end loss starts only after pretraining, so its columns come from the kind,
    // not from whichever step happens to be logged first (a missing value is written as NaN).
    java.util.SortedSet<String> parts = new java.util.TreeSet<>(first.parts().keySet());
    if (cfg.isLatent()) {
      parts.addAll(List.of("ae", "commit", "lp", "e2e"));
    } else if (cfg.continuousLatents()) {
      parts.addAll(List.of("ae", "lp", "e2e"));
      if (cfg.sampledLatents()) {
        parts.add("kl");
      }
    }
    c.addAll(parts);
    return c;
  }

  private static List<String> lossColumns(List<String> columns) {
    return columns.stream().filter(c -> !c.equals("token_acc") && !c.equals("lr") && !c.equals("tasks_per_s")).toList();
  }

  private static final boolean TERMINAL = System.console() != null;

  private String progressLine(long step, Map<String, Double> row, long runStart, long runTasks) {
    double elapsed = (System.nanoTime() - runStart) / 1e9;
    double stepsPerSec = (step - 0.0) > 0 ? runTasks / (double) settings.batchSize() / elapsed : 0;
    long etaSec = stepsPerSec > 0 ? (long) ((settings.steps() - step) / stepsPerSec) : 0;
    int width = 24;
    int filled = (int) (width * step / settings.steps());
    String line = String.format(Locale.ROOT, "[%s%s] step %d/%d  loss %.4f  tok-acc %.3f  lr %.2e  %.1f tasks/s  eta %dm%02ds",
        "#".repeat(filled), ".".repeat(width - filled), step, settings.steps(), row.get("loss"), row.get("token_acc"),
        row.get("lr"), row.get("tasks_per_s"), etaSec / 60, etaSec % 60);
    // On a terminal the line is redrawn in place; in a log file (background runs) one line per log step.
    return TERMINAL ? "\r" + line + " " : line + System.lineSeparator();
  }
}
