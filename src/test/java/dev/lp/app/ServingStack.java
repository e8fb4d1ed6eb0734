package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lp.actors.ModelSource;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.kafka.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The serving path the end-to-end tests drive: an in-JVM KRaft broker, one worker (as `lp serve`
 * starts it) consuming lp.requests, and a client. Closes in reverse order of start, with what the
 * worker used (models, watchers) closed after the worker and before the broker.
 */
final class ServingStack implements AutoCloseable {
  final EmbeddedKafka kafka;
  final Worker worker;
  final SynthesisClient client;
  private final List<AutoCloseable> afterWorker;

  private ServingStack(EmbeddedKafka kafka, Worker worker, SynthesisClient client, List<AutoCloseable> afterWorker) {
    this.kafka = kafka;
    this.worker = worker;
    this.client = client;
    this.afterWorker = afterWorker;
  }

  /** A broker already started (so a test can build its model source against it) plus a worker and a client. */
  static ServingStack serve(EmbeddedKafka kafka, Config config, String group, ModelSource models, Duration wait,
      AutoCloseable... closeAfterWorker) throws Exception {
    List<AutoCloseable> after = new ArrayList<>(List.of(closeAfterWorker));
    Worker worker = null;
    try {
      worker = Worker.start(config, kafka.bootstrapServers(), group, models);
      assertTrue(worker.intake().awaitAssignment(wait), "worker got no partitions within " + wait);
      SynthesisClient client = SynthesisClient.connect(kafka.bootstrapServers(), Duration.ofSeconds(10));
      return new ServingStack(kafka, worker, client, after);
    } catch (Exception | Error e) {
      new ServingStack(kafka, worker, null, after).close();
      throw e;
    }
  }

  /** Starts a broker with the given partitions for lp.requests, then {@link #serve}. */
  static ServingStack start(int partitions, Config config, String group, ModelSource models, Duration wait,
      AutoCloseable... closeAfterWorker) throws Exception {
    return serve(EmbeddedKafka.start(0, null, partitions), config, group, models, wait, closeAfterWorker);
  }

  /**
   * The default config with an intake that shows its behaviour quickly: 4 requests in flight,
   * offsets committed every 100 ms, a 500 ms drain.
   */
  static Config quickIntakeConfig() {
    return ConfigFactory.parseString(
            "lp.kafka.intake.max-in-flight = 4\n"
                + "lp.kafka.intake.commit-interval = 100ms\n"
                + "lp.kafka.intake.drain-timeout = 500ms\n")
        .withFallback(AppConfig.load(null));
  }

  /** Polls {@code condition} every 100 ms until it holds; fails naming {@code what} after {@code wait}. */
  static void await(BooleanSupplier condition, Duration wait, String what) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + wait.toSeconds() + " s waiting until " + what);
      }
      Thread.sleep(100);
    }
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    if (worker != null) {
      worker.close();
    }
    for (AutoCloseable c : afterWorker) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c + " failed: " + e.getMessage(), e);
      }
    }
    kafka.close();
  }
}
