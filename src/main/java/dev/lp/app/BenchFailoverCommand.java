package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import com.typesafe.config.Config;
import dev.lp.app.bench.ChildJvm;
import dev.lp.app.bench.ConsumerGroups;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.report.CommandText;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.LongPredicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp bench failover}: two {@code lp serve} worker processes share a broker; with requests
 * in flight on both, one is killed with SIGKILL (kill -9: no goodbye, no commit), and the command
 * measures how long until the survivor has its partitions, has picked up its requests, and has
 * answered the last of them; it checks that every request got exactly one Finished within its
 * deadline plus what a client waits for failover, restarts the killed worker and repeats. Writes
 * section "failover-bench" of the results file.
 */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    description = "Kills one of two lp serve workers (kill -9) with requests in flight, --kills times; measures "
        + "kill → last request answered and checks every request got exactly one Finished; writes section "
        + "failover-bench of the results file.")
public final class BenchFailoverCommand implements Callable<Integer> {

  static final String SECTION = "failover-bench";
  private static final Duration WORKER_START = Duration.ofSeconds(120);
  /** How long the command listens after a round's last Finished for a second Finished of any request. */
  private static final Duration DUPLICATE_WATCH = Duration.ofSeconds(3);

  @Spec CommandSpec spec;

  @Option(names = "--kills", defaultValue = "5", description = "worker kills (rounds) (default: ${DEFAULT-VALUE})")
  int kills;

  @Option(names = "--requests", defaultValue = "16",
      description = "requests sent at the start of each round, all in flight at the kill (default: ${DEFAULT-VALUE})")
  int requests;

  @Option(names = "--deadline-ms", defaultValue = "30000",
      description = "each request's deadline, counted from its send (default: ${DEFAULT-VALUE})")
  long deadlineMs;

  @Option(names = "--step-delay", defaultValue = "150ms",
      description = "the workers serve the scripted stand-in model taking this long per model step, so requests stay "
          + "in flight (default: ${DEFAULT-VALUE})")
  String stepDelay;

  @Option(names = "--worker-heap", defaultValue = "512m", description = "-Xmx of each worker JVM (default: ${DEFAULT-VALUE})")
  String workerHeap;

  @Option(names = "--section", defaultValue = SECTION, description = "section of the results file (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md", description = "results file (default: ${DEFAULT-VALUE})")
  Path results;

  /** One request of a round, as the client saw it (client clock, System.nanoTime). */
  private static final class Track {
    final long sent;
    final int partition;
    final List<Long> accepted = new ArrayList<>();
    final List<Long> finished = new ArrayList<>();
    Finished.Status status;

    Track(long sent, int partition) {
      this.sent = sent;
      this.partition = partition;
    }

    boolean finishedBefore(long t) {
      return !finished.isEmpty() && finished.get(0) < t;
    }
  }

  /**
   * One kill.
   *
   * @param movedMs kill → the survivor owns every partition (-1: not seen)
   * @param pickedUpMs kill → the last of the victim's unfinished requests accepted again by the survivor
   * @param lastAnsweredMs kill → the round's last request answered (first Finished); -1 if one never was
   * @param victimLastMs kill → the last of the victim's unfinished requests answered
   * @param worstMs the largest send → Finished of the round
   * @param duplicates requests with more than one Finished
   * @param late requests answered later than the bound, or never
   * @param restartMs the killed worker's restart → both workers own partitions again
   */
  record Round(int index, String victim, List<Integer> victimPartitions, int inFlight, int inFlightOnVictim,
      long movedMs, long pickedUpMs, long lastAnsweredMs, long victimLastMs, long worstMs, int answered,
      int duplicates, int late, Map<String, Integer> statuses, long restartMs) {}

