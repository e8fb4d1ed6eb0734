package dev.lp.app;

import com.typesafe.config.Config;
import dev.lp.actors.ModelSource;
import dev.lp.app.bench.LoadDriver;
import dev.lp.app.bench.LoadDriver.Outcome;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.kafka.Worker;
import dev.lp.app.models.Models;
import dev.lp.app.report.CommandText;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code lp bench capacity}: one worker (wired as {@code lp serve} wires it) behind a real broker,
 * loaded at rising concurrency (requests kept in flight by the client) until the p99 latency
 * reaches the deadline, i.e. requests start to be answered DEADLINE instead of searched to their
 * end; the knee is the last level below it, and its requests/s is one worker's capacity. Writes
 * section "capacity-knee" of the results file.
 */
@Command(
    name = "capacity",
    mixinStandardHelpOptions = true,
    description = "Loads one worker through a real broker at rising concurrency until p99 latency reaches the "
        + "deadline; records requests/s at the knee in section capacity-knee of the results file.")
public final class BenchCapacityCommand implements Callable<Integer> {

  static final String SECTION = "capacity-knee";

  @Spec CommandSpec spec;

  @Option(names = "--model", defaultValue = "shipped", description = "what the worker serves, as lp serve --model "
      + "(default: ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--concurrency", defaultValue = "1,2,4,8,16", split = ",",
      description = "levels of requests in flight, rising (default: ${DEFAULT-VALUE})")
  List<Integer> levels;

  @Option(names = "--requests", defaultValue = "24", description = "measured requests per level (default: ${DEFAULT-VALUE})")
  int requests;

  @Option(names = "--deadline-ms", defaultValue = "10000", description = "each request's deadline (default: ${DEFAULT-VALUE})")
  long deadlineMs;

  @Option(names = "--beam", defaultValue = "10", description = "beam size B (default: ${DEFAULT-VALUE})")
  int beam;

  @Option(names = "--seed", defaultValue = "9001", description = "task sampler seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--section", defaultValue = SECTION, description = "section of the results file (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md", description = "results file (default: ${DEFAULT-VALUE})")
  Path results;

