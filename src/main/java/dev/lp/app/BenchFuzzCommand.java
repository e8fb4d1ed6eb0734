package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import dev.lp.app.bench.ChildJvm;
import dev.lp.app.bench.FuzzRecords;
import dev.lp.app.bench.FuzzRecords.Kind;
import dev.lp.app.bench.HeapProbe;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.report.CommandText;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisError;
import dev.lp.protocol.SynthesisEvent;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp bench fuzz}: random and mutated records ({@link FuzzRecords}) sent through a real
 * broker to one {@code lp serve} worker process; every record must be answered under its key with
 * a well-formed stream ending in exactly one Finished: Error + Finished, or a normal answer. The
 * worker's heap after a full collection is sampled as it goes, and it must still solve a valid
 * request at the end. Writes section "fuzz-bench" of the results file.
 */
@Command(
    name = "fuzz",
    mixinStandardHelpOptions = true,
    description = "Sends random and mutated request records through a real broker to an lp serve worker; checks "
        + "each is answered (Error + Finished, or a normal answer), the worker's heap stays bounded and it still "
        + "serves; writes section fuzz-bench of the results file.")
public final class BenchFuzzCommand implements Callable<Integer> {

  static final String SECTION = "fuzz-bench";
  private static final Duration WORKER_START = Duration.ofSeconds(120);
  /** No answer at all for this long ends the run: the worker has stopped answering. */
  private static final Duration STALL = Duration.ofSeconds(120);
  /** How much the heap after a full GC may grow from the first sample to the last and still count as bounded. */
  static final long HEAP_GROWTH_LIMIT_KB = 32 * 1024;

  @Spec CommandSpec spec;

  @Option(names = "--records", defaultValue = "10000", description = "records to send (default: ${DEFAULT-VALUE})")
  int records;

  @Option(names = "--seed", defaultValue = "1313", description = "seed of the record generator (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--window", defaultValue = "64",
      description = "most records sent and not yet answered (default: ${DEFAULT-VALUE})")
  int window;

  @Option(names = "--worker-heap", defaultValue = "256m", description = "-Xmx of the worker JVM (default: ${DEFAULT-VALUE})")
  String workerHeap;

  @Option(names = "--heap-samples", defaultValue = "10",
      description = "heap samples taken during the run, besides the first and last (default: ${DEFAULT-VALUE})")
  int heapSamples;

  @Option(names = "--worker-log", paramLabel = "FILE", description = "write the worker's whole output here")
  Path workerLog;

  @Option(names = "--section", defaultValue = SECTION, description = "section of the results file (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md", description = "results file (default: ${DEFAULT-VALUE})")
  Path results;

  /** One record's answer as received. */
  private static final class Answer {
    final Kind kind;
    final List<SynthesisEvent> events = new ArrayList<>();
    int finished;

    Answer(Kind kind) {
      this.kind = kind;
    }
  }

  /** A heap sample after {@code records} records were sent. */
  private record HeapAt(int records, HeapProbe.Sample sample) {}

