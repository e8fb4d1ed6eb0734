package dev.lp.app.bench;

import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A {@link SynthesisModel} that forwards every call to {@code inner} and records what the serving
 * engine asked of it: how many decoders and rows each {@code stepAll} call carried, and the wall
 * and calling-thread CPU time of every model call.
 *
 * <p>Measuring at the port shows the engine's achieved batches without reaching into the
 * ModelWorker, whose counters are private. Contract: the model thread records, any thread reads
 * through {@link #snapshot}; closing this model does not close {@code inner} (the caller owns it).
 * Handles are the inner model's own, so the inner model still recognises them.
 */
public final class InstrumentedModel implements SynthesisModel {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final SynthesisModel inner;
  private final Histogram decodersPerCall = new Histogram(1, 1_000_000, 3);
  private final Histogram rowsPerCall = new Histogram(1, 1_000_000, 3);
  private long stepCalls;
  private long decoderSteps;
  private long rowSteps;
  private long stepNanos;
  private long encodeCalls;
  private long otherNanos;
  private long modelThreadCpuNanos;

  public InstrumentedModel(SynthesisModel inner) {
    if (inner == null) {
      throw new IllegalArgumentException("the model to instrument must not be null");
    }
    this.inner = inner;
  }

  /** Totals since construction or the last {@link #reset}. */
  public record Snapshot(
      long stepCalls,
      long decoderSteps,
      long rowSteps,
      long stepNanos,
      long encodeCalls,
      long otherNanos,
      long modelThreadCpuNanos,
      Histogram decodersPerCall,
      Histogram rowsPerCall) {

    /** Wall time inside any model call (steps, encodes, decoder opens). */
    public long modelNanos() {
      return stepNanos + otherNanos;
    }
  }

  public synchronized Snapshot snapshot() {
    return new Snapshot(stepCalls, decoderSteps, rowSteps, stepNanos, encodeCalls, otherNanos,
        modelThreadCpuNanos, decodersPerCall.copy(), rowsPerCall.copy());
  }

  /** Forgets everything recorded so far (after a warm-up). */
  public synchronized void reset() {
    decodersPerCall.reset();
    rowsPerCall.reset();
    stepCalls = decoderSteps = rowSteps = stepNanos = encodeCalls = otherNanos = modelThreadCpuNanos = 0;
  }

  @Override
  public ModelInfo info() {
    return inner.info();
  }

  @Override
  public Spec encode(List<String> inputs, List<String> outputs) {
    long t0 = System.nanoTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    try {
      return inner.encode(inputs, outputs);
    } finally {
      other(t0, c0, true);
    }
  }

  @Override
  public Decoder latentDecoder(Spec spec, int rows) {
    long t0 = System.nanoTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    try {
      return inner.latentDecoder(spec, rows);
    } finally {
      other(t0, c0, false);
    }
  }

  @Override
  public Decoder programDecoder(Spec spec, int[][] latents) {
    long t0 = System.nanoTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    try {
      return inner.programDecoder(spec, latents);
    } finally {
      other(t0, c0, false);
    }
  }

  @Override
  public List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
    long t0 = System.nanoTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    List<float[][]> out = inner.stepAll(decoders, tokens);
    long wall = System.nanoTime() - t0;
    long cpu = THREADS.getCurrentThreadCpuTime() - c0;
    long rows = 0;
    for (int[] t : tokens) {
      rows += t.length;
    }
    synchronized (this) {
      stepCalls++;
      decoderSteps += decoders.size();
      rowSteps += rows;
      stepNanos += wall;
      modelThreadCpuNanos += cpu;
      decodersPerCall.recordValue(Math.max(1, decoders.size()));
      rowsPerCall.recordValue(Math.max(1, rows));
    }
    return out;
  }

  private synchronized void other(long t0, long c0, boolean encode) {
    otherNanos += System.nanoTime() - t0;
    modelThreadCpuNanos += THREADS.getCurrentThreadCpuTime() - c0;
    if (encode) {
      encodeCalls++;
    }
  }

  @Override
  public void close() {
    // The inner model belongs to the caller, which closes it after the engine has stopped.
  }
}
