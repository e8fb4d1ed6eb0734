package dev.lp.codegen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BLEU (Papineni et al. 2002) as the paper's section 5.3 uses it: the geometric mean of the
 * modified (clipped) n-gram precisions for n = 1..4, times the brevity penalty
 * {@code BP = 1 if c > r else exp(1 - r/c)} (c, r: candidate and reference lengths), one reference.
 *
 * <p>The paper scores each example by the best BLEU among its beams, which needs a score per
 * sentence: {@link #sentence} smooths as Lin and Och (2004) do, adding one to the matches and to the
 * total for n = 2..4 (unigrams unsmoothed), so a short program with no 4-gram in common is not 0
 * while a program sharing no token with the reference still is. {@link #bestOf} is that best score
 * over beams; the table reports its mean over the test examples, times 100. {@link #corpus} is the
 * unsmoothed corpus-level BLEU (clipped counts and lengths summed over all pairs), for comparison.
 *
 * <p>Scores are in [0, 1]. Tokens are compared as given; {@link #tokens} splits code into the tokens
 * both sides are scored on.
 */
public final class Bleu {
  public static final int MAX_N = 4;
  private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}_]+|\\S");

  private Bleu() {}

  /**
   * The lexical tokens of code: identifier, keyword and number runs ({@code [letters digits _]+}),
   * and every other non-space character alone; whitespace and indentation are not scored.
   */
  public static List<String> tokens(String code) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(code);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** Smoothed sentence BLEU of one candidate against one reference (see the class comment). */
  public static double sentence(List<String> candidate, List<String> reference) {
    if (candidate.isEmpty() || reference.isEmpty()) {
      return 0;
    }
    double logSum = 0;
    for (int n = 1; n <= MAX_N; n++) {
      long[] mt = matches(candidate, reference, n);
      double p = n == 1 ? (double) mt[0] / mt[1] : (mt[0] + 1.0) / (mt[1] + 1.0);
      if (p == 0) {
        return 0;
      }
      logSum += Math.log(p);
    }
    return brevityPenalty(candidate.size(), reference.size()) * Math.exp(logSum / MAX_N);
  }

  /** The best {@link #sentence} score among beams (0 when there are none). */
  public static double bestOf(List<List<String>> beams, List<String> reference) {
    double best = 0;
    for (List<String> b : beams) {
      best = Math.max(best, sentence(b, reference));
    }
    return best;
  }

  /** Unsmoothed corpus BLEU: clipped matches, totals and lengths summed over the pairs. */
  public static double corpus(List<List<String>> candidates, List<List<String>> references) {
    if (candidates.size() != references.size()) {
      throw new IllegalArgumentException(candidates.size() + " candidates for " + references.size() + " references");
    }
    long[] matched = new long[MAX_N + 1];
    long[] total = new long[MAX_N + 1];
    long c = 0;
    long r = 0;
    for (int i = 0; i < candidates.size(); i++) {
      c += candidates.get(i).size();
      r += references.get(i).size();
      for (int n = 1; n <= MAX_N; n++) {
        long[] mt = matches(candidates.get(i), references.get(i), n);
        matched[n] += mt[0];
        total[n] += mt[1];
      }
    }
    double logSum = 0;
    for (int n = 1; n <= MAX_N; n++) {
      if (matched[n] == 0) {
        return 0;
      }
      logSum += Math.log((double) matched[n] / total[n]);
    }
    return brevityPenalty(c, r) * Math.exp(logSum / MAX_N);
  }

  /** {@code 1} when the candidate is longer than the reference, else {@code exp(1 - r/c)}; 0 for an empty candidate. */
  static double brevityPenalty(long c, long r) {
    if (c == 0) {
      return 0;
    }
    return c > r ? 1 : Math.exp(1 - (double) r / c);
  }

  /** {clipped n-gram matches, candidate n-grams}. */
  static long[] matches(List<String> candidate, List<String> reference, int n) {
    Map<List<String>, Integer> ref = ngrams(reference, n);
    long matched = 0;
    for (Map.Entry<List<String>, Integer> e : ngrams(candidate, n).entrySet()) {
      matched += Math.min(e.getValue(), ref.getOrDefault(e.getKey(), 0));
    }
    return new long[] {matched, Math.max(0, candidate.size() - n + 1)};
  }

  private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
    Map<List<String>, Integer> m = new HashMap<>();
    for (int i = 0; i + n <= tokens.size(); i++) {
      m.merge(tokens.subList(i, i + n), 1, Integer::sum);
    }
    return m;
  }
}
