package dev.lp.actors;

import dev.lp.protocol.SynthesisRequest;
import java.time.Duration;

/**
 * The part of a request's deadline that is left when a worker starts it, counted from when the
 * client sent it ({@code sent_at_ms}) rather than from acceptance.
 *
 * <p>Why: a request is served again after its worker dies (at-least-once); counted from
 * acceptance, the redelivered request would get a whole new budget after the failover, and its
 * client, which waits about deadline + failover, would give up first. Counted from the send, the
 * new owner spends only what is left, or answers DEADLINE at once.
 *
 * <p>Contract (pure): the budget is {@code options.deadline_ms}, or {@code defaultDeadline} when
 * that is 0; a request without {@code sent_at_ms} (0 or less: a client from before the field)
 * gets the whole budget; a {@code sent_at_ms} in the future (the client's clock runs ahead) is
 * taken as now, so skew never adds time. A client clock running behind shortens the budget by the
 * skew: that cannot be told from a request that waited in Kafka. The result is never negative.
 */
public final class Deadlines {
  private Deadlines() {}

  /**
   * The time left for {@code request} at {@code nowMs} (epoch ms, the worker's clock).
   *
   * @throws IllegalArgumentException for a negative {@code deadline_ms} (invalid: the validator
   *     rejects it first) or a default deadline that is not positive
   */
  public static Duration remaining(SynthesisRequest request, long nowMs, Duration defaultDeadline) {
    if (defaultDeadline == null || defaultDeadline.isNegative() || defaultDeadline.isZero()) {
      throw new IllegalArgumentException("the default deadline must be > 0, got " + defaultDeadline);
    }
    long deadlineMs = request.getOptions().getDeadlineMs();
    if (deadlineMs < 0) {
      throw new IllegalArgumentException("options.deadline_ms must be >= 0, got " + deadlineMs);
    }
    Duration budget = deadlineMs == 0 ? defaultDeadline : Duration.ofMillis(deadlineMs);
    long sentAt = request.getSentAtMs();
    if (sentAt <= 0) {
      return budget;
    }
    long elapsed = nowMs - Math.min(sentAt, nowMs);
    Duration left = budget.minusMillis(elapsed);
    return left.isNegative() ? Duration.ZERO : left;
  }
}
