package dev.lp.actors;

import dev.lp.protocol.Finished;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one request, written by its beams and by the ModelWorker, read by its Session when
 * it finishes; shared counters (not messages) so a deadline stop loses nothing in flight. The
 * ModelWorker also uses the instance as the request's identity for the handles it owns.
 */
final class RequestStats {
  final long startNanos = System.nanoTime();
  final LongAdder modelCalls = new LongAdder();
  final LongAdder modelNanos = new LongAdder();
  final LongAdder beamsDecoded = new LongAdder();
  final LongAdder candidatesVerified = new LongAdder();
  final LongAdder hypothesesPruned = new LongAdder();
  final LongAdder programBeamsDied = new LongAdder();
  private final AtomicLong firstSolutionNanos = new AtomicLong(-1);
  // Written by the Session only (one actor): the guidance the beams decode under, where the answer came from.
  volatile String guidance = "";
  volatile dev.lp.protocol.Source solutionSource = dev.lp.protocol.Source.SOURCE_MODEL;
  // Read and written only by the ModelWorker (one actor, so no races): set once the request's
  // handles are closed, so late opens for it are refused instead of leaking.
  boolean releasedByWorker;

  void solvedNow() {
    firstSolutionNanos.compareAndSet(-1, System.nanoTime() - startNanos);
  }

  Finished.Stats snapshot() {
    long first = firstSolutionNanos.get();
    return Finished.Stats.newBuilder()
        .setLatencyMs((System.nanoTime() - startNanos) / 1_000_000)
        .setTimeToFirstSolutionMs(first < 0 ? -1 : first / 1_000_000)
        .setBeamsDecoded(beamsDecoded.sum())
        .setCandidatesVerified(candidatesVerified.sum())
        .setModelCalls(modelCalls.sum())
        .setModelTimeMs(modelNanos.sum() / 1_000_000)
        .setHypothesesPruned(hypothesesPruned.sum())
        .setProgramBeamsDied(programBeamsDied.sum())
        .setGuidance(guidance)
        .setSolutionSource(solutionSource)
        .build();
  }
}