  /** One level's numbers (latencies in ms, client clock: before send → Finished received). */
  record Level(int concurrency, int sent, int answered, long p50, long p99, long max, double perSecond,
      Map<String, Integer> statuses, String load) {
    /** Requests answered DEADLINE or not at all. */
    int deadlines() {
      return statuses.getOrDefault(Finished.Status.DEADLINE.name(), 0) + (sent - answered);
    }
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter log = spec.commandLine().getErr();
    Config conf = AppConfig.load(null);
    int partitions = conf.getInt("lp.broker.partitions");
    var sampler = new TaskSampler(SamplerConfig.paper());
    String loadBefore = Machine.loadAverage();
    List<Level> done = new ArrayList<>();
    ModelSource models;
    try {
      models = Models.open(model);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--model: " + e.getMessage());
    }
    String version = models.current().info().version();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, null, partitions);
        Worker worker = Worker.start(conf, kafka.bootstrapServers(), "lp-capacity", models);
        SynthesisClient client = SynthesisClient.connect(kafka.bootstrapServers(), Duration.ofSeconds(60))) {
      if (!worker.intake().awaitAssignment(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the worker got no partitions of " + Topics.REQUESTS + " within 60 s");
      }
      int task = 0;
      new LoadDriver(client, 2, Duration.ofMillis(deadlineMs).plusSeconds(30))
          .run(batch("warm", sampler, task, 2), n -> { });
      task += 2;
      for (int c : levels) {
        var driver = new LoadDriver(client, c, Duration.ofMillis(deadlineMs).plusSeconds(30));
        List<Outcome> outcomes = driver.run(batch("c" + c, sampler, task, requests), n -> { });
        task += requests;
        Level level = level(c, outcomes);
        done.add(level);
        log.printf(Locale.ROOT, "concurrency %d: p50 %,d ms, p99 %,d ms, %.2f requests/s, %d DEADLINE or unanswered "
            + "of %d (load %s)%n", c, level.p50(), level.p99(), level.perSecond(), level.deadlines(), level.sent(),
            level.load());
        log.flush();
      }
    } finally {
      models.current().close();
    }
    String loadAfter = Machine.loadAverage();
    // The last level before the first whose p99 reaches the deadline.
    Level knee = null;
    for (Level l : done) {
      if (l.p99() >= deadlineMs) {
        break;
      }
      knee = l;
    }
    Path file = results.toAbsolutePath().normalize();
    new ResultsDoc(file).putSection(section, section(done, knee, version, partitions, conf, loadBefore, loadAfter));
    PrintWriter out = spec.commandLine().getOut();
    out.println(knee == null ? "no level kept p99 under the deadline"
        : String.format(Locale.ROOT, "knee at %d in flight: %.2f requests/s per worker (p99 %,d ms < deadline %,d ms)",
            knee.concurrency(), knee.perSecond(), knee.p99(), deadlineMs));
    out.println("wrote section " + section + " of " + file);
    out.flush();
    return 0;
  }

  private List<SynthesisRequest> batch(String prefix, TaskSampler sampler, int from, int n) {
    List<SynthesisRequest> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Task t = sampler.sample(seed, from + i);
      var r = SynthesisClient.request("capacity-" + prefix + "-" + i, t.inputs(), t.outputs());
      r.getOptionsBuilder().setBeamSize(beam).setDeadlineMs(deadlineMs);
      out.add(r.build());
    }
    return out;
  }

  private static Level level(int c, List<Outcome> outcomes) {
    var h = new Histogram(3_600_000L, 3);
    Map<String, Integer> statuses = new TreeMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int answered = 0;
    for (Outcome o : outcomes) {
      first = Math.min(first, o.sentNanos());
      if (!o.answered()) {
        statuses.merge("no Finished", 1, Integer::sum);
        continue;
      }
      answered++;
      last = Math.max(last, o.finishedNanos());
      statuses.merge(o.status().name(), 1, Integer::sum);
      h.recordValue(Math.max(1, (o.finishedNanos() - o.sentNanos()) / 1_000_000));
    }
    double seconds = last > first ? (last - first) / 1e9 : 1;
    return new Level(c, outcomes.size(), answered, h.getValueAtPercentile(50), h.getValueAtPercentile(99),
        h.getMaxValue(), answered / seconds, statuses, Machine.loadAverage());
  }

  private void validate() {
    var cl = spec.commandLine();
    if (levels.isEmpty() || levels.stream().anyMatch(c -> c < 1 || c > 64)) {
      throw new ParameterException(cl, "--concurrency must list levels in 1..64, got " + levels);
    }
    for (int i = 1; i < levels.size(); i++) {
      if (levels.get(i) <= levels.get(i - 1)) {
        throw new ParameterException(cl, "--concurrency must rise, got " + levels);
      }
    }
    if (requests < 1 || requests > 10_000) {
      throw new ParameterException(cl, "--requests must be in 1..10000, got " + requests);
    }
    if (deadlineMs < 100 || deadlineMs > 60_000) {
      throw new ParameterException(cl, "--deadline-ms must be in 100..60000, got " + deadlineMs);
    }
    if (beam < 1 || beam > 100) {
      throw new ParameterException(cl, "--beam must be in 1..100, got " + beam);
    }
    if (!ResultsDoc.isSectionName(section)) {
      throw new ParameterException(cl, "--section must be lower-case letters, digits and dashes, got '" + section + "'");
    }
  }

  private String section(List<Level> done, Level knee, String version, int partitions, Config conf, String loadBefore,
      String loadAfter) {
    var md = ResultsDoc.head("Capacity of one worker: the knee (`lp bench capacity`)", CommandText.of(spec), loadBefore, loadAfter);
    md.append(String.format(Locale.ROOT,
        "Set-up: an in-JVM KRaft broker (%d partitions) and one worker started as `lp serve` starts it (model `%s`, "
            + "version %s; intake max-in-flight %d, batch max-size %d), the client in the same JVM keeping the "
            + "level's number of requests in flight. %d sampled tasks per level (seed %d, paper sampler), B = %d, "
            + "the worker's default guidance and ranking, deadline %,d ms from the send. The knee is the last level "
            + "before the first whose p99 reaches the deadline (requests answered DEADLINE instead of searched to "
            + "their end). **The machine was shared "
            + "with training runs and other jobs (load average above), so these are pessimistic figures for a "
            + "2-core box, not a dedicated worker's.**%n%n",
        partitions, model, version, conf.getInt("lp.kafka.intake.max-in-flight"), conf.getInt("lp.engine.batch.max-size"),
        requests, seed, beam, deadlineMs));
    md.append("| in flight | answered | p50 | p99 | max | requests/s (one worker) | Finished | load (1 min) at the end |\n");
    md.append("|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (Level l : done) {
      List<String> st = new ArrayList<>();
      l.statuses().forEach((s, n) -> st.add(s + " " + n));
      md.append(String.format(Locale.ROOT, "| %d | %d / %d | %,d ms | %,d ms | %,d ms | %.2f | %s | %s |%n",
          l.concurrency(), l.answered(), l.sent(), l.p50(), l.p99(), l.max(), l.perSecond(), String.join(", ", st),
          l.load().split(" / ")[0]));
    }
    md.append('\n');
    if (knee == null) {
      md.append("No level kept every request within the deadline: the knee is below the lowest level measured.\n");
    } else {
      md.append(String.format(Locale.ROOT,
          "**Knee: %d requests in flight, %.2f requests/s per worker** (p99 %,d ms against the %,d ms deadline); %s%n",
          knee.concurrency(), knee.perSecond(), knee.p99(), deadlineMs,
          done.get(done.size() - 1) == knee ? "the highest level measured, so the knee may lie higher."
              : "at the next level p99 reached the deadline."));
    }
    md.append("\nLatency is the client's clock from just before the send to the Finished event; requests/s is "
        + "answered / (first send → last Finished) of the level. Past the knee requests/s still rises, but it counts "
        + "requests cut at their deadline (DEADLINE, or SOLVED by what was found when the deadline came): not "
        + "capacity.\n");
    return md.toString();
  }
}
