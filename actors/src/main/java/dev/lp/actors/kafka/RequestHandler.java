package dev.lp.actors.kafka;

import dev.lp.actors.Engine;
import dev.lp.actors.EventSink;
import dev.lp.protocol.SynthesisRequest;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Where the {@link Intake} hands each parsed request.
 *
 * <p>Contract: {@link #submit} returns quickly (it enqueues, never searches on the caller's
 * thread) and the handler eventually emits, on {@code sink}, a stream that ends with exactly one
 * Finished event; the intake commits the request's offset only after that Finished is published.
 * The returned {@link Search} stops that search early when the intake gives the request up; its
 * stream still ends with a Finished.
 */
@FunctionalInterface
public interface RequestHandler {
  Search submit(SynthesisRequest request, EventSink sink);

  /** One submitted search. */
  @FunctionalInterface
  interface Search {
    /** Stops the search soon; ignored once it has ended, or by a handler that cannot stop one. */
    void cancel();
  }

  /** A handler that submits to the Pekko serving engine. */
  static RequestHandler engine(ActorRef<Engine.Command> engine) {
    if (engine == null) {
      throw new IllegalArgumentException("engine must not be null");
    }
    return (request, sink) -> {
      engine.tell(new Engine.Submit(request, sink));
      return () -> engine.tell(new Engine.Cancel(sink));
    };
  }
}
