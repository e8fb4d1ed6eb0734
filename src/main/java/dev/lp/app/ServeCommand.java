package dev.lp.app;

import dev.lp.app.kafka.AppConfig;
import dev.lp.app.kafka.Models;
import dev.lp.app.kafka.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lp serve}: one synthesis worker on a Kafka cluster, until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Runs a synthesis worker: consumes lp.requests in a consumer group, publishes events to lp.results.")
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: lp.kafka.bootstrap-servers of the config).")
  String bootstrap;

  @Option(names = "--group", description = "Consumer group (default: lp.kafka.intake.group-id of the config).")
  String group;

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON file whose keys override the defaults.")
  Path config;

  @Option(names = "--model", description = "shipped | shipped:baseline | checkpoint:DIR | scripted | scripted:TASKS.jsonl. Default: ${DEFAULT-VALUE}.")
  String model = "shipped";

  @Override
  public Integer call() throws Exception {
    var worker = Worker.start(AppConfig.load(config), bootstrap, group, Models.open(model));
    var hook = new Thread(worker::close, "lp-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    System.out.println("worker serving (model " + model + "); Ctrl-C or SIGTERM stops it");
    System.out.flush();
    while (!worker.awaitTermination(Duration.ofSeconds(1))) {
      // waiting for SIGTERM (the hook closes the worker) or a fatal intake failure
    }
    if (worker.intake().failure().isPresent()) {
      System.err.println("worker failed: " + worker.intake().failure().get());
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        worker.close();
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already stopping; the hook closes the worker
      }
      return 1;
    }
    return 0;
  }
}
