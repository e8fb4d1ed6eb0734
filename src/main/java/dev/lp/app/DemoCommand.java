package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import dev.lp.actors.ModelSource;
import dev.lp.app.models.CheckpointWatcher;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.kafka.EventPrinter;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.kafka.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lp demo}: an embedded broker and a worker in this JVM, the paper's example tasks and three
 * everyday ones sent through Kafka, their streamed events printed. Same code path as production;
 * only the broker is local.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Starts an embedded Kafka broker and a worker, sends the paper's example tasks and three everyday ones, and prints the streamed events."
        + " Exits 0 when every task was answered (with --keep-running: after a clean stop on Ctrl-C or SIGTERM), 1 otherwise.")
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--keep-running", description = "Keep the broker and worker up afterwards (for `lp synthesize`), until Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--model", description = "shipped | shipped:baseline | checkpoint:DIR | scripted | scripted:TASKS.jsonl. Default: ${DEFAULT-VALUE}.")
  String model = "shipped";

  @Option(names = "--port", description = "Broker client port (0 = a free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--stream", description = "Also print every inconsistent candidate as it is verified.")
  boolean stream;

  @Option(names = "--beam", paramLabel = "B", description = "Beam size B. Default: ${DEFAULT-VALUE}.")
  int beam = 10;

  @Option(names = "--no-reload", description = "Serve --model only; do not follow lp.checkpoints (e.g. `lp publish-checkpoint`).")
  boolean noReload;

  @Option(names = "--log", paramLabel = "FILE",
      description = "Where the log goes while the demo runs (the screen shows only lp's warnings and errors). Default: ${DEFAULT-VALUE}.")
  Path log = Path.of("runs", "demo.log");

  @Override
  public Integer call() throws Exception {
    var logs = DemoLogging.toFile(log);
    if (logs != null) {
      System.out.println("log: " + log.toAbsolutePath() + " (the screen shows only warnings of lp and errors)");
    }
    try {
      return demo();
    } finally {
      if (logs != null) {
        logs.close();
      }
    }
  }

  private Integer demo() throws Exception {
    var conf = AppConfig.load(null);
    ModelSource models = Models.open(model);
    var out = System.out;
    long t0 = System.nanoTime();
    var kafka = EmbeddedKafka.start(port, null, conf.getInt("lp.broker.partitions"));
    out.printf("broker ready at %s in %d ms%n", kafka.bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
    Worker worker = null;
    CheckpointWatcher watcher = null;
    try {
      if (!noReload) {
        watcher = CheckpointWatcher.start(kafka.bootstrapServers(), models.current(), CheckpointWatcher.defaultDrain(conf));
        models = watcher;
      }
      worker = Worker.start(conf, kafka.bootstrapServers(), "lp-demo", models);
      if (!worker.intake().awaitAssignment(Duration.ofSeconds(30))) {
        System.err.println("lp demo: the worker got no partitions within 30 s");
        return 1;
      }
      out.printf("worker ready (model %s) in %d ms%n", model, (System.nanoTime() - t0) / 1_000_000);
      if ("scripted".equals(model)) {
        out.println("note: the scripted model is a stand-in that knows these tasks' programs (the paper's and ours);"
            + " it exercises the serving path, not learning");
      }
      int unanswered = 0;
      try (var client = SynthesisClient.connect(kafka.bootstrapServers(), Duration.ofSeconds(10))) {
        int n = 0;
        for (var task : DemoTasks.all()) {
          String id = "demo-" + (++n);
          var req = SynthesisClient.request(id, task.inputs(), task.outputs());
          req.getOptionsBuilder().setBeamSize(beam).setStreamCandidates(stream);
          out.println();
          out.println(id + ": " + task.name());
          for (int i = 0; i < task.inputs().size(); i++) {
            out.printf("    \"%s\" => \"%s\"%n", task.inputs().get(i), task.outputs().get(i));
          }
          long sent = System.currentTimeMillis();
          client.send(req.build());
          var events = client.await(Set.of(id), Duration.ofSeconds(60),
              new EventPrinter(out, sent, task.inputs())::print).get(id);
          if (events.isEmpty() || !events.get(events.size() - 1).event().hasFinished()) {
            out.println("  (no Finished within 60 s)");
            unanswered++;
          }
        }
      }
      if (keepRunning) {
        // Ctrl-C is the way this mode ends: a clean stop exits 0 (StopSignal), and the finally
        // block below closes worker, watcher and broker on the main thread. Installed before the
        // prompt, so a signal sent as soon as it appears is already ours.
        var signal = StopSignal.install();
        out.println();
        out.println("broker and worker keep running; try:");
        out.println("  ./lp synthesize --bootstrap " + kafka.bootstrapServers()
            + " --example 'Mason Smith=>Smith M' --example 'Henry Myers=>Myers H'");
        out.println("Ctrl-C stops them");
        out.flush();
        while (!signal.await(Duration.ofSeconds(1))) {
          if (!worker.awaitTermination(Duration.ZERO)) {
            continue;
          }
          System.err.println("lp demo: the worker stopped: " + worker.failure().orElse("unknown reason"));
          return 1;
        }
        return 0;
      }
      return unanswered == 0 ? 0 : 1;
    } finally {
      if (worker != null) {
        worker.close();
      }
      if (watcher != null) {
        watcher.close();
      }
      kafka.close();
    }
  }
}
