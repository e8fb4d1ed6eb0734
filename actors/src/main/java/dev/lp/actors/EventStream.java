package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's outgoing events: numbers them 0, 1, 2, ..., stamps them, and guarantees that
 * Finished is sent exactly once and is the last event.
 *
 * <p>Thread-safe (the Session emits; the Engine closes the stream if a Session dies without
 * finishing), which is why it is a shared object and not actor state.
 */
final class EventStream {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);

  private final String requestId;
  private final EventSink sink;
  private String modelVersion = "";
  private long next;
  private boolean finished;

  EventStream(String requestId, EventSink sink) {
    this.requestId = requestId;
    this.sink = sink;
  }

  String requestId() {
    return requestId;
  }

  synchronized void modelVersion(String version) {
    this.modelVersion = version == null ? "" : version;
  }

  synchronized boolean isFinished() {
    return finished;
  }

  /** Emits one non-final event; ignored (and logged) after Finished. */
  synchronized void emit(Consumer<SynthesisEvent.Builder> kind) {
    if (finished) {
      log.warn("[{}] event after Finished dropped", LogText.escape(requestId));
      return;
    }
    send(kind);
  }

  /** Emits Finished; returns false (sending nothing) if the request already finished. */
  synchronized boolean finish(Finished.Status status, Finished.Stats stats) {
    if (finished) {
      return false;
    }
    send(b -> b.setFinished(Finished.newBuilder().setStatus(status).setStats(stats)));
    finished = true;
    return true;
  }

  /** Emits Error then Finished(status) unless already finished. */
  synchronized boolean fail(
      SynthesisError error, Finished.Status status, Finished.Stats stats) {
    if (finished) {
      return false;
    }
    send(b -> b.setError(error));
    return finish(status, stats);
  }

  private void send(Consumer<SynthesisEvent.Builder> kind) {
    var b = Events.header(requestId, next++, modelVersion, System.currentTimeMillis());
    kind.accept(b);
    try {
      sink.emit(b.build());
    } catch (RuntimeException e) {
      log.error("[{}] event sink failed", LogText.escape(requestId), e);
    }
  }
}
