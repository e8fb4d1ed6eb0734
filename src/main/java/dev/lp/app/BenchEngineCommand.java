package dev.lp.app;

import dev.lp.app.models.ModelLoader;
import dev.lp.app.report.CommandText;
import com.typesafe.config.Config;
import dev.lp.actors.ModelSource;
import dev.lp.app.bench.BatchingBench;
import dev.lp.app.bench.CpuAccount;
import dev.lp.app.bench.InstrumentedModel;
import dev.lp.app.bench.LatencyPlot;
import dev.lp.app.bench.LoadDriver;
import dev.lp.app.bench.LoadDriver.Outcome;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.kafka.Worker;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.nn.ModelConfig;
import dev.lp.nn.Network;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import dev.lp.search.SynthesisModel;
import dev.lp.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp bench engine}: the serving benchmark through the real path (embedded KRaft broker, one
 * worker wired as {@code lp serve} wires it, a Kafka client keeping a bounded number of requests in
 * flight), plus a direct model-level measurement of batched decoding; writes section
 * "engine-bench" of the results file and a latency CDF plot. Every number is measured by the run.
 */
@Command(
    name = "engine",
    mixinStandardHelpOptions = true,
    description = "Benchmarks the serving engine end to end through Kafka; writes section engine-bench of RESULTS.md.")
public final class BenchEngineCommand implements Callable<Integer> {

