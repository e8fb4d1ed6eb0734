package dev.lp.app;

import com.typesafe.config.ConfigFactory;
import dev.lp.actors.ModelSource;
import dev.lp.app.models.CheckpointWatcher;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lp serve}: one synthesis worker on a Kafka cluster, until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Runs a synthesis worker: consumes lp.requests in a consumer group, publishes events to lp.results."
        + " Exits 0 when stopped cleanly (SIGTERM or Ctrl-C: drains running requests and commits; a second signal"
        + " exits at once with 128+signal), 1 when it failed while serving, 2 on bad arguments or a missing topic,"
        + " 3 when no broker answers at start.")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: lp.kafka.bootstrap-servers of the config).")
  String bootstrap;

  @Option(names = "--group", description = "Consumer group (default: lp.kafka.intake.group-id of the config).")
  String group;

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON file whose keys override the defaults.")
  Path config;

  @Option(names = "--model", description = "shipped | shipped:baseline | checkpoint:DIR | scripted | scripted:TASKS.jsonl"
      + " | scripted@DELAY (the stand-in taking DELAY, e.g. 300ms, per model step). Default: ${DEFAULT-VALUE}.")
  String model = "shipped";

  @Option(names = "--no-reload", description = "Serve --model only; do not follow lp.checkpoints for newer checkpoints.")
  boolean noReload;

  @Option(names = "--reload-drain", paramLabel = "SECONDS",
      description = "How long a hot-reloaded-away model stays open for running requests (default: lp.engine.max-deadline + 5 s).")
  Integer reloadDrainSeconds;

  @Option(names = "--ops-port", paramLabel = "P",
      description = "Port of the HTTP endpoint /livez, /readyz, /metrics (Prometheus); 0 = any free port, -1 = off"
          + " (default: lp.ops.http-port of the config, -1). A port in use exits 2.")
  Integer opsPort;

  @Override
  public Integer call() throws Exception {
    var conf = AppConfig.load(config);
    if (opsPort != null) {
      conf = ConfigFactory.parseMap(Map.of("lp.ops.http-port", opsPort)).withFallback(conf);
    }
    ModelSource models = Models.open(model);
    CheckpointWatcher watcher = null;
    if (!noReload) {
      try {
        // Before the watcher, which talks to the broker too (Worker.start checks again, after
        // claiming the ops port): a missing broker is one line, exit 3.
        Worker.requireBroker(conf, bootstrap);
      } catch (Worker.NoBrokerException e) {
        System.err.println("lp serve: " + e.getMessage());
        return 3;
      }
      String servers = bootstrap != null ? bootstrap : conf.getString("lp.kafka.bootstrap-servers");
      watcher = CheckpointWatcher.start(servers, models.current(), drain(conf, reloadDrainSeconds));
      models = watcher;
    }
    Worker worker;
    try {
      worker = Worker.start(conf, bootstrap, group, models);
    } catch (Worker.NoBrokerException e) {
      closeQuietly(watcher);
      System.err.println("lp serve: " + e.getMessage());
      return 3;
    } catch (RuntimeException e) {
      closeQuietly(watcher);
      throw e;
    }
    var reload = watcher;
    Runnable stopAll = () -> {
      worker.close();
      if (reload != null) {
        reload.close();
      }
    };
    // For exits that bypass the signal handlers (SIGHUP, System.exit elsewhere, -Xrs).
    var hook = new Thread(stopAll, "lp-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    var signal = StopSignal.install();
    worker.opsUrl().ifPresent(url -> System.out.println("ops endpoint on " + url + " (/livez, /readyz, /metrics)"));
    System.out.println("worker serving (model " + model + (watcher == null ? "" : ", hot reload from lp.checkpoints")
        + "); Ctrl-C or SIGTERM stops it");
    System.out.flush();
    // Until SIGTERM/SIGINT or a fatal intake or engine failure ends the intake on its own.
    while (!worker.awaitTermination(Duration.ofMillis(200)) && !signal.await(Duration.ofMillis(200))) {
      // waiting
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return 1; // the JVM is already stopping (a signal we could not handle): the hook closes the worker
    }
    signal.received().ifPresent(s -> System.err.println(s + ": stopping (draining running requests, committing)"));
    stopAll.run();
    if (worker.failure().isPresent()) {
      System.err.println("worker failed: " + worker.failure().get());
      return 1;
    }
    System.err.println("worker stopped cleanly");
    return 0;
  }

  private static void closeQuietly(CheckpointWatcher watcher) {
    if (watcher != null) {
      watcher.close();
    }
  }

  /** The drain period of a replaced model: the flag's, else the engine's max deadline + a margin. */
  static Duration drain(com.typesafe.config.Config conf, Integer seconds) {
    if (seconds == null) {
      return CheckpointWatcher.defaultDrain(conf);
    }
    if (seconds < 0) {
      throw new IllegalArgumentException("--reload-drain must be >= 0 seconds, got " + seconds);
    }
    return Duration.ofSeconds(seconds);
  }
}
