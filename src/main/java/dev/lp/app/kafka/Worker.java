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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One synthesis worker: the Pekko engine, the Kafka intake that feeds it and the publisher of its
 * events. The same wiring serves `lp serve`, `lp demo` and the end-to-end tests.
 *
 * <p>Contract: {@link #start} returns with the intake polling; {@link #close} stops the intake
 * first (running requests drain, finished offsets are committed), then the producer, then the
 * actor system. The model source is the caller's: the worker does not close models.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final ActorSystem<Engine.Command> system;
  private final Publisher publisher;
  private final Intake intake;

  private Worker(ActorSystem<Engine.Command> system, Publisher publisher, Intake intake) {
    this.system = system;
    this.publisher = publisher;
    this.intake = intake;
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
    if (intakeSettings.maxInFlight() > engine.maxInFlight()) {
      throw new IllegalArgumentException(
          "lp.kafka.intake.max-in-flight (" + intakeSettings.maxInFlight()
              + ") exceeds lp.engine.max-in-flight (" + engine.maxInFlight()
              + "): the engine would answer the excess with OVERLOADED");
    }
    ActorSystem<Engine.Command> system = ActorSystem.create(Engine.create(engine, models), "lp-worker", config);
    Publisher publisher = null;
    try {
      publisher = new Publisher(publisherSettings);
      var intake = new Intake(intakeSettings, publisher, wrap.apply(RequestHandler.engine(system))).start();
      log.info("worker started: bootstrap {}, group {}", intakeSettings.bootstrapServers(), intakeSettings.groupId());
      return new Worker(system, publisher, intake);
    } catch (RuntimeException e) {
      if (publisher != null) {
        publisher.close();
      }
      system.terminate();
      throw e;
    }
  }

  /** The Kafka intake (its failure, in-flight count and assignment). */
  public Intake intake() {
    return intake;
  }

  /** Waits until the intake stops (after {@link #close} or a fatal publish failure). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return intake.awaitTermination(timeout);
  }

  @Override
  public void close() {
    intake.close();
    publisher.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("actor system did not terminate cleanly: {}", e.toString());
    }
    log.info("worker stopped");
  }
}
