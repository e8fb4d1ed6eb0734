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
 * Direct model-level measurement of batched decoding: for each of {@code tasks} requests (encoded
 * tasks), {@code decoders} program decoders with {@code rows} beam rows each advance {@code steps}
 * tokens, either all together through one {@code stepAll} call per step, or one decoder per call.
 * Request t's decoders start t tokens ahead, so lengths differ across requests as they do in the
 * engine. Same rows, same tokens, same number of steps; only the grouping differs, so the ratio is
 * what batching buys.
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
  public record Result(int tasks, int decoders, int rows, int steps, int rounds, long batchedNanos, long aloneNanos,
      long batchedCpuNanos, long aloneCpuNanos) {

    /** The same ratio in process CPU time, which time stolen by other processes does not inflate. */
    public double cpuRatio() {
      return (double) aloneCpuNanos / Math.max(1, batchedCpuNanos);
    }


    /** Decoder steps (one decoder advancing one token, all its rows) per second, batched. */
    public double batchedStepsPerSecond() {
      return (double) tasks * decoders * steps / (batchedNanos / 1e9);
    }

    /** Decoder steps per second, one decoder per forward call. */
    public double aloneStepsPerSecond() {
      return (double) tasks * decoders * steps / (aloneNanos / 1e9);
    }

    /** All decoders of one round. */
    public int totalDecoders() {
      return tasks * decoders;
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
  public static Result measure(SynthesisModel model, List<Task> tasks, int decoders, int rows, int steps, int rounds) {
    ModelInfo info = model.info();
    if (tasks.isEmpty() || decoders < 1 || rows < 1 || rounds < 1) {
      throw new IllegalArgumentException("tasks, decoders, rows and rounds must be >= 1, got "
          + tasks.size() + ", " + decoders + ", " + rows + ", " + rounds);
    }
    if (steps < 1 || steps + tasks.size() > info.maxProgramLength() - 1) {
      throw new IllegalArgumentException("steps plus tasks must be at most " + (info.maxProgramLength() - 1) + ", got "
          + steps + " + " + tasks.size());
    }
    List<Spec> specs = new ArrayList<>();
    try {
      for (Task t : tasks) {
        specs.add(model.encode(t.inputs(), t.outputs()));
      }
      round(model, specs, decoders, rows, steps, true);
      round(model, specs, decoders, rows, steps, false);
      long[] batched = new long[rounds];
      long[] alone = new long[rounds];
      long[] batchedCpu = new long[rounds];
      long[] aloneCpu = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        long[] b = round(model, specs, decoders, rows, steps, true);
        long[] a = round(model, specs, decoders, rows, steps, false);
        batched[r] = b[0];
        batchedCpu[r] = b[1];
        alone[r] = a[0];
        aloneCpu[r] = a[1];
      }
      return new Result(tasks.size(), decoders, rows, steps, rounds, min(batched), min(alone), min(batchedCpu),
          min(aloneCpu));
    } finally {
      specs.forEach(Spec::close);
    }
  }

  /** {wall nanos, process CPU nanos} of the timed steps. */
  private static long[] round(SynthesisModel model, List<Spec> specs, int decoders, int rows, int steps,
      boolean together) {
    ModelInfo info = model.info();
    List<Decoder> ds = new ArrayList<>();
    try {
      for (int t = 0; t < specs.size(); t++) {
        List<Decoder> mine = new ArrayList<>();
        for (int i = 0; i < decoders; i++) {
          mine.add(model.programDecoder(specs.get(t), new int[][] {latentCode(info, t * decoders + i)}));
        }
        // BOS on the single row each decoder opens with, then fan out to the beam width, as a beam does;
        // request t then runs t tokens ahead of request 0.
        List<int[]> bos = new ArrayList<>();
        mine.forEach(d -> bos.add(new int[] {Tokens.BOS}));
        model.stepAll(mine, bos);
        for (Decoder d : mine) {
          d.reorder(new int[rows]);
        }
        for (int s = 0; s < t; s++) {
          List<int[]> tok = new ArrayList<>();
          for (int i = 0; i < mine.size(); i++) {
            tok.add(filled(rows, 3 + s));
          }
          model.stepAll(mine, tok);
        }
        ds.addAll(mine);
      }
      long c0 = processCpu();
      long t0 = System.nanoTime();
      for (int s = 0; s < steps; s++) {
        // Any non-special id: the cost of a step does not depend on which token is fed.
        int[] tok = filled(rows, 3 + s % (info.programVocab() - 3));
        if (together) {
          List<int[]> tokens = new ArrayList<>(ds.size());
          for (int i = 0; i < ds.size(); i++) {
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

  private static int[] filled(int n, int token) {
    int[] a = new int[n];
    Arrays.fill(a, token);
    return a;
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
