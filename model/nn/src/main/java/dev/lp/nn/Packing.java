package dev.lp.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How the I/O encoder lays out a batch of strings that arrives padded to its longest, as index
 * arrays (pure: no DJL). Sampled strings vary from a few characters to 100, so that padding is
 * about 1.6x the real tokens, and attention, which costs the square of the padded length, pays
 * more. Position-wise work (projections, FFN, norms, dropout) therefore runs on the N real tokens
 * only ("packed"), and attention runs per bucket: rows of similar length, each bucket padded only
 * to its own longest row.
 *
 * <p>Packed order is bucket by bucket, rows within a bucket by length, tokens in order, so the
 * packed outputs of the buckets, concatenated, are in packed order again.
 */
final class Packing {
  /**
   * Rows of one attention layout: {@code rows} padded to {@code len}; scatter [rows*len] gives the
   * packed index of each slot or {@code count} (a zero row) for a pad, valid [n] the slots that hold
   * tokens in packed order, mask [rows*len] 0 for a token and {@link Net#NEG} for a pad.
   */
  record Layout(int[] rows, int len, long[] scatter, long[] valid, float[] mask) {}

  final int rows;
  final int len;
  final int count;
  /** [count] flat index r*len+t in the padded input of each packed token. */
  final long[] source;
  /** [count] position t of each packed token. */
  final long[] positions;
  /** [rows*len] packed index of each slot of the padded input, or count for a pad. */
  final long[] restore;
  final List<Layout> buckets;
  private final int[] lengths;
  private final int[] start;

  private Packing(int rows, int len, int[] lengths, int[][] bucketRows) {
    this.rows = rows;
    this.len = len;
    this.lengths = lengths;
    this.start = new int[rows];
    int n = 0;
    for (int[] bucket : bucketRows) {
      for (int r : bucket) {
        start[r] = n;
        n += lengths[r];
      }
    }
    this.count = n;
    this.source = new long[n];
    this.positions = new long[n];
    this.restore = new long[rows * len];
    Arrays.fill(restore, n);
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < lengths[r]; t++) {
        source[start[r] + t] = (long) r * len + t;
        positions[start[r] + t] = t;
        restore[r * len + t] = start[r] + t;
      }
    }
    List<Layout> bs = new ArrayList<>();
    for (int[] bucket : bucketRows) {
      bs.add(layout(bucket));
    }
    this.buckets = List.copyOf(bs);
  }

  /**
   * Packs ids [rows*len] (0 = pad, pads only after a row's tokens) into at most {@code buckets}
   * attention buckets of nearly equal row counts.
   */
  static Packing of(int[] ids, int rows, int len, int buckets) {
    if (rows <= 0 || len <= 0 || ids.length != rows * len) {
      throw new IllegalArgumentException("cannot pack " + ids.length + " ids as " + rows + " rows of " + len);
    }
    if (buckets <= 0) {
      throw new IllegalArgumentException("buckets must be positive, got " + buckets);
    }
    int[] lengths = new int[rows];
    for (int r = 0; r < rows; r++) {
      int t = 0;
      while (t < len && ids[r * len + t] != 0) {
        t++;
      }
      for (int u = t; u < len; u++) {
        if (ids[r * len + u] != 0) {
          throw new IllegalArgumentException("row " + r + " has a token after padding at " + u);
        }
      }
      lengths[r] = t;
    }
    int k = Math.min(buckets, rows);
    int[] byLength = IntStream.range(0, rows).boxed().sorted(Comparator.comparingInt(r -> lengths[r]))
        .mapToInt(Integer::intValue).toArray();
    int[][] bucketRows = new int[k][];
    for (int b = 0; b < k; b++) {
      bucketRows[b] = Arrays.copyOfRange(byLength, b * rows / k, (b + 1) * rows / k);
    }
    return new Packing(rows, len, lengths, bucketRows);
  }

  /**
   * The given rows, in that order, padded to the longest of them (at least 1): used for a
   * bucket's own attention and, from another packing, for cross-attention to these rows.
   */
  Layout layout(int[] rowsInOrder) {
    int width = 1;
    for (int r : rowsInOrder) {
      width = Math.max(width, lengths[r]);
    }
    int n = rowsInOrder.length;
    long[] scatter = new long[n * width];
    float[] mask = new float[n * width];
    Arrays.fill(scatter, count);
    Arrays.fill(mask, Net.NEG);
    int tokens = 0;
    for (int r : rowsInOrder) {
      tokens += lengths[r];
    }
    long[] valid = new long[tokens];
    for (int i = 0, v = 0; i < n; i++) {
      int r = rowsInOrder[i];
      for (int t = 0; t < lengths[r]; t++) {
        scatter[i * width + t] = start[r] + t;
        mask[i * width + t] = 0f;
        valid[v++] = (long) i * width + t;
      }
    }
    return new Layout(rowsInOrder.clone(), width, scatter, valid, mask);
  }

  /**
   * Consecutive groups of {@code group} rows (one task's examples) with their tokens concatenated
   * without padding in between, each group padded at the end to the longest concatenation (at
   * least 1): the "concat" example memory of the decoders. Attention does not depend on the order
   * of its keys, so this equals the examples padded one by one, with fewer keys to project and
   * attend to.
   */
  Layout concatenated(int group) {
    if (group <= 0 || rows % group != 0) {
      throw new IllegalArgumentException(rows + " rows do not form groups of " + group);
    }
    int groups = rows / group;
    int width = 1;
    for (int g = 0; g < groups; g++) {
      int sum = 0;
      for (int r = g * group; r < (g + 1) * group; r++) {
        sum += lengths[r];
      }
      width = Math.max(width, sum);
    }
    long[] scatter = new long[groups * width];
    float[] mask = new float[groups * width];
    Arrays.fill(scatter, count);
    Arrays.fill(mask, Net.NEG);
    long[] valid = new long[count];
    int v = 0;
    for (int g = 0; g < groups; g++) {
      int at = g * width;
      for (int r = g * group; r < (g + 1) * group; r++) {
        for (int t = 0; t < lengths[r]; t++, at++) {
          scatter[at] = start[r] + t;
          mask[at] = 0f;
          valid[v++] = at;
        }
      }
    }
    return new Layout(IntStream.range(0, groups).toArray(), width, scatter, valid, mask);
  }
}
