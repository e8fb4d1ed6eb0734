package dev.lp.app.bench;

import dev.lp.app.kafka.SynthesisClient;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The benchmark's client: sends requests through Kafka keeping at most {@code concurrency} of them
 * unanswered, and times each one from just before its send to the receipt of its Solved and
 * Finished events (client clock, {@link System#nanoTime}).
 */
public final class LoadDriver {

  /**
   * What happened to one request.
   *
   * @param sentNanos just before the send
   * @param solvedNanos receipt of Solved, or -1
   * @param finishedNanos receipt of Finished, or -1 when it never came within the timeout
   * @param finished the Finished event (null when it never came)
   * @param errorCode the code of an Error event, or null
   */
  public record Outcome(
      String requestId, long sentNanos, long solvedNanos, long finishedNanos, SynthesisEvent finished, String errorCode) {

    public boolean answered() {
      return finished != null;
    }

    public boolean solved() {
      return solvedNanos >= 0;
    }

    public Finished.Status status() {
      return finished == null ? null : finished.getFinished().getStatus();
    }
  }

  private static final class Open {
    final long sent;
    long solved = -1;
    String error;

    Open(long sent) {
      this.sent = sent;
    }
  }

  private final SynthesisClient client;
  private final int concurrency;
  private final Duration timeout;

  /**
   * @param concurrency most requests sent and not yet finished, >= 1
   * @param timeout how long after its send a request may stay unanswered before it counts as lost
   */
  public LoadDriver(SynthesisClient client, int concurrency, Duration timeout) {
    if (client == null) {
      throw new IllegalArgumentException("client must not be null");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0, got " + timeout);
    }
    this.client = client;
    this.concurrency = concurrency;
    this.timeout = timeout;
  }

  /**
   * Sends every request (ids must be unique) and returns their outcomes in sending order.
   *
   * @param progress called with the number of requests done so far, after each one
   */
  public List<Outcome> run(List<SynthesisRequest> requests, IntConsumer progress) {
    var ids = new HashSet<String>();
    for (var r : requests) {
      if (!ids.add(r.getRequestId())) {
        throw new IllegalArgumentException("duplicate request id " + r.getRequestId());
      }
    }
    var pending = new ArrayDeque<>(requests);
    var open = new LinkedHashMap<String, Open>();
    var done = new LinkedHashMap<String, Outcome>();
    long timeoutNanos = timeout.toNanos();
    while (!pending.isEmpty() || !open.isEmpty()) {
      while (open.size() < concurrency && !pending.isEmpty()) {
        var r = pending.poll();
        open.put(r.getRequestId(), new Open(System.nanoTime()));
        client.send(r);
      }
      // One consumer poll: it returns as soon as events arrive, so sends resume without a fixed wait.
      client.await(new HashSet<>(open.keySet()), Duration.ofMillis(1), rec -> {
        long now = System.nanoTime();
        SynthesisEvent e = rec.event();
        Open o = open.get(e.getRequestId());
        if (o == null) {
          return;
        }
        // The first consistent program a client holds: a consistent Candidate (streamed at once) or
        // Solved, whichever comes first (with Occam ranking Solved comes only when the search ends).
        if ((e.hasSolved() || (e.hasCandidate() && e.getCandidate().getConsistent())) && o.solved < 0) {
          o.solved = now;
        } else if (e.hasError() && o.error == null) {
          o.error = e.getError().getCode().name();
        } else if (e.hasFinished()) {
          open.remove(e.getRequestId());
          done.put(e.getRequestId(), new Outcome(e.getRequestId(), o.sent, o.solved, now, e, o.error));
          progress.accept(done.size());
        }
      });
      long now = System.nanoTime();
      var it = open.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Open> en = it.next();
        if (now - en.getValue().sent > timeoutNanos) {
          it.remove();
          Open o = en.getValue();
          done.put(en.getKey(), new Outcome(en.getKey(), o.sent, o.solved, -1, null, o.error));
          progress.accept(done.size());
        }
      }
    }
    var out = new ArrayList<Outcome>(requests.size());
    for (var r : requests) {
      out.add(done.get(r.getRequestId()));
    }
    return out;
  }
}
