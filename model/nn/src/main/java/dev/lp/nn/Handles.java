package dev.lp.nn;

import ai.djl.ndarray.NDManager;
import java.util.Objects;

/** What the synthesis ports' handles share: native memory owned once, and the checks on their arguments. */
final class Handles {
  private Handles() {}

  /** An object owning one NDManager, freed by the first {@link #close}. */
  abstract static class Owned implements AutoCloseable {
    final NDManager m;
    private final String what;
    private boolean closed;

    /** {@code what} names the object in errors ("decoder", "spec", "synthesis model"). */
    Owned(NDManager m, String what) {
      this.m = m;
      this.what = what;
    }

    boolean isClosed() {
      return closed;
    }

    /** IllegalStateException once closed. */
    void checkOpen() {
      if (closed) {
        throw new IllegalStateException(what + " is closed");
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        m.close();
      }
    }
  }

  /** One token per row, each in 0..vocab-1. */
  static void checkTokens(int[] tokens, int rows, int vocab) {
    if (tokens == null || tokens.length != rows) {
      throw new IllegalArgumentException("step needs one token per row (" + rows + "), got "
          + (tokens == null ? "null" : tokens.length));
    }
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= vocab) {
        throw new IllegalArgumentException("token " + tokens[i] + " of row " + i + " is outside 0.." + (vocab - 1));
      }
    }
  }

  /**
   * The state rows a beam reorder keeps: each parent row in 0..rows-1 stands for {@code groups}
   * consecutive state rows (one per example where a row is decoded per example), in order.
   */
  static long[] keptRows(int[] parents, int rows, int groups) {
    Objects.requireNonNull(parents, "parents");
    if (parents.length == 0) {
      throw new IllegalArgumentException("reorder needs at least one parent row");
    }
    long[] idx = new long[parents.length * groups];
    for (int i = 0; i < parents.length; i++) {
      if (parents[i] < 0 || parents[i] >= rows) {
        throw new IllegalArgumentException("parent " + parents[i] + " at " + i + " is outside 0.." + (rows - 1));
      }
      for (int g = 0; g < groups; g++) {
        idx[i * groups + g] = (long) parents[i] * groups + g;
      }
    }
    return idx;
  }

  /**
   * Log-probabilities of logits [rows, vocab] as one float array per row (a log-softmax over the
   * last axis, copied out once): what every decoder's step returns.
   */
  static float[][] logProbRows(ai.djl.ndarray.NDArray logits, int rows, int vocab) {
    float[] flat = logits.logSoftmax(-1).toFloatArray();
    float[][] out = new float[rows][vocab];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * vocab, out[r], 0, vocab);
    }
    return out;
  }
}
