package dev.lp.app.bench;

import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import dev.lp.search.SynthesisModel.Decoder;
import dev.lp.search.SynthesisModel.Spec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Direct model-level measurement of batched decoding: {@code decoders} program decoders of one
 * request (one spec), each with {@code rows} beam rows, advance {@code steps} tokens either all
 * together through one {@code stepAll} call per step, or one decoder per call. Same rows, same
 * tokens, same number of steps; only the grouping differs, so the ratio is what batching buys.
 */
public final class BatchingBench {

  private BatchingBench() {}

  /**
   * The fastest of the measured rounds (the round least disturbed by other processes on the machine).
   *
   * @param batchedNanos wall time of one round, all decoders stepping together
   * @param aloneNanos wall time of one round, each decoder stepping alone
   * @param batchedCpuNanos process CPU time of the batched round (all threads, PyTorch's pool included)
   * @param aloneCpuNanos process CPU time of the one-at-a-time round
   */
  public record Result(int decoders, int rows, int steps, int rounds, long batchedNanos, long aloneNanos,
      long batchedCpuNanos, long aloneCpuNanos) {

    /** The same ratio in process CPU time, which time stolen by other processes does not inflate. */
    public double cpuRatio() {
      return (double) aloneCpuNanos / Math.max(1, batchedCpuNanos);
    }


    /** Decoder steps (one decoder advancing one token, all its rows) per second, batched. */
    public double batchedStepsPerSecond() {
      return (double) decoders * steps / (batchedNanos / 1e9);
    }

    /** Decoder steps per second, one decoder per forward call. */
    public double aloneStepsPerSecond() {
      return (double) decoders * steps / (aloneNanos / 1e9);
    }

    /** How many times faster batched decoding is. */
    public double ratio() {
      return (double) aloneNanos / batchedNanos;
    }
  }

  /**
   * Runs one warm-up round of each mode, then {@code rounds} measured rounds alternating the modes.
   *
   * @throws IllegalArgumentException when a count is out of range for the model
   */
  public static Result measure(SynthesisModel model, Task task, int decoders, int rows, int steps, int rounds) {
    ModelInfo info = model.info();
    if (decoders < 1 || rows < 1 || rounds < 1) {
      throw new IllegalArgumentException("decoders, rows and rounds must be >= 1, got "
          + decoders + ", " + rows + ", " + rounds);
    }
    if (steps < 1 || steps > info.maxProgramLength() - 1) {
      throw new IllegalArgumentException("steps must be in 1.." + (info.maxProgramLength() - 1) + ", got " + steps);
    }
    try (Spec spec = model.encode(task.inputs(), task.outputs())) {
      round(model, spec, decoders, rows, steps, true);
      round(model, spec, decoders, rows, steps, false);
      long[] batched = new long[rounds];
      long[] alone = new long[rounds];
      long[] batchedCpu = new long[rounds];
      long[] aloneCpu = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        long[] b = round(model, spec, decoders, rows, steps, true);
        long[] a = round(model, spec, decoders, rows, steps, false);
        batched[r] = b[0];
        batchedCpu[r] = b[1];
        alone[r] = a[0];
        aloneCpu[r] = a[1];
      }
      return new Result(decoders, rows, steps, rounds, min(batched), min(alone), min(batchedCpu), min(aloneCpu));
    }
  }

  /** {wall nanos, process CPU nanos} of the timed steps. */
  private static long[] round(SynthesisModel model, Spec spec, int decoders, int rows, int steps, boolean together) {
    ModelInfo info = model.info();
    List<Decoder> ds = new ArrayList<>(decoders);
    try {
      for (int i = 0; i < decoders; i++) {
        ds.add(model.programDecoder(spec, new int[][] {latentCode(info, i)}));
      }
      // BOS on the single row each decoder opens with, then fan out to the beam width, as a beam does.
      List<int[]> bos = new ArrayList<>();
      ds.forEach(d -> bos.add(new int[] {Tokens.BOS}));
      model.stepAll(ds, bos);
      for (Decoder d : ds) {
        d.reorder(new int[rows]);
      }
      long c0 = processCpu();
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        int[] tok = new int[rows];
        // Any non-special id: the cost of a step does not depend on which token is fed.
        Arrays.fill(tok, 3 + s % (info.programVocab() - 3));
        if (together) {
          List<int[]> tokens = new ArrayList<>(decoders);
          for (int i = 0; i < decoders; i++) {
            tokens.add(tok);
          }
          model.stepAll(ds, tokens);
        } else {
          for (Decoder d : ds) {
            model.stepAll(List.of(d), List.of(tok));
          }
        }
      }
      long wall = System.nanoTime() - t0;
      return new long[] {wall, processCpu() - c0};
    } finally {
      ds.forEach(Decoder::close);
    }
  }

  /** A valid latent code for decoder {@code i} (empty for a model without latents). */
  private static int[] latentCode(ModelInfo info, int i) {
    if (!info.hasLatents()) {
      return new int[0];
    }
    int codes = info.latentVocab() - 3;
    int length = Math.max(1, Math.min(6, info.maxLatentLength() - 1));
    int[] code = new int[length];
    for (int j = 0; j < length; j++) {
      code[j] = 3 + (i * 7 + j) % codes;
    }
    return code;
  }

  private static long min(long[] xs) {
    return Arrays.stream(xs).min().orElseThrow();
  }

  private static long processCpu() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    throw new IllegalStateException("this JVM does not report process CPU time (com.sun.management is missing)");
  }
}