  /** What the run found; {@link #problems} lists every record that was not answered as it must be. */
  private static final class Tally {
    final Map<Kind, int[]> byKind = new EnumMap<>(Kind.class); // records, error + finished, normal, problem
    final Map<String, Integer> errorCodes = new TreeMap<>();
    final Map<String, Integer> statuses = new TreeMap<>();
    final List<String> problems = new ArrayList<>();
    int errorAnswers;
    int normalAnswers;
  }

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter log = spec.commandLine().getErr();
    var conf = AppConfig.load(null);
    int partitions = conf.getInt("lp.broker.partitions");
    String loadBefore = Machine.loadAverage();
    var answers = new HashMap<String, Answer>();
    var heap = new ArrayList<HeapAt>();
    String bootstrap;
    boolean alive;
    String after;
    long wallMs;
    String workerTail;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, null, partitions)) {
      bootstrap = kafka.bootstrapServers();
      ChildJvm worker = ChildJvm.serve("lp-fuzz-worker", bootstrap, "lp-fuzz", "scripted", workerHeap, WORKER_START);
      try (SynthesisClient client = SynthesisClient.connect(bootstrap, Duration.ofSeconds(60))) {
        String warm = valid(client, "fuzz-warm-up");
        log.println("worker " + worker.pid() + " serving on " + bootstrap + "; warm-up request: " + warm);
        heap.add(new HeapAt(0, HeapProbe.afterFullGc(worker.pid())));
        long t0 = System.nanoTime();
        send(client, worker, answers, heap, log);
        wallMs = (System.nanoTime() - t0) / 1_000_000;
        heap.add(new HeapAt(records, HeapProbe.afterFullGc(worker.pid())));
        after = valid(client, "fuzz-after");
        alive = worker.isAlive();
      } finally {
        worker.close();
        String out = worker.finalOutput();
        if (workerLog != null) {
          java.nio.file.Files.writeString(workerLog, out, StandardCharsets.UTF_8);
        }
        workerTail = out.substring(Math.max(0, out.length() - 2000));
      }
    }
    String loadAfter = Machine.loadAverage();
    Tally tally = tally(answers);
    long growth = heap.get(heap.size() - 1).sample().heapUsedKb() - heap.get(0).sample().heapUsedKb();
    boolean bounded = heap.stream().allMatch(h -> h.sample().heapUsedKb() > 0) && growth <= HEAP_GROWTH_LIMIT_KB;
    boolean served = after.startsWith("SOLVED");
    boolean ok = tally.problems.isEmpty() && alive && served && bounded;
    Path file = results.toAbsolutePath().normalize();
    new ResultsDoc(file).putSection(section, section(tally, heap, growth, bounded, after, alive, bootstrap, partitions,
        wallMs, loadBefore, loadAfter));
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%d records: %d answered Error + Finished, %d answered normally, %d problems; worker heap "
            + "after GC %,d → %,d KB (%s); a valid request afterwards: %s%n", records, tally.errorAnswers,
        tally.normalAnswers, tally.problems.size(), heap.get(0).sample().heapUsedKb(),
        heap.get(heap.size() - 1).sample().heapUsedKb(), bounded ? "bounded" : "NOT bounded", after);
    tally.problems.stream().limit(20).forEach(p -> out.println("  problem: " + p));
    if (!alive) {
      out.println("the worker died; its last output:\n" + workerTail);
    }
    out.println("wrote section " + section + " of " + file);
    out.flush();
    return ok ? 0 : 1;
  }

  /** Sends a solvable request (the Figure 1 task) and returns its Finished status (and program), or why not. */
  private static String valid(SynthesisClient client, String id) {
    var t = DemoTasks.all().get(0);
    client.send(SynthesisClient.request(id, t.inputs(), t.outputs()).build());
    var events = client.await(Set.of(id), Duration.ofSeconds(60), e -> {}).get(id);
    String program = events.stream().map(SynthesisClient.Received::event).filter(SynthesisEvent::hasSolved)
        .map(e -> e.getSolved().getProgramText()).findFirst().orElse("no program");
    return events.stream().map(SynthesisClient.Received::event).filter(SynthesisEvent::hasFinished).findFirst()
        .map(e -> e.getFinished().getStatus().name() + " (" + program + ")")
        .orElse("no Finished within 60 s");
  }

  private void send(SynthesisClient client, ChildJvm worker, Map<String, Answer> answers, List<HeapAt> heap,
      PrintWriter log) {
    var gen = new FuzzRecords(seed, "fuzz");
    var open = new HashSet<String>();
    int every = Math.max(1, records / (heapSamples + 1));
    int sent = 0;
    long lastProgress = System.nanoTime();
    while (sent < records || !open.isEmpty()) {
      while (open.size() < window && sent < records) {
        var r = gen.next();
        answers.put(r.key(), new Answer(r.kind()));
        open.add(r.key());
        client.sendRaw(r.key().getBytes(StandardCharsets.UTF_8), r.value());
        sent++;
        if (sent % every == 0 && sent < records) {
          heap.add(new HeapAt(sent, HeapProbe.afterFullGc(worker.pid())));
          log.printf(Locale.ROOT, "  %,d/%,d records sent, %d unanswered; worker heap after GC %,d KB%n", sent, records,
              open.size(), heap.get(heap.size() - 1).sample().heapUsedKb());
          log.flush();
        }
      }
      int n = client.poll(Duration.ofMillis(20), rec -> {
        var e = rec.event();
        var a = answers.get(e.getRequestId());
        if (a == null) {
          return;
        }
        a.events.add(e);
        if (e.hasFinished()) {
          a.finished++;
          open.remove(e.getRequestId());
        }
      });
      if (n > 0) {
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
        log.printf(Locale.ROOT, "no event for %d s with %d records unanswered: stopping%n", STALL.toSeconds(), open.size());
        break;
      }
      if (!worker.isAlive()) {
        log.println("the worker process exited (code " + worker.process().exitValue() + "): stopping");
        break;
      }
    }
    // A second Finished, should one come, comes soon after the first.
    long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < end) {
      client.poll(Duration.ofMillis(100), rec -> {
        var a = answers.get(rec.event().getRequestId());
        if (a != null) {
          a.events.add(rec.event());
          if (rec.event().hasFinished()) {
            a.finished++;
          }
        }
      });
    }
  }

  private static Tally tally(Map<String, Answer> answers) {
    var t = new Tally();
    for (var en : new TreeMap<>(answers).entrySet()) {
      String key = en.getKey();
      Answer a = en.getValue();
      int[] row = t.byKind.computeIfAbsent(a.kind, k -> new int[4]);
      row[0]++;
      String problem = problem(a);
      if (problem != null) {
        row[3]++;
        t.problems.add(key + " (" + a.kind + "): " + problem);
        continue;
      }
      SynthesisEvent first = a.events.get(0);
      Finished.Status status = a.events.get(a.events.size() - 1).getFinished().getStatus();
      t.statuses.merge(status.name(), 1, Integer::sum);
      if (first.hasError()) {
        row[1]++;
        t.errorAnswers++;
        t.errorCodes.merge(first.getError().getCode().name(), 1, Integer::sum);
      } else {
        row[2]++;
        t.normalAnswers++;
      }
    }
    return t;
  }

  /** What is wrong with one record's answer, or null: a stream 0, 1, 2, ... with one Finished, last. */
  static String problem(Answer a) {
    if (a.finished == 0) {
      return a.events.isEmpty() ? "no answer" : "no Finished after " + a.events.size() + " events";
    }
    if (a.finished > 1) {
      return a.finished + " Finished events";
    }
    for (int i = 0; i < a.events.size(); i++) {
      if (a.events.get(i).getSequence() != i) {
        return "event " + i + " has sequence " + a.events.get(i).getSequence();
      }
    }
    SynthesisEvent first = a.events.get(0);
    Finished.Status status = a.events.get(a.events.size() - 1).getFinished().getStatus();
    if (!a.events.get(a.events.size() - 1).hasFinished()) {
      return "Finished is not the last event";
    }
    if (first.hasError()) {
      var code = first.getError().getCode();
      if (code == SynthesisError.Code.INTERNAL || code == SynthesisError.Code.CODE_UNSPECIFIED) {
        return "Error " + code + ": " + first.getError().getMessage();
      }
      if (a.events.size() != 2 || status != Finished.Status.REJECTED) {
        return "Error " + code + " followed by " + (a.events.size() - 1) + " events ending " + status;
      }
      return null;
    }
    if (!first.hasAccepted()) {
      return "the first event is neither Accepted nor Error: " + first.getKindCase();
    }
    if (status == Finished.Status.FAILED || status == Finished.Status.REJECTED
        || status == Finished.Status.STATUS_UNSPECIFIED) {
      return "accepted, then Finished " + status;
    }
    return null;
  }

  private void validate() {
    var cl = spec.commandLine();
    if (records < 1 || records > 1_000_000) {
      throw new ParameterException(cl, "--records must be in 1..1000000, got " + records);
    }
    if (window < 1 || window > 1000) {
      throw new ParameterException(cl, "--window must be in 1..1000, got " + window);
    }
    if (heapSamples < 0 || heapSamples > 100) {
      throw new ParameterException(cl, "--heap-samples must be in 0..100, got " + heapSamples);
    }
    if (!workerHeap.matches("[1-9][0-9]*[mMgG]")) {
      throw new ParameterException(cl, "--worker-heap must look like 256m or 1g, got '" + workerHeap + "'");
    }
    if (!ResultsDoc.isSectionName(section)) {
      throw new ParameterException(cl, "--section must be lower-case letters, digits and dashes, got '" + section + "'");
    }
  }

  private String section(Tally t, List<HeapAt> heap, long growth, boolean bounded, String after, boolean alive,
      String bootstrap, int partitions, long wallMs, String loadBefore, String loadAfter) {
    var md = ResultsDoc.head("Fuzzing a worker through the broker (`lp bench fuzz`)", CommandText.of(spec), loadBefore, loadAfter);
    md.append(String.format(Locale.ROOT,
        "Set-up: an in-JVM KRaft broker (%s, %d partitions); one `lp serve` worker process (JVM -Xmx%s, `--model "
            + "scripted --no-reload`); this JVM sends %,d records (seed %d) to lp.requests with a raw producer, each "
            + "keyed by its own id, at most %d unanswered at a time, and reads lp.results. A record passes when its "
            + "key gets a stream numbered 0, 1, 2, ... with exactly one Finished, last: an Error (not INTERNAL) and "
            + "Finished REJECTED, or Accepted ... Finished SOLVED / EXHAUSTED / DEADLINE. Then 3 s more listening for "
            + "a second Finished. The run took %,d ms.%n%n",
        bootstrap, partitions, workerHeap, records, seed, window, wallMs));
    md.append(String.format(Locale.ROOT,
        "**%,d records: %,d answered Error + Finished, %,d answered normally, %,d not answered as they must be.** "
            + "Worker alive at the end: %s. A valid request (the Figure 1 task) afterwards: %s. Worker heap after a "
            + "full GC: %,d KB before the first record, %,d KB after the last (%+,d KB; bounded means at most %,d KB of "
            + "growth: %s).%n%n",
        records, t.errorAnswers, t.normalAnswers, t.problems.size(), alive ? "yes" : "**no**", after,
        heap.get(0).sample().heapUsedKb(), heap.get(heap.size() - 1).sample().heapUsedKb(), growth,
        HEAP_GROWTH_LIMIT_KB, bounded ? "yes" : "**no**"));
    md.append("| record kind | records | Error + Finished | normal answer | not answered as it must be |\n");
    md.append("|---|---:|---:|---:|---:|\n");
    for (var e : t.byKind.entrySet()) {
      int[] r = e.getValue();
      md.append(String.format(Locale.ROOT, "| %s: %s | %,d | %,d | %,d | %,d |%n", e.getKey().name(),
          e.getKey().description, r[0], r[1], r[2], r[3]));
    }
    md.append("\n| Error code (first event) | records |\n|---|---:|\n");
    t.errorCodes.forEach((c, n) -> md.append(String.format(Locale.ROOT, "| %s | %,d |%n", c, n)));
    md.append("\n| Finished status | records |\n|---|---:|\n");
    t.statuses.forEach((s, n) -> md.append(String.format(Locale.ROOT, "| %s | %,d |%n", s, n)));
    if (!t.problems.isEmpty()) {
      md.append("\nProblems (first 20):\n\n");
      t.problems.stream().limit(20).forEach(p -> md.append("- ").append(p.replace("|", "\\|")).append('\n'));
    }
    md.append("\n| records sent | worker heap after full GC (KB) | worker resident set (KB) |\n|---:|---:|---:|\n");
    for (HeapAt h : heap) {
      md.append(String.format(Locale.ROOT, "| %,d | %,d | %,d |%n", h.records(), h.sample().heapUsedKb(),
          h.sample().rssKb()));
    }
    md.append("\nHeap read with `jcmd PID GC.run` then `GC.heap_info` (used, after the collection); resident set from "
        + "/proc/PID/status. Samples taken during the run include what is in flight at that moment (up to "
        + window + " records, oversized ones up to 900 KB, the consumer's fetched batches, version spaces being "
        + "built); the first and last samples are taken with nothing in flight.\n\n");
    md.append("The valid requests carry deadlines of 1–3 s (FuzzRecords.valid): on a loaded machine most of them "
        + "spend it waiting for the worker's one version-space thread and are answered DEADLINE, which is a normal "
        + "answer (the point here is that every record gets exactly one).\n");
    return md.toString();
  }
}
