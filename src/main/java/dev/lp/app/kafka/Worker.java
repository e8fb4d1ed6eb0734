package dev.lp.app.kafka;

import com.typesafe.config.Config;
import dev.lp.actors.Engine;
import dev.lp.actors.EngineSettings;
import dev.lp.actors.ModelSource;
import dev.lp.actors.kafka.Intake;
import dev.lp.actors.kafka.IntakeSettings;
import dev.lp.actors.kafka.Publisher;
import dev.lp.actors.kafka.PublisherSettings;
import dev.lp.actors.kafka.RequestHandler;
import dev.lp.app.ops.OpsServer;
import dev.lp.app.ops.OpsSettings;
import dev.lp.app.ops.ServingMetrics;
import dev.lp.search.ModelInfo;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One synthesis worker: the Pekko engine, the Kafka intake that feeds it and the publisher of its
 * events. The same wiring serves `lp serve`, `lp demo` and the end-to-end tests.
 *
 * <p>Contract: {@link #start} returns with the intake polling; {@link #close} stops the intake
 * first (running requests drain, finished offsets are committed), then the producer, then the
 * actor system, then the ops endpoint. The model source is the caller's: the worker does not close
 * models. With {@code lp.ops.http-port} >= 0 the worker answers {@code /livez}, {@code /readyz} and
 * {@code /metrics} over HTTP ({@link OpsServer}) from start to the end of close; readiness turns
 * 503 as soon as close begins, so a draining worker is reported as such.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final ActorSystem<Engine.Command> system;
  private final Publisher publisher;
  private final Intake intake;
  private final ModelSource models;
  private final ServingMetrics metrics;
  private final OpsServer ops;
  private final BrokerHealth broker; // null when the ops endpoint is off: only readiness asks it
  private volatile boolean stopping;
  private volatile String engineFailure;

  private Worker(ActorSystem<Engine.Command> system, Publisher publisher, Intake intake, ModelSource models,
      ServingMetrics metrics, OpsServer ops, BrokerHealth broker) {
    this.system = system;
    this.broker = broker;
    this.publisher = publisher;
    this.intake = intake;
    this.models = models;
    this.metrics = metrics;
    this.ops = ops;
  }

  /**
   * Starts a worker from a full config ({@code lp.engine} and {@code lp.kafka} blocks).
   *
   * @param bootstrap overrides {@code lp.kafka.bootstrap-servers} when not null
   * @param group overrides {@code lp.kafka.intake.group-id} when not null
   */
  public static Worker start(Config config, String bootstrap, String group, ModelSource models) {
    return start(config, bootstrap, group, models, UnaryOperator.identity());
  }

  /** As {@link #start(Config, String, String, ModelSource)}, with the handler wrapped (tests). */
  public static Worker start(
      Config config, String bootstrap, String group, ModelSource models,
      UnaryOperator<RequestHandler> wrap) {
    if (config == null || models == null || wrap == null) {
      throw new IllegalArgumentException("Worker.start needs a config, a model source and a wrapper");
    }
    var engine = EngineSettings.fromConfig(config);
    var intakeSettings = IntakeSettings.fromConfig(config);
    var publisherSettings = PublisherSettings.fromConfig(config);
    if (bootstrap != null) {
      intakeSettings = intakeSettings.withBootstrapServers(bootstrap);
      publisherSettings = publisherSettings.withBootstrapServers(bootstrap);
    }
    if (group != null) {
      intakeSettings = intakeSettings.withGroupId(group);
    }
    // Strictly below: the intake frees a slot when Finished is acknowledged, which can happen before
    // the engine has seen the session stop; equal caps would let the next request find it full.
    if (intakeSettings.maxInFlight() >= engine.maxInFlight()) {
      throw new IllegalArgumentException(
          "lp.kafka.intake.max-in-flight (" + intakeSettings.maxInFlight()
              + ") must be below lp.engine.max-in-flight (" + engine.maxInFlight()
              + "): else the engine may answer requests with OVERLOADED");
    }
    var opsSettings = OpsSettings.fromConfig(config);
    // Claimed first: a port in use fails the start before any Kafka client or actor exists.
    OpsServer ops = opsSettings.enabled() ? OpsServer.bind(opsSettings) : null;
    ActorSystem<Engine.Command> system = null;
    Publisher publisher = null;
    Intake intake = null;
    BrokerHealth broker = null;
    try {
      requireBroker(config, bootstrap);
      if (ops != null) {
        broker = new BrokerHealth(intakeSettings.bootstrapServers(), opsSettings.brokerCheckInterval(),
            opsSettings.brokerGrace());
      }
      system = ActorSystem.create(Engine.create(engine, models), "lp-worker", config);
      var metrics = new ServingMetrics();
      publisher = new Publisher(publisherSettings, metrics::observe);
      intake = new Intake(intakeSettings, publisher, wrap.apply(RequestHandler.engine(system))).start();
      var worker = new Worker(system, publisher, intake, models, metrics, ops, broker);
      system.getWhenTerminated().thenRun(worker::onEngineTerminated);
      if (ops != null) {
        ops.start(worker.probes());
      }
      log.info("worker started: bootstrap {}, group {}", intakeSettings.bootstrapServers(), intakeSettings.groupId());
      return worker;
    } catch (RuntimeException e) {
      if (intake != null) {
        intake.close();
      }
      if (publisher != null) {
        publisher.close();
      }
      if (system != null) {
        system.terminate();
      }
      if (broker != null) {
        broker.close();
      }
      if (ops != null) {
        ops.close();
      }
      throw e;
    }
  }

  /**
   * The engine stopped while the worker was not stopping (its model worker failed beyond its
   * restart limit): the intake is closed in the background, so {@link #awaitTermination} returns
   * and {@link #failure} says why.
   */
  private void onEngineTerminated() {
    if (stopping) {
      return;
    }
    engineFailure = "the serving engine stopped (the log says why: its model worker failed beyond the restart"
        + " limit, or the engine itself failed)";
    log.error("{}; stopping the intake, unfinished requests will be served again", engineFailure);
    // Running requests can no longer finish: no drain, commit what is done and stop.
    var stop = new Thread(intake::abandon, "lp-worker-engine-stopped");
    stop.setDaemon(true);
    stop.start();
  }

  /** Why the worker stopped serving on its own (the intake or the engine failed), if it did. */
  public Optional<String> failure() {
    var intakeFailure = intake.failure();
    if (intakeFailure.isPresent()) {
      return Optional.of("intake failed: " + intakeFailure.get());
    }
    return Optional.ofNullable(engineFailure);
  }

  /** No broker answered a starting worker in time. */
  public static final class NoBrokerException extends IllegalStateException {
    NoBrokerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Fails, before any consumer or producer exists, when within {@code timeout} the broker does not
   * answer ({@link NoBrokerException}) or does not list every topic (IllegalArgumentException
   * naming the first missing one; a topic created just before may take a moment to be listed):
   * a consumer would otherwise wait forever for partitions and every publish would block.
   */
  static void requireTopics(String bootstrap, List<String> topics, Duration timeout) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("no topics to check");
    }
    int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    long deadline = System.nanoTime() + timeout.toNanos();
    Admin created;
    try {
      created = Admin.create(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms));
    } catch (org.apache.kafka.common.KafkaException e) {
      // No address resolves: Kafka refuses at once, with a message about its config.
      throw new NoBrokerException("cannot reach a Kafka broker at " + bootstrap + ": "
          + BrokerProbe.unreachable(bootstrap, Duration.ofSeconds(2)).orElse(e.getMessage()), e);
    }
    // A starting worker waits the whole timeout for a broker that refuses (it may be starting too),
    // then says why it gave up: refused, or reachable but silent.
    try (Admin admin = created) {
      for (boolean first = true; ; first = false) {
        Set<String> listed;
        try {
          listed = admin.listTopics().names().get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          throw new NoBrokerException(first
              ? "no Kafka broker answered at " + bootstrap + " within " + ms + " ms"
                  + BrokerProbe.unreachable(bootstrap, Duration.ofSeconds(2)).map(why -> ": " + why)
                      .orElse(" (it accepts connections: a starting or overloaded broker?)")
              : "the Kafka broker at " + bootstrap + " stopped answering", e);
        }
        var missing = topics.stream().filter(t -> !listed.contains(t)).findFirst();
        if (missing.isEmpty()) {
          return;
        }
        if (System.nanoTime() + 200_000_000L > deadline) {
          throw new IllegalArgumentException("topic " + missing.get() + " does not exist on " + bootstrap
              + ": create the lp topics (`lp broker` does; deploy/k8s/kafka.yaml names them)");
        }
        Thread.sleep(200);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NoBrokerException("interrupted while connecting to " + bootstrap, e);
    }
  }

  /**
   * The check {@link #start} makes first, for callers that talk to the broker before it (the
   * hot-reload watcher): the broker answers within {@code lp.kafka.startup-timeout} and lists the
   * requests and results topics.
   *
   * @param bootstrap overrides {@code lp.kafka.bootstrap-servers} when not null
   * @throws NoBrokerException when no broker answers in time
   * @throws IllegalArgumentException naming a missing topic
   */
  public static void requireBroker(Config config, String bootstrap) {
    var intake = IntakeSettings.fromConfig(config);
    var publisher = PublisherSettings.fromConfig(config);
    requireTopics(bootstrap != null ? bootstrap : intake.bootstrapServers(),
        List.of(intake.topic(), publisher.topic()), config.getDuration("lp.kafka.startup-timeout"));
  }

  /** The Kafka intake (its failure, in-flight count and assignment). */
  public Intake intake() {
    return intake;
  }

  /** Where the ops endpoint listens, if {@code lp.ops.http-port} turned it on. */
  public Optional<InetSocketAddress> opsAddress() {
    return ops == null ? Optional.empty() : Optional.of(ops.address());
  }

  /** {@code http://HOST:PORT} of the ops endpoint, if it is on. */
  public Optional<String> opsUrl() {
    return ops == null ? Optional.empty() : Optional.of(ops.url());
  }

  /** What /livez, /readyz and /metrics report for this worker. */
  private OpsServer.Probes probes() {
    return new OpsServer.Probes() {
      @Override
      public Optional<String> notLive() {
        return failure();
      }

      @Override
      public Optional<String> notReady() {
        if (failure().isPresent()) {
          return failure();
        }
        if (stopping) {
          return Optional.of("stopping: draining running requests and committing their offsets");
        }
        if (!intake.isPolling()) {
          return Optional.of("the intake is not polling");
        }
        return broker == null ? Optional.empty() : broker.problem();
      }

      @Override
      public String metrics() {
        return Worker.this.metrics.scrape(intake.inFlight(), intake.assignedPartitions(), currentModel());
      }
    };
  }

  private ModelInfo currentModel() {
    try {
      var model = models.current();
      return model == null ? null : model.info();
    } catch (RuntimeException e) {
      return null; // a failing model source costs the info sample, not the whole scrape
    }
  }

  /** Waits until the intake stops (after {@link #close} or a fatal publish failure). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return intake.awaitTermination(timeout);
  }

  @Override
  public void close() {
    stopping = true;
    intake.close();
    publisher.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate cleanly: {}", e.toString());
    }
    if (broker != null) {
      broker.close();
    }
    if (ops != null) {
      ops.close();
    }
    log.info("worker stopped");
  }
}
