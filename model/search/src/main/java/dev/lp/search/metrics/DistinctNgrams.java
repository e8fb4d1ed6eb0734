package dev.lp.search.metrics;

import dev.lp.dsl.Tokens;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Beam diversity as in the paper's Fig. 5a (after Vijayakumar et al., 2018): the number of
 * distinct token n-grams across one task's returned programs, divided by the total number of
 * tokens in them so that long programs do not look diverse merely by being long.
 *
 * <p>Tokens are program ids without BOS, EOS or PAD; an n-gram never spans two programs.
 */
public final class DistinctNgrams {

  /** The n values the paper reports, 1..4. */
  public static final int MAX_N = 4;

  private DistinctNgrams() {}

  /**
   * Distinct n-grams over total tokens for one task's programs; 0 when they hold no tokens.
   *
   * @throws IllegalArgumentException for n &lt; 1 or a null program list/element
   */
  public static double of(List<int[]> programs, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    if (programs == null) {
      throw new IllegalArgumentException("programs are null");
    }
    Set<List<Integer>> grams = new HashSet<>();
    long tokens = 0;
    for (int i = 0; i < programs.size(); i++) {
      if (programs.get(i) == null) {
        throw new IllegalArgumentException("program " + i + " is null");
      }
      int[] p = strip(programs.get(i));
      tokens += p.length;
      for (int s = 0; s + n <= p.length; s++) {
        grams.add(Arrays.stream(p, s, s + n).boxed().toList());
      }
    }
    return tokens == 0 ? 0.0 : (double) grams.size() / tokens;
  }

  /** {@link #of} for n = 1..4; element n-1 is the n-gram value. */
  public static double[] upTo4(List<int[]> programs) {
    double[] out = new double[MAX_N];
    for (int n = 1; n <= MAX_N; n++) {
      out[n - 1] = of(programs, n);
    }
    return out;
  }

  /** Mean over tasks of {@link #upTo4}; each element of {@code beams} is one task's programs. */
  public static double[] meanUpTo4(List<List<int[]>> beams) {
    if (beams == null || beams.isEmpty()) {
      throw new IllegalArgumentException("need at least one task's programs");
    }
    double[] sum = new double[MAX_N];
    for (List<int[]> b : beams) {
      double[] v = upTo4(b);
      for (int i = 0; i < MAX_N; i++) {
        sum[i] += v[i];
      }
    }
    for (int i = 0; i < MAX_N; i++) {
      sum[i] /= beams.size();
    }
    return sum;
  }

  private static int[] strip(int[] ids) {
    return Arrays.stream(ids).filter(t -> t != Tokens.BOS && t != Tokens.EOS && t != Tokens.PAD).toArray();
  }
}