  private final Map<String, Track> tracks = new LinkedHashMap<>();
  private SynthesisClient client;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter log = spec.commandLine().getErr();
    Config conf = AppConfig.load(null);
    Duration failover = conf.getDuration("lp.client.failover");
    Duration grace = conf.getDuration("lp.client.answer-grace");
    Duration bound = Duration.ofMillis(deadlineMs).plus(failover).plus(grace);
    String session = conf.getConfig("lp.kafka.intake.consumer-properties").getString("\"session.timeout.ms\"");
    int partitions = conf.getInt("lp.broker.partitions");
    String group = "lp-failover-bench";
    String loadBefore = Machine.loadAverage();
    List<Round> rounds = new ArrayList<>();
    String bootstrap;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, null, partitions);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      bootstrap = kafka.bootstrapServers();
      client = SynthesisClient.connect(bootstrap, Duration.ofSeconds(60));
      String[] names = {"lp-failover-a", "lp-failover-b"};
      ChildJvm[] workers = new ChildJvm[2];
      try {
        for (int w = 0; w < 2; w++) {
          workers[w] = startWorker(names[w], bootstrap, group);
        }
        awaitShared(admin, group, names, partitions);
        log.printf(Locale.ROOT, "broker %s, workers %s (pid %d) and %s (pid %d) share %d partitions%n", bootstrap,
            names[0], workers[0].pid(), names[1], workers[1].pid(), partitions);
        log.flush();
        for (int k = 0; k < kills; k++) {
          int v = k % 2;
          Round r = round(k, admin, group, names[v], names[1 - v], workers[v], bound, partitions);
          long t = System.nanoTime();
          workers[v] = startWorker(names[v], bootstrap, group);
          awaitShared(admin, group, names, partitions);
          r = withRestart(r, (System.nanoTime() - t) / 1_000_000);
          rounds.add(r);
          log.printf(Locale.ROOT, "kill %d/%d (%s, %d of %d requests in flight on it): partitions moved after %s, "
                  + "its requests picked up after %s, last request answered %s after the kill; duplicates %d, "
                  + "past the bound %d%n", k + 1, kills, r.victim(), r.inFlightOnVictim(), r.inFlight(),
              ms(r.movedMs()), ms(r.pickedUpMs()), ms(r.lastAnsweredMs()), r.duplicates(), r.late());
          log.flush();
        }
      } finally {
        for (ChildJvm w : workers) {
          if (w != null) {
            w.kill();
          }
        }
        client.close();
      }
    }
    String loadAfter = Machine.loadAverage();
    Path file = results.toAbsolutePath().normalize();
    new ResultsDoc(file).putSection(section, section(rounds, bootstrap, partitions, session, failover, grace, bound,
        loadBefore, loadAfter));
    List<Long> last = rounds.stream().map(Round::lastAnsweredMs).sorted().toList();
    PrintWriter out = spec.commandLine().getOut();
    boolean ok = rounds.stream().allMatch(this::clean);
    out.printf(Locale.ROOT, "%d kills: kill → last request answered p50 %s, max %s; %s%n", rounds.size(),
        ms(median(last)), ms(last.get(last.size() - 1)),
        ok ? "every request answered exactly once within its bound" : "NOT every request answered exactly once in time");
    out.println("wrote section " + section + " of " + file);
    out.flush();
    return ok ? 0 : 1;
  }

  /** Every request of the round answered exactly once within its bound, and the kill hit requests in flight. */
  private boolean clean(Round r) {
    return r.answered() == requests && r.duplicates() == 0 && r.late() == 0 && r.inFlightOnVictim() > 0;
  }

  private static Round withRestart(Round r, long restartMs) {
    return new Round(r.index(), r.victim(), r.victimPartitions(), r.inFlight(), r.inFlightOnVictim(), r.movedMs(),
        r.pickedUpMs(), r.lastAnsweredMs(), r.victimLastMs(), r.worstMs(), r.answered(), r.duplicates(), r.late(),
        r.statuses(), restartMs);
  }

  private ChildJvm startWorker(String name, String bootstrap, String group) {
    return ChildJvm.serve(name, bootstrap, group, "scripted@" + stepDelay, workerHeap, WORKER_START);
  }

  /** Waits until both workers are in the group and each owns partitions, all of them between the two. */
  private static void awaitShared(Admin admin, String group, String[] names, int partitions) throws InterruptedException {
    long end = System.nanoTime() + WORKER_START.toNanos();
    Map<String, Set<Integer>> owned = Map.of();
    while (System.nanoTime() < end) {
      owned = ConsumerGroups.assignment(admin, group, Topics.REQUESTS, Duration.ofSeconds(5));
      var a = owned.get(names[0] + "-intake");
      var b = owned.get(names[1] + "-intake");
      if (owned.size() == 2 && a != null && b != null && !a.isEmpty() && !b.isEmpty()
          && a.size() + b.size() == partitions) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the two workers did not share the " + partitions + " partitions within "
        + WORKER_START.toSeconds() + " s; the group: " + owned);
  }

  /** Reads events for {@code wait}, recording them against the tracked requests. */
  private void listen(Duration wait) {
    client.await(tracks.keySet(), wait, rec -> {
      long now = System.nanoTime();
      SynthesisEvent e = rec.event();
      Track t = tracks.get(e.getRequestId());
      if (e.hasAccepted()) {
        t.accepted.add(now);
      } else if (e.hasFinished()) {
        if (t.finished.isEmpty()) {
          t.status = e.getFinished().getStatus();
        }
        t.finished.add(now);
      }
    });
  }

  /** Listens until {@code done} holds for the clock or {@code wait} passes; returns whether it held. */
  private boolean listenUntil(LongPredicate done, Duration wait) {
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < end) {
      listen(Duration.ofMillis(100));
      if (done.test(System.nanoTime())) {
        return true;
      }
    }
    return false;
  }

  private Round round(int k, Admin admin, String group, String victimName, String survivorName, ChildJvm victim,
      Duration bound, int partitions) {
    List<String> ids = new ArrayList<>();
    var tasks = DemoTasks.all();
    for (int i = 0; i < requests; i++) {
      String id = "failover-" + k + "-" + i;
      var task = tasks.get(i % tasks.size());
      var request = SynthesisClient.request(id, task.inputs(), task.outputs());
      request.getOptionsBuilder().setDeadlineMs(deadlineMs);
      long sent = System.nanoTime();
      int partition = client.send(request.build()).partition();
      tracks.put(id, new Track(sent, partition));
      ids.add(id);
    }
    // In flight on both workers: every request accepted (or, if the search is that quick, finished).
    listenUntil(now -> ids.stream().allMatch(id -> !tracks.get(id).accepted.isEmpty()), Duration.ofSeconds(60));
    var owned = ConsumerGroups.assignment(admin, group, Topics.REQUESTS, Duration.ofSeconds(5));
    var victimParts = List.copyOf(owned.getOrDefault(victimName + "-intake", Set.of()));
    long kill = System.nanoTime();
    List<String> open = ids.stream().filter(id -> !tracks.get(id).finishedBefore(kill)).toList();
    List<String> onVictim = open.stream().filter(id -> victimParts.contains(tracks.get(id).partition)).toList();
    victim.kill();
    long[] moved = {-1};
    long[] lastCheck = {0};
    listenUntil(now -> {
      if (moved[0] < 0 && now - lastCheck[0] > 250_000_000L) {
        lastCheck[0] = now;
        var o = ConsumerGroups.assignment(admin, group, Topics.REQUESTS, Duration.ofSeconds(2));
        var s = o.get(survivorName + "-intake");
        if (o.size() == 1 && s != null && s.size() == partitions) {
          moved[0] = System.nanoTime();
        }
      }
      return moved[0] >= 0 && ids.stream().allMatch(id -> !tracks.get(id).finished.isEmpty());
    }, bound.plusSeconds(10));
    listen(DUPLICATE_WATCH);

    long lastAnswered = -1;
    long victimLast = -1;
    long pickedUp = -1;
    long worst = 0;
    int answered = 0;
    int duplicates = 0;
    int late = 0;
    Map<String, Integer> statuses = new TreeMap<>();
    boolean all = true;
    for (String id : ids) {
      Track t = tracks.get(id);
      if (t.finished.isEmpty()) {
        all = false;
        statuses.merge("no Finished", 1, Integer::sum);
        late++;
        continue;
      }
      answered++;
      if (t.finished.size() > 1) {
        duplicates++;
      }
      statuses.merge(t.status.name(), 1, Integer::sum);
      long first = t.finished.get(0);
      worst = Math.max(worst, first - t.sent);
      if (first - t.sent > bound.toNanos()) {
        late++;
      }
      lastAnswered = Math.max(lastAnswered, first - kill);
      if (onVictim.contains(id)) {
        victimLast = Math.max(victimLast, first - kill);
        long again = t.accepted.stream().filter(a -> a > kill).findFirst().orElse(-1L);
        pickedUp = again < 0 ? pickedUp : Math.max(pickedUp, again - kill);
      }
    }
    return new Round(k + 1, victimName, victimParts, open.size(), onVictim.size(),
        moved[0] < 0 ? -1 : (moved[0] - kill) / 1_000_000, pickedUp < 0 ? -1 : pickedUp / 1_000_000,
        all ? lastAnswered / 1_000_000 : -1, victimLast < 0 ? -1 : victimLast / 1_000_000, worst / 1_000_000,
        answered, duplicates, late, statuses, -1);
  }

  private void validate() {
    var cl = spec.commandLine();
    if (kills < 1 || kills > 50) {
      throw new ParameterException(cl, "--kills must be in 1..50, got " + kills);
    }
    if (requests < 1 || requests > 64) {
      throw new ParameterException(cl, "--requests must be in 1..64, got " + requests);
    }
    if (deadlineMs < 1000 || deadlineMs > 60_000) {
      throw new ParameterException(cl, "--deadline-ms must be in 1000..60000 (lp.engine.max-deadline), got " + deadlineMs);
    }
    try {
      dev.lp.app.models.Models.open("scripted@" + stepDelay).current().close();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cl, "--step-delay: " + e.getMessage());
    }
    if (!workerHeap.matches("[1-9][0-9]*[mMgG]")) {
      throw new ParameterException(cl, "--worker-heap must look like 512m or 1g, got '" + workerHeap + "'");
    }
    if (!ResultsDoc.isSectionName(section)) {
      throw new ParameterException(cl, "--section must be lower-case letters, digits and dashes, got '" + section + "'");
    }
  }

  private String section(List<Round> rounds, String bootstrap, int partitions, String session, Duration failover,
      Duration grace, Duration bound, String loadBefore, String loadAfter) {
    var md = ResultsDoc.head("Failover after kill -9 of a worker (`lp bench failover`)", CommandText.of(spec), loadBefore, loadAfter);
    md.append(String.format(Locale.ROOT,
        "Set-up: an in-JVM KRaft broker (%s, %d partitions of %s); two `lp serve` worker processes (JVM -Xmx%s, "
            + "`--model scripted@%s --no-reload`: the scripted stand-in model taking %s per model step, so searches "
            + "last seconds and are in flight when the kill comes) in one consumer group, session timeout %s ms; "
            + "the client in this JVM. Each round sends %d requests (the demo tasks, deadline %,d ms from the send), "
            + "waits until every one is accepted, kills one worker with SIGKILL (alternating), follows the group "
            + "and the events until every request has its Finished, listens %d s more for a second Finished, then "
            + "restarts the killed worker and waits until the two share the partitions again. Bound per request: "
            + "deadline + `lp.client.failover` (%d s) + `lp.client.answer-grace` (%d s) = %,d ms after its send, "
            + "what `lp synthesize` waits by default. Times are the client's clock.%n%n",
        bootstrap, partitions, Topics.REQUESTS, workerHeap, stepDelay, stepDelay, session, requests, deadlineMs,
        DUPLICATE_WATCH.toSeconds(), failover.toSeconds(), grace.toSeconds(), bound.toMillis()));
    List<Long> last = rounds.stream().map(Round::lastAnsweredMs).sorted().toList();
    List<Long> moved = rounds.stream().map(Round::movedMs).sorted().toList();
    List<Long> picked = rounds.stream().map(Round::pickedUpMs).sorted().toList();
    int sent = rounds.size() * requests;
    int answered = rounds.stream().mapToInt(Round::answered).sum();
    int duplicates = rounds.stream().mapToInt(Round::duplicates).sum();
    int late = rounds.stream().mapToInt(Round::late).sum();
    long worst = rounds.stream().mapToLong(Round::worstMs).max().orElse(0);
    md.append("| over the kills | p50 | max |\n|---|---:|---:|\n");
    md.append(String.format(Locale.ROOT, "| **kill → last request answered** | %s | %s |%n", ms(median(last)),
        ms(last.get(last.size() - 1))));
    md.append(String.format(Locale.ROOT, "| kill → the survivor owns every partition | %s | %s |%n", ms(median(moved)),
        ms(moved.get(moved.size() - 1))));
    md.append(String.format(Locale.ROOT, "| kill → the killed worker's last request accepted again | %s | %s |%n%n",
        ms(median(picked)), ms(picked.get(picked.size() - 1))));
    md.append(String.format(Locale.ROOT,
        "%d kills, %d requests: %d answered, %d with exactly one Finished, %d with more than one, %d answered "
            + "later than the bound (or never); the slowest request took %,d ms from send to Finished (bound %,d ms).%n%n",
        rounds.size(), sent, answered, answered - duplicates, duplicates, late, worst, bound.toMillis()));
    md.append("| kill | killed | its partitions | in flight (on it) | partitions moved | picked up | last of its "
        + "requests answered | last request answered | Finished | duplicates | past bound | restart → shared |\n");
    md.append("|---:|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
    for (Round r : rounds) {
      List<String> st = new ArrayList<>();
      r.statuses().forEach((s, n) -> st.add(s + " " + n));
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %d (%d) | %s | %s | %s | %s | %s | %d | %d | %s |%n",
          r.index(), r.victim(), r.victimPartitions(), r.inFlight(), r.inFlightOnVictim(), ms(r.movedMs()),
          ms(r.pickedUpMs()), ms(r.victimLastMs()), ms(r.lastAnsweredMs()), String.join(", ", st), r.duplicates(),
          r.late(), ms(r.restartMs())));
    }
    md.append("\nTimes after the kill. *partitions moved*: the group coordinator lists the survivor as the only member, "
        + "owning all partitions (polled every 250 ms); *picked up*: the survivor's Accepted for the last of the killed "
        + "worker's unfinished requests; *answered*: its first Finished. The gap from the kill to the move is the "
        + "session timeout plus the rebalance; from the pick-up to the answer is the search run again from its start "
        + "(with what is left of its deadline).\n");
    return md.toString();
  }

  /** The lower median (nearest rank) of sorted values. */
  static long median(List<Long> sorted) {
    return sorted.get((sorted.size() - 1) / 2);
  }

  private static String ms(long ms) {
    return ms < 0 ? "n/a" : String.format(Locale.ROOT, "%,d ms", ms);
  }
}
