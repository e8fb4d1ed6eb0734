package dev.lp.actors;

import java.time.Duration;

/**
 * When the ModelWorker runs the decoder steps it has queued: a pure rule, no Pekko, no clock.
 *
 * <p>Rule (after djl-serving's BatchAggregator): with nothing queued, wait for the first job; run
 * at once when {@code maxBatchSize} steps are queued, or when every live decoder already has a
 * step queued (nobody else can join, so waiting is pure latency); otherwise run when the oldest
 * queued step has waited {@code maxBatchDelay}.
 *
 * @param maxBatchSize most steps per batch, >= 1
 * @param maxBatchDelay longest the oldest step waits, >= 0
 */
public record BatchPolicy(int maxBatchSize, Duration maxBatchDelay) {

  public BatchPolicy {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
    }
    if (maxBatchDelay == null || maxBatchDelay.isNegative()) {
      throw new IllegalArgumentException("maxBatchDelay must be >= 0, got " + maxBatchDelay);
    }
  }

  /** What to do now. */
  public sealed interface Decision {}

  /** Nothing is queued: wait for the first job. */
  public record Idle() implements Decision {}

  /** Run the oldest {@code take} queued steps now. */
  public record Run(int take) implements Decision {}

  /** Wait {@code remaining} more for company, then decide again. */
  public record Wait(Duration remaining) implements Decision {}

  /**
   * Decides for a queue of {@code queued} steps whose oldest has waited {@code oldestWait}, with
   * {@code liveDecoders} decoders open that could still send a step (0 if unknown).
   */
  public Decision decide(int queued, int liveDecoders, Duration oldestWait) {
    if (queued < 0 || liveDecoders < 0) {
      throw new IllegalArgumentException(
          "queued and liveDecoders must be >= 0, got " + queued + ", " + liveDecoders);
    }
    if (queued == 0) {
      return new Idle();
    }
    if (queued >= maxBatchSize) {
      return new Run(maxBatchSize);
    }
    if (liveDecoders > 0 && queued >= liveDecoders) {
      return new Run(queued);
    }
    Duration remaining = maxBatchDelay.minus(oldestWait);
    if (remaining.isNegative() || remaining.isZero()) {
      return new Run(queued);
    }
    return new Wait(remaining);
  }
}
