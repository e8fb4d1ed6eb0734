package dev.lp.eval;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The diversity measure of the paper's Figure 5a (after Vijayakumar et al., 2018): the number of
 * distinct n-grams over a set of returned beams, divided by the total number of tokens in them.
 *
 * <p>n-grams are taken inside each sequence (never across two) and counted once over the whole set;
 * the denominator is the same total token count for every n, so long programs do not look diverse
 * merely by being long. An empty set (or one with no tokens) has ratio 0.
 */
public final class NGrams {

  private NGrams() {}

  /**
   * Distinct n-grams over {@code sequences} divided by their total token count.
   *
   * @throws IllegalArgumentException if {@code n < 1} or a sequence is null
   */
  public static double distinctRatio(List<int[]> sequences, int n) {
    long tokens = totalTokens(sequences);
    return tokens == 0 ? 0.0 : distinctCount(sequences, n) / (double) tokens;
  }

  /** {@link #distinctRatio} for n = 1..maxN, element n-1 for n. */
  public static double[] distinctRatios(List<int[]> sequences, int maxN) {
    if (maxN < 1) {
      throw new IllegalArgumentException("maxN must be >= 1, got " + maxN);
    }
    double[] out = new double[maxN];
    for (int n = 1; n <= maxN; n++) {
      out[n - 1] = distinctRatio(sequences, n);
    }
    return out;
  }

  /** Number of distinct n-grams over the set (each sequence contributes its length-n windows). */
  public static int distinctCount(List<int[]> sequences, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n-gram order must be >= 1, got " + n);
    }
    checkSequences(sequences);
    Set<List<Integer>> seen = new HashSet<>();
    for (int[] s : sequences) {
      for (int i = 0; i + n <= s.length; i++) {
        seen.add(Arrays.stream(s, i, i + n).boxed().toList());
      }
    }
    return seen.size();
  }

  /** Sum of the sequence lengths. */
  public static long totalTokens(List<int[]> sequences) {
    checkSequences(sequences);
    long total = 0;
    for (int[] s : sequences) {
      total += s.length;
    }
    return total;
  }

  private static void checkSequences(List<int[]> sequences) {
    if (sequences == null) {
      throw new IllegalArgumentException("sequences are null");
    }
    for (int i = 0; i < sequences.size(); i++) {
      if (sequences.get(i) == null) {
        throw new IllegalArgumentException("sequence " + i + " is null");
      }
    }
  }
}