  static final String SECTION = "engine-bench";
  /** Seed of the random-init weights (the task seed is --seed). */
  static final long MODEL_SEED = 1;

  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "DIR", description = "a trained checkpoint (or run directory: its newest checkpoint)")
  Path checkpoint;

  @Option(names = "--random-init", paramLabel = "SIZE", description = "an untrained network instead: paper | tiny")
  String randomInit;

  @Option(names = "--kind", description = "with --random-init: lp | baseline | lstm (default: lp)")
  String kind;

  @Option(names = "--tasks", defaultValue = "200", description = "measured requests (default: ${DEFAULT-VALUE})")
  int tasks;

  @Option(names = "--warmup", defaultValue = "4", description = "requests sent first and not measured (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--beam", defaultValue = "10", description = "beam size B (default: ${DEFAULT-VALUE})")
  int beam;

  @Option(names = "--latent-beams", defaultValue = "3", description = "latent beams L (default: ${DEFAULT-VALUE})")
  int latentBeams;

  @Option(names = "--guidance", defaultValue = "versionspace",
      description = "execution guidance of every request: off | prefix | versionspace | stepwise (default: ${DEFAULT-VALUE})")
  String guidance;

  @Option(names = "--concurrency", defaultValue = "4", description = "most requests in flight (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--deadline-ms", defaultValue = "0",
      description = "per-request deadline in ms; 0 = the worker's lp.engine.default-deadline (default: ${DEFAULT-VALUE})")
  long deadlineMs;

  @Option(names = "--batch-steps", defaultValue = "32",
      description = "decoder steps per round of the direct batching measurement (default: ${DEFAULT-VALUE})")
  int batchSteps;

  @Option(names = "--seed", defaultValue = "9001",
      description = "task sampler seed, one not used for training (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--task-file", paramLabel = "FILE",
      description = "send the tasks of this JSONL file (golden format, e.g. data/everyday/tasks.jsonl; the first --tasks"
          + " of them) instead of sampled ones; the warm-up sends its first --warmup tasks once more first")
  Path taskFile;

  @Option(names = "--max-expressions", defaultValue = "10",
      description = "sample programs of at most this many expressions, 1..10 (default: ${DEFAULT-VALUE}, the paper's)")
  int maxExpressions;

  @Option(names = "--section", defaultValue = SECTION,
      description = "section of the results file to write; the plot is named after it (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md",
      description = "results file; the plot goes to plots/ beside it (default: ${DEFAULT-VALUE})")
  Path results;

  private String loadBefore = "unknown";
  private String loadAfter = "unknown";

  /** The model under test and what to call it in the report. */
  private record OpenModel(SynthesisModel model, Network network, String description) implements AutoCloseable {
    @Override
    public void close() {
      try {
        model.close();
      } finally {
        if (network != null) {
          network.close();
        }
      }
    }
  }

  /** Everything the engine run measured. */
  private record EngineRun(
      List<Outcome> outcomes,
      InstrumentedModel.Snapshot port,
      Map<String, Long> cpu,
      long processCpuNanos,
      long windowNanos,
      String bootstrap,
      int partitions) {}

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter log = spec.commandLine().getErr();
    Config conf = AppConfig.load(null);
    List<Task> measured = new ArrayList<>();
    List<Task> warm = new ArrayList<>();
    if (taskFile != null) {
      List<Task> all = TaskFiles.read("--task-file", taskFile,
          m -> new ParameterException(spec.commandLine(), m));
      measured.addAll(all.subList(0, Math.min(tasks, all.size())));
      tasks = measured.size();
      for (int i = 0; i < warmup; i++) {
        warm.add(all.get(i % all.size()));
      }
    } else {
      TaskSampler sampler = new TaskSampler(SamplerConfig.paper().withExpressions(1, maxExpressions));
      for (int i = 0; i < tasks; i++) {
        measured.add(sampler.sample(seed, i));
      }
      for (int i = 0; i < warmup; i++) {
        warm.add(sampler.sample(seed, tasks + i));
      }
    }

    try (OpenModel opened = openModel()) {
      log.println("model: " + opened.description());
      log.flush();
      InstrumentedModel model = new InstrumentedModel(opened.model());
      boolean latent = model.info().hasLatents();
      loadBefore = Machine.loadAverage();
      EngineRun run = runEngine(conf, model, requests("warm-", warm, latent), requests("bench-", measured, latent), log);

      log.println("direct batching measurement...");
      log.flush();
      int steps = Math.min(batchSteps, model.info().maxProgramLength() - 1);
      int rows = Math.max(1, beam / latentBeams);
      List<BatchingBench.Result> batching = new ArrayList<>();
      // first: what the engine batches (every beam of `concurrency` requests, at different lengths)
      batching.add(BatchingBench.measure(opened.model(), measured.subList(0, Math.min(concurrency, measured.size())),
          latentBeams, rows, steps, 5));
      batching.add(BatchingBench.measure(opened.model(), measured.subList(0, 1), latentBeams, rows, steps, 5));
      if (latentBeams != beam) {
        batching.add(BatchingBench.measure(opened.model(), measured.subList(0, 1), beam, 1, steps, 5));
      }

      loadAfter = Machine.loadAverage();
      Path resultsFile = results.toAbsolutePath().normalize();
      Path plotDir = resultsFile.getParent().resolve("plots");
      Files.createDirectories(plotDir);
      String plot = section + "-latency.png";
      writePlot(plotDir.resolve(plot), run);
      String rel = resultsFile.getParent().relativize(plotDir).toString().replace('\\', '/') + "/" + plot;

      Report report = new Report(run);
      new ResultsDoc(resultsFile).putSection(section, section(opened.description(), model, run, report, batching, conf, rel));
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT,
          "%d requests: solved %d, latency p50 %s / p99 %s, %.2f requests/s, first solution p50 %s; "
              + "overhead %.1f%% (requests) / %.1f%% (process CPU); batching ×%.2f at %d decoders%n",
          report.answered, report.solved, ms(report.latency, 50), ms(report.latency, 99), report.requestsPerSecond,
          report.solved == 0 ? "n/a" : ms(report.firstSolution, 50), 100 * report.overheadRequests,
          100 * report.overheadProcess, batching.get(0).ratio(), batching.get(0).totalDecoders());
      out.println("wrote section " + section + " of " + resultsFile + " and " + plotDir.resolve(plot));
      out.flush();
      int failed = report.statuses.getOrDefault(Finished.Status.FAILED.name(), 0);
      if (report.answered != tasks || failed > 0) {
        log.printf(Locale.ROOT, "lp bench engine: %d of %d requests unanswered, %d FAILED: the numbers do not measure "
            + "complete searches (see the section)%n", tasks - report.answered, tasks, failed);
        log.flush();
        return 1;
      }
      return 0;
    }
  }

  private Duration deadline(Config conf) {
    return deadlineMs > 0 ? Duration.ofMillis(deadlineMs) : conf.getDuration("lp.engine.default-deadline");
  }

  private void validate() {
    var cl = spec.commandLine();
    if ((checkpoint == null) == (randomInit == null)) {
      throw new ParameterException(cl, "give exactly one of --checkpoint DIR or --random-init paper|tiny");
    }
    if (randomInit != null && !randomInit.equals("paper") && !randomInit.equals("tiny")) {
      throw new ParameterException(cl, "--random-init must be paper or tiny, got '" + randomInit + "'");
    }
    if (kind != null && checkpoint != null) {
      throw new ParameterException(cl, "--kind goes with --random-init only (a checkpoint knows its kind)");
    }
    if (maxExpressions < 1 || maxExpressions > 10) {
      throw new ParameterException(cl, "--max-expressions must be in 1..10, got " + maxExpressions);
    }
    if (!section.matches("[a-z0-9][a-z0-9-]*")) {
      throw new ParameterException(cl, "--section must be lower-case letters, digits and dashes, got '" + section + "'");
    }
    if (kind != null && !List.of("lp", "baseline", "lstm").contains(kind)) {
      throw new ParameterException(cl, "--kind must be lp, baseline or lstm, got '" + kind + "'");
    }
    if (checkpoint != null && !Files.isDirectory(checkpoint)) {
      throw new ParameterException(cl, "--checkpoint " + checkpoint + " is not a directory");
    }
    if (tasks < 1 || tasks > 100_000) {
      throw new ParameterException(cl, "--tasks must be in 1..100000, got " + tasks);
    }
    if (warmup < 0 || warmup > 1000) {
      throw new ParameterException(cl, "--warmup must be in 0..1000, got " + warmup);
    }
    try {
      mode();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, "--guidance: " + e.getMessage());
    }
    if (beam < 1 || beam > 100) {
      throw new ParameterException(cl, "--beam must be in 1..100, got " + beam);
    }
    if (latentBeams < 1 || latentBeams > beam || latentBeams > 10) {
      throw new ParameterException(cl, "--latent-beams must be in 1..min(10, --beam " + beam + "), got " + latentBeams);
    }
    if (deadlineMs < 0 || deadlineMs > 600_000) {
      throw new ParameterException(cl, "--deadline-ms must be in 0..600000 (0 = the worker's default), got " + deadlineMs);
    }
    if (batchSteps < 1 || batchSteps > 1000) {
      throw new ParameterException(cl, "--batch-steps must be in 1..1000, got " + batchSteps);
    }
    if (concurrency < 1 || concurrency > 64) {
      throw new ParameterException(cl, "--concurrency must be in 1..64, got " + concurrency);
    }
  }

  private OpenModel openModel() {
    if (checkpoint != null) {
      try {
        SynthesisModel m = ModelLoader.load(checkpoint);
        if (m.info().continuousLatents()) {
          m.close();
          throw new ParameterException(spec.commandLine(), "--checkpoint " + checkpoint + " is an ablation with"
              + " continuous latents (kind " + m.info().kind() + "): it needs each program's length, so the engine"
              + " cannot serve it; evaluate it with lp eval");
        }
        return new OpenModel(m, null, "checkpoint " + checkpoint + ", version " + m.info().version()
            + " (kind " + m.info().kind() + ")");
      } catch (CheckpointException e) {
        throw new ParameterException(spec.commandLine(), "--checkpoint " + checkpoint + ": " + e.getMessage());
      }
    }
    String k = kind == null ? "lp" : kind;
    ModelConfig cfg = randomInit.equals("tiny") ? ModelConfig.tiny(k)
        : ModelConfig.paperLp().withKind(k);
    Network net = Network.create(cfg, MODEL_SEED);
    String version = "random-init-" + randomInit + "-" + k;
    return new OpenModel(net.inference(version), net, String.format(Locale.ROOT,
        "random-init %s %s (untrained, weight seed %d, %,d parameters, d=%d, %d+%d layers)",
        randomInit, k, MODEL_SEED, net.parameterCount(), cfg.dModel(), cfg.encoderLayers(), cfg.decoderLayers()));
  }

  private List<SynthesisRequest> requests(String prefix, List<Task> ts, boolean latent) {
    List<SynthesisRequest> out = new ArrayList<>(ts.size());
    for (int i = 0; i < ts.size(); i++) {
      Task t = ts.get(i);
      var req = SynthesisClient.request(prefix + i, t.inputs(), t.outputs());
      req.getOptionsBuilder().setBeamSize(beam).setLatentBeams(latent ? latentBeams : 1).setDeadlineMs(deadlineMs)
          .setGuidance(dev.lp.protocol.Guidance.valueOf("GUIDANCE_" + mode().name()));
      out.add(req.build());
    }
    return out;
  }

  private EngineRun runEngine(Config conf, InstrumentedModel model, List<SynthesisRequest> warm,
      List<SynthesisRequest> measured, PrintWriter log) throws Exception {
    int partitions = conf.getInt("lp.broker.partitions");
    Duration timeout = deadline(conf).plusSeconds(30);
    long t0 = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, null, partitions);
        Worker worker = Worker.start(conf, kafka.bootstrapServers(), "lp-bench", ModelSource.fixed(model))) {
      if (!worker.intake().awaitAssignment(Duration.ofSeconds(30))) {
        throw new IllegalStateException("the worker got no partitions of " + Topics.REQUESTS + " within 30 s");
      }
      log.printf(Locale.ROOT, "broker %s and worker ready in %d ms%n", kafka.bootstrapServers(),
          (System.nanoTime() - t0) / 1_000_000);
      log.flush();
      try (SynthesisClient client = SynthesisClient.connect(kafka.bootstrapServers(), Duration.ofSeconds(10))) {
        LoadDriver driver = new LoadDriver(client, concurrency, timeout);
        if (!warm.isEmpty()) {
          log.println("warm-up: " + warm.size() + " requests");
          log.flush();
          driver.run(warm, n -> { });
        }
        model.reset();
        CpuAccount account = new CpuAccount(Thread.currentThread());
        CpuAccount.Reading before = account.read();
        int every = Math.max(1, measured.size() / 10);
        List<Outcome> outcomes = driver.run(measured, n -> {
          if (n % every == 0 || n == measured.size()) {
            log.printf(Locale.ROOT, "  %d/%d requests done (%.0f s)%n", n, measured.size(), (System.nanoTime() - before.wallNanos()) / 1e9);
            log.flush();
          }
        });
        CpuAccount.Reading after = account.read();
        return new EngineRun(outcomes, model.snapshot(), CpuAccount.between(before, after),
            after.processCpuNanos() - before.processCpuNanos(), after.wallNanos() - before.wallNanos(),
            kafka.bootstrapServers(), partitions);
      }
    }
  }

  /** The numbers derived from one engine run. */
  private static final class Report {
    final int sent;
    int answered;
    int solved;
    final Map<String, Integer> statuses = new TreeMap<>();
    final Map<String, Integer> errors = new TreeMap<>();
    final Histogram latency = new Histogram(3_600_000_000L, 3);
    final Histogram firstSolution = new Histogram(3_600_000_000L, 3);
    final double requestsPerSecond;
    final long modelMsFromStats;
    final long engineBusyMs;
    final double overheadRequests;
    final double overheadProcess;
    final long windowNanos;

    Report(EngineRun run) {
      sent = run.outcomes().size();
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      long modelMs = 0;
      List<long[]> busy = new ArrayList<>();
      for (Outcome o : run.outcomes()) {
        first = Math.min(first, o.sentNanos());
        if (o.errorCode() != null) {
          errors.merge(o.errorCode(), 1, Integer::sum);
        }
        if (!o.answered()) {
          statuses.merge("no Finished (timed out)", 1, Integer::sum);
          continue;
        }
        answered++;
        last = Math.max(last, o.finishedNanos());
        statuses.merge(o.status().name(), 1, Integer::sum);
        latency.recordValue(Math.max(1, (o.finishedNanos() - o.sentNanos()) / 1000));
        if (o.solved()) {
          solved++;
          firstSolution.recordValue(Math.max(1, (o.solvedNanos() - o.sentNanos()) / 1000));
        }
        Finished.Stats s = o.finished().getFinished().getStats();
        modelMs += s.getModelTimeMs();
        long end = o.finished().getEmittedAtMs();
        busy.add(new long[] {end - s.getLatencyMs(), end});
      }
      windowNanos = last > first ? last - first : 1;
      requestsPerSecond = answered / (windowNanos / 1e9);
      modelMsFromStats = modelMs;
      engineBusyMs = union(busy);
      overheadRequests = engineBusyMs == 0 ? 0 : 1 - (double) modelMs / engineBusyMs;
      overheadProcess = run.processCpuNanos() == 0 ? 0 : 1 - (double) run.port().modelNanos() / run.processCpuNanos();
    }

    /** Total length of the union of [start, end] intervals (ms). */
    private static long union(List<long[]> intervals) {
      intervals.sort((a, b) -> Long.compare(a[0], b[0]));
      long total = 0;
      long curStart = Long.MIN_VALUE;
      long curEnd = Long.MIN_VALUE;
      for (long[] iv : intervals) {
        if (iv[0] > curEnd) {
          if (curEnd > curStart) {
            total += curEnd - curStart;
          }
          curStart = iv[0];
          curEnd = iv[1];
        } else {
          curEnd = Math.max(curEnd, iv[1]);
        }
      }
      if (curEnd > curStart) {
        total += curEnd - curStart;
      }
      return total;
    }
  }

  private void writePlot(Path file, EngineRun run) throws IOException {
    List<Double> whole = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    for (Outcome o : run.outcomes()) {
      if (o.answered()) {
        whole.add((o.finishedNanos() - o.sentNanos()) / 1e6);
      }
      if (o.solved()) {
        first.add((o.solvedNanos() - o.sentNanos()) / 1e6);
      }
    }
    Map<String, double[]> series = new LinkedHashMap<>();
    series.put("sent → Finished", whole.stream().mapToDouble(Double::doubleValue).toArray());
    series.put("sent → Solved", first.stream().mapToDouble(Double::doubleValue).toArray());
    LatencyPlot.writeCdf(file, String.format(Locale.ROOT, "Request latency through Kafka (B=%d, L=%d, %d in flight)",
        beam, latentBeams, concurrency), series);
  }

  // ---------------------------------------------------------------------------------- report

  private String section(String modelDescription, InstrumentedModel model, EngineRun run, Report r,
      List<BatchingBench.Result> batching, Config conf, String plot) {
    StringBuilder md = new StringBuilder();
    md.append("## Serving engine (`lp bench engine`)")
        .append(maxExpressions == 10 ? "" : ", programs of at most " + maxExpressions
        + (maxExpressions == 1 ? " expression" : " expressions")).append("\n\n");
    md.append("Command: `").append(CommandText.of(spec)).append("`  \n");
    md.append("Machine: ").append(Machine.describe()).append("  \n");
    md.append("Model: ").append(modelDescription).append(", served as version `").append(model.info().version()).append("`  \n");
    md.append("Load average (1/5/15 min, whole machine) before the run: ").append(loadBefore)
        .append("; after: ").append(loadAfter).append("  \n");
    md.append("Written: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
    md.append(String.format(Locale.ROOT,
        "Path: embedded KRaft broker on %s (%d partitions), one worker started by `Worker.start` as `lp serve` does "
            + "(batch max-size %d, max-delay %s; intake max-in-flight %d), and a client in the same JVM sending "
            + "SynthesisRequests to %s and reading %s. %d tasks %s, "
            + "B=%d, L=%d, guidance %s, at most %d requests in flight, deadline %s; %d warm-up requests first, not "
            + "counted.%n%n",
        run.bootstrap(), run.partitions(), conf.getInt("lp.engine.batch.max-size"),
        conf.getDuration("lp.engine.batch.max-delay").toMillis() + " ms", conf.getInt("lp.kafka.intake.max-in-flight"),
        Topics.REQUESTS, Topics.RESULTS, tasks, taskFile != null ? "from " + taskFile
            : "sampled with seed " + seed + " (paper sampler config"
                + (maxExpressions == 10 ? "" : ", at most " + maxExpressions + " expression(s) per program") + ")",
        beam, latentBeams,
        mode().label(), concurrency,
        deadline(conf).toMillis() + " ms" + (deadlineMs == 0 ? " (worker default)" : ""), warmup));
    if (!model.info().hasLatents()) {
      md.append("The model is a baseline (no latent codes): each request runs one program beam of width B, L is unused.\n\n");
    }

    BatchingBench.Result b0 = batching.get(0);
    md.append("### Targets\n\n| metric | measured | target | status |\n|---|---:|---:|---|\n");
    md.append(String.format(Locale.ROOT, "| time to first consistent program, p50 | %s | ≤ 300 ms | %s |%n",
        r.solved == 0 ? "n/a (0 solved)" : ms(r.firstSolution, 50),
        r.solved == 0 ? "**not met**: no request was solved, so it is unmeasured"
            : r.firstSolution.getValueAtPercentile(50) <= 300_000 ? "met" : "**not met**"));
    md.append(String.format(Locale.ROOT,
        "| batched vs one-at-a-time decoding, %d requests × %d decoders × %d rows (the engine's batch at this load) "
            + "| ×%.2f | ≥ ×3 | %s |%n",
        b0.tasks(), b0.decoders(), b0.rows(), b0.ratio(), b0.ratio() >= 3 ? "met" : "**not met**"));
    md.append(String.format(Locale.ROOT, "| engine overhead, request view (1 − Σ model time / engine busy time) | %.1f%% | ≤ 20%% | %s |%n",
        100 * r.overheadRequests, r.overheadRequests <= 0.20 ? "met" : "**not met**"));
    // Not held to the target: this JVM also runs the broker and the bench client, and a model call's
    // wall time is less than the CPU of PyTorch's pool threads working for it (see "Process view").
    md.append(String.format(Locale.ROOT, "| engine overhead, process view (1 − model time / process CPU time) | %.1f%% | — | %s |%n",
        100 * r.overheadProcess, r.overheadProcess < 0
            ? "**invalid**: model wall time exceeds the process CPU, the model thread was descheduled (see below)"
            : "context only: charges the in-JVM broker, the bench client and PyTorch's pool threads to overhead"));
    long engineCpu = engineCpu(run);
    double engineShare = (double) engineCpu / Math.max(1, run.processCpuNanos());
    md.append(String.format(Locale.ROOT, "| engine overhead, CPU view (engine code's own CPU / process CPU) | %.1f%% | ≤ 20%% | %s |%n%n",
        100 * engineShare, engineShare <= 0.20 ? "met" : "**not met**"));
    int failed = r.statuses.getOrDefault(Finished.Status.FAILED.name(), 0);
    if (failed > 0 || r.answered < r.sent) {
      md.append(String.format(Locale.ROOT, "**Warning**: %d requests FAILED and %d got no Finished: their searches did "
          + "not run to the end, so the numbers below do not measure complete searches.%n%n", failed, r.sent - r.answered));
    }
    if (r.solved == 0) {
      md.append("This model solved nothing (an untrained model is expected to), so time to first solution is "
          + "not measured here; it is meaningful only with a trained `--checkpoint`. Every request then runs its "
          + "search to the end (EXHAUSTED) or its deadline, so the latencies below are whole-search costs.\n\n");
    }

    md.append("### Latency and throughput (client clock: before send → event received)\n\n");
    md.append("| metric | value |\n|---|---:|\n");
    md.append(String.format(Locale.ROOT, "| requests sent / answered (Finished) | %d / %d |%n", r.sent, r.answered));
    md.append(String.format(Locale.ROOT, "| solve rate (Solved received) | %.1f%% (%d) |%n", 100.0 * r.solved / r.sent, r.solved));
    md.append(String.format(Locale.ROOT, "| first consistent program p50 / p99 (solved only) | %s / %s |%n",
        r.solved == 0 ? "n/a" : ms(r.firstSolution, 50), r.solved == 0 ? "n/a" : ms(r.firstSolution, 99)));
    md.append(String.format(Locale.ROOT, "| whole request (→ Finished) p50 / p99 / max | %s / %s / %s |%n",
        ms(r.latency, 50), ms(r.latency, 99), ms(r.latency, 100)));
    md.append(String.format(Locale.ROOT, "| requests/s, one worker (answered / first send → last Finished) | %.2f |%n",
        r.requestsPerSecond));
    md.append("| Finished status | ");
    List<String> st = new ArrayList<>();
    r.statuses.forEach((k, v) -> st.add(k + " " + v));
    md.append(String.join(", ", st)).append(" |\n");
    if (!r.errors.isEmpty()) {
      List<String> er = new ArrayList<>();
      r.errors.forEach((k, v) -> er.add(k + " " + v));
      md.append("| Error events | ").append(String.join(", ", er)).append(" |\n");
    }
    md.append("\n![engine-bench latency CDF](").append(plot).append(")\n\n");

    InstrumentedModel.Snapshot p = run.port();
    md.append("### Engine overhead\n\n");
    md.append(String.format(Locale.ROOT,
        "Request view: the Finished events' `model_time_ms` sum to %,d ms; the engine was busy (at least one request "
            + "between acceptance and Finished, from each Finished's `emitted_at_ms − latency_ms`) for %,d ms, so "
            + "%.1f%% of the worker's busy wall time had no model call running on the one model thread. That share is "
            + "the engine's overhead on the request path: actor messaging, batch waits (max-delay), beam bookkeeping, "
            + "verification and the gaps while a request waits for its next step.%n%n",
        r.modelMsFromStats, r.engineBusyMs, 100 * r.overheadRequests));
    md.append(String.format(Locale.ROOT,
        "Process view: over the measured window (%.1f s) the whole JVM used %,.0f ms of CPU (%.2f cores on average); "
            + "model calls took %,.0f ms of wall time (measured at the model port: %,d stepAll calls, %,d encodes), "
            + "%.1f%% of the process CPU. That view charges everything in this JVM to overhead: the embedded "
            + "broker and the benchmark client run here too, and model time is wall time while PyTorch may run a call "
            + "on more than one core (its native pool shows up as unattributed), or be descheduled when other processes "
            + "load the machine (then model wall time exceeds its CPU and the ratio turns meaningless). The model "
            + "thread's own CPU inside model calls was %,.0f ms.%n%n",
        run.windowNanos() / 1e9, run.processCpuNanos() / 1e6, run.processCpuNanos() / (double) run.windowNanos(),
        p.modelNanos() / 1e6, p.stepCalls(), p.encodeCalls(), 100.0 * p.modelNanos() / Math.max(1, run.processCpuNanos()),
        p.modelThreadCpuNanos() / 1e6));
    md.append("| CPU time by thread role (measured window) | ms | share |\n|---|---:|---:|\n");
    for (var e : run.cpu().entrySet()) {
      md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.1f%% |%n", e.getKey(), e.getValue() / 1e6,
          100.0 * e.getValue() / Math.max(1, run.processCpuNanos())));
    }
    md.append(String.format(Locale.ROOT, "| process total (`getProcessCpuTime`) | %,.0f | 100%% |%n%n", run.processCpuNanos() / 1e6));
    md.append(String.format(Locale.ROOT,
        "Engine code's own CPU (model thread outside model calls, Pekko dispatchers, the worker's Kafka edge): %,.0f ms, "
            + "%.1f%% of the process CPU; the rest is model computation (model thread inside calls plus the native pool "
            + "in \"unattributed\"), the in-JVM broker and the benchmark client.%n%n",
        engineCpu / 1e6, 100.0 * engineCpu / Math.max(1, run.processCpuNanos())));

    md.append("### Batching\n\n");
    md.append(String.format(Locale.ROOT,
        "Direct, at the model (no engine): program decoders of one or more requests (encoded tasks; request t starts t "
            + "tokens ahead, so lengths differ) advance %d tokens, either all through one `stepAll` per step or one "
            + "decoder per call; fastest of %d rounds after a warm-up round.%n%n",
        b0.steps(), b0.rounds()));
    md.append("| requests × decoders × rows | batched decoder steps/s | one-at-a-time decoder steps/s | ratio (wall) "
        + "| ratio (process CPU) |\n|---|---:|---:|---:|---:|\n");
    for (BatchingBench.Result b : batching) {
      md.append(String.format(Locale.ROOT, "| %d × %d × %d | %,.0f | %,.0f | ×%.2f | ×%.2f |%n", b.tasks(), b.decoders(),
          b.rows(),
          b.batchedStepsPerSecond(), b.aloneStepsPerSecond(), b.ratio(), b.cpuRatio()));
    }
    md.append(String.format(Locale.ROOT,
        "%nEach figure is the fastest of %d rounds (the one least disturbed by other processes). If a step's cost were "
            + "all fixed per forward call, fusing L decoders would give about ×L; a ratio above L means the one-decoder "
            + "path costs more per call than its share of the fused call, or that rounds "
            + "were disturbed: compare the CPU-time column, which time stolen by other processes does not inflate.%n%n",
        b0.rounds()));
    Histogram dpc = p.decodersPerCall();
    Histogram rpc = p.rowsPerCall();
    md.append(String.format(Locale.ROOT,
        "In the engine (counted at the model port, since the ModelWorker exposes no batch counters): %,d stepAll calls "
            + "carried %,d decoder steps and %,d rows. Decoders per call: mean %.2f, p50 %d, p99 %d, max %d; rows per call: "
            + "mean %.2f, p50 %d, max %d. The model runs each call as one forward pass per decoder kind (latent "
            + "predictor, program decoder), across requests and decode lengths.%n",
        p.stepCalls(), p.decoderSteps(), p.rowSteps(), dpc.getTotalCount() == 0 ? 0 : dpc.getMean(),
        dpc.getValueAtPercentile(50), dpc.getValueAtPercentile(99), dpc.getMaxValue(),
        rpc.getTotalCount() == 0 ? 0 : rpc.getMean(), rpc.getValueAtPercentile(50), rpc.getMaxValue()));
    return md.toString();
  }

  /** CPU of engine code: the model thread outside model calls, the Pekko dispatchers and the worker's Kafka edge. */
  private static long engineCpu(EngineRun run) {
    return Math.max(0, run.cpu().get(CpuAccount.Role.MODEL_THREAD.label) - run.port().modelThreadCpuNanos())
        + run.cpu().get(CpuAccount.Role.ENGINE_ACTORS.label) + run.cpu().get(CpuAccount.Role.KAFKA_EDGE.label);
  }

  /** A percentile of a microsecond histogram, in ms. */
  private static String ms(Histogram h, double percentile) {
    if (h.getTotalCount() == 0) {
      return "n/a";
    }
    long us = percentile >= 100 ? h.getMaxValue() : h.getValueAtPercentile(percentile);
    return String.format(Locale.ROOT, "%,.0f ms", us / 1000.0);
  }

  private dev.lp.search.Guidance mode() {
    return dev.lp.search.Guidance.parse(guidance);
  }
}
