package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisRequest;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The serving engine's guardian: one Session per submitted request, one shared ModelWorker.
 *
 * <p>Contract: every {@link Submit} produces, on its sink, a complete event stream that ends
 * with exactly one Finished: Accepted ... Finished, or Error + Finished(REJECTED) when the request
 * is invalid or {@code maxInFlight} sessions are already running (Error OVERLOADED), or Error
 * INTERNAL + Finished(FAILED) when the search fails, or Error CANCELLED + Finished(FAILED) after a
 * {@link Cancel}. If the ModelWorker stops for good (it failed more often than its restart limit),
 * the engine stops too, which terminates the ActorSystem: a worker that cannot run its model must
 * not look alive. The ModelWorker runs on the dispatcher
 * {@code lp.engine.model-dispatcher}, which must exist in the ActorSystem's config (actors'
 * reference.conf defines it).
 */
public final class Engine extends AbstractBehavior<Engine.Command> {

  /** Messages the engine accepts. */
  public sealed interface Command {}

  /**
   * Search for programs solving {@code request}; every event of it goes to {@code sink}, which
   * also names the search for {@link Cancel} (one sink per Submit).
   */
  public record Submit(SynthesisRequest request, EventSink sink) implements Command {
    public Submit {
      if (request == null || sink == null) {
        throw new IllegalArgumentException("Submit needs a request and a sink");
      }
    }
  }

  /**
   * Stop the search submitted with {@code sink} (the caller gave the request up, e.g. its partition
   * moved to another worker): its stream ends with Error CANCELLED + Finished(FAILED) once the
   * session has stopped. Ignored when that search already ended.
   */
  public record Cancel(EventSink sink) implements Command {
    public Cancel {
      if (sink == null) {
        throw new IllegalArgumentException("Cancel needs the sink of a submitted request");
      }
    }
  }

  /** Ask how busy the engine is; answers {@link Load}. */
  public record GetLoad(ActorRef<Load> replyTo) implements Command {}

  /** Sessions running now and the cap beyond which requests are answered OVERLOADED. */
  public record Load(int inFlight, int maxInFlight) {}

  private record SessionEnded(EventSink sink) implements Command {}

  private static final class Running {
    final ActorRef<Session.Command> session;
    final EventStream stream;
    boolean cancelled;

    Running(ActorRef<Session.Command> session, EventStream stream) {
      this.session = session;
      this.stream = stream;
    }
  }

  /** The guardian behavior; spawns the ModelWorker on {@code lp.engine.model-dispatcher}. */
  public static Behavior<Command> create(EngineSettings settings, ModelSource models) {
    if (settings == null || models == null) {
      throw new IllegalArgumentException("Engine.create needs settings and a model source");
    }
    return Behaviors.setup(ctx -> new Engine(ctx, settings, models));
  }

  private final EngineSettings settings;
  private final ModelSource models;
  private final RequestValidator validator;
  private final ActorRef<ModelWorker.Command> worker;
  // Keyed by identity: every Submit brings its own sink.
  private final Map<EventSink, Running> running = new IdentityHashMap<>();

  private Engine(ActorContext<Command> ctx, EngineSettings settings, ModelSource models) {
    super(ctx);
    this.settings = settings;
    this.models = models;
    this.validator = new RequestValidator(settings);
    var policy = new BatchPolicy(settings.batchMaxSize(), settings.batchMaxDelay());
    this.worker =
        ctx.spawn(
            Behaviors.supervise(ModelWorker.create(policy))
                .onFailure(SupervisorStrategy.restart().withLimit(10, Duration.ofMinutes(1))),
            "model-worker",
            DispatcherSelector.fromConfig("lp.engine.model-dispatcher"));
    ctx.watch(worker);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(GetLoad.class, this::onGetLoad)
        .onMessage(SessionEnded.class, this::onSessionEnded)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Command> onSubmit(Submit m) {
    String id = m.request().getRequestId();
    int inFlight = running.size();
    if (inFlight >= settings.maxInFlight()) {
      getContext().getLog().warn("[{}] overloaded: {} sessions in flight", LogText.escape(id), inFlight);
      var error =
          Events.error(
              SynthesisError.Code.OVERLOADED,
              inFlight + " requests in flight (limit " + settings.maxInFlight() + "); retry later",
              "");
      for (var e : Events.rejected(id, "", error)) {
        try {
          m.sink().emit(e);
        } catch (RuntimeException ex) {
          getContext().getLog().error("[{}] event sink failed", LogText.escape(id), ex);
        }
      }
      return this;
    }
    var stream = new EventStream(id, m.sink());
    var session =
        getContext()
            .spawnAnonymous(
                Behaviors.supervise(Session.create(m.request(), stream, validator, models, worker))
                    .onFailure(SupervisorStrategy.stop()));
    getContext().watchWith(session, new SessionEnded(m.sink()));
    running.put(m.sink(), new Running(session, stream));
    return this;
  }

  private Behavior<Command> onCancel(Cancel m) {
    Running r = running.get(m.sink());
    if (r != null && !r.cancelled) {
      getContext().getLog().info("[{}] cancelled", LogText.escape(r.stream.requestId()));
      r.cancelled = true;
      getContext().stop(r.session);
    }
    return this;
  }

  private Behavior<Command> onGetLoad(GetLoad m) {
    m.replyTo().tell(new Load(running.size(), settings.maxInFlight()));
    return this;
  }

  private Behavior<Command> onSessionEnded(SessionEnded m) {
    Running r = running.remove(m.sink());
    // A session that crashed or was cancelled never sent Finished; every request gets one.
    if (r != null && !r.stream.isFinished()) {
      var error =
          r.cancelled
              ? Events.error(SynthesisError.Code.CANCELLED, "the search was cancelled", "")
              : Events.error(
                  SynthesisError.Code.INTERNAL, "the request's session stopped unexpectedly", "");
      r.stream.fail(
          error, Finished.Status.FAILED, Finished.Stats.newBuilder().setTimeToFirstSolutionMs(-1).build());
    }
    return this;
  }

  private Behavior<Command> onTerminated(Terminated t) {
    if (!t.getRef().equals(worker)) {
      return this;
    }
    getContext()
        .getLog()
        .error("the model worker stopped for good (restart limit reached); stopping the engine");
    return Behaviors.stopped();
  }
}
