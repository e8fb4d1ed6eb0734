package dev.lp.actors;

import dev.lp.protocol.SynthesisEvent;

/**
 * Where a request's events go (the Kafka edge publishes them; tests collect them).
 *
 * <p>Contract: implementations are thread-safe; the engine calls {@link #emit} for one request in
 * sequence order (0, 1, 2, ...), never concurrently for the same request, and the last call for a
 * request always carries a {@code Finished} event. An exception thrown by {@code emit} is logged
 * and does not stop the search.
 */
@FunctionalInterface
public interface EventSink {
  void emit(SynthesisEvent event);
}
