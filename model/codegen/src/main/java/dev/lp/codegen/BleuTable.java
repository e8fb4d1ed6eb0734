package dev.lp.codegen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The paper's Table 3 measure for one model: the best BLEU among the beams ({@link Bleu#bestOf} on
 * {@link Bleu#tokens}), averaged over the test pairs, times 100, at each beam size; and the table
 * beside the paper's numbers. The search runs once per beam size (a beam of 10 is not the first 10
 * of a beam of 100), so each size is added on its own.
 */
public final class BleuTable {

  /** Table 3 of the paper: BLEU at B = 1, 10, 100, by the row names used here. */
  public static final Map<String, double[]> PAPER = paper();

  private static Map<String, double[]> paper() {
    Map<String, double[]> m = new LinkedHashMap<>();
    m.put("lstm", new double[] {11.4, 14.8, 16.0});
    m.put("baseline", new double[] {12.1, 15.5, 17.2});
    m.put("lp", new double[] {14.0, 18.6, 21.3});
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The paper's beam sizes, the columns of {@link #PAPER}. */
  public static final int[] PAPER_BEAMS = {1, 10, 100};

  private static final Map<String, String> ROW_NAMES = Map.of(
      "lstm", "RobustFill [LSTM]", "baseline", "RobustFill [Transformer]", "lp", "Latent Programmer");

  private final Map<Integer, double[]> sums = new TreeMap<>(); // beams -> {sum of best BLEU, pairs}

  /** Adds one test pair searched with {@code beams} beams: its reference code and the decoded beams. */
  public void add(int beams, String reference, List<String> decoded) {
    if (beams < 1) {
      throw new IllegalArgumentException("beams must be >= 1, got " + beams);
    }
    List<List<String>> candidates = new ArrayList<>();
    for (String d : decoded) {
      candidates.add(Bleu.tokens(d));
    }
    double[] s = sums.computeIfAbsent(beams, b -> new double[2]);
    s[0] += Bleu.bestOf(candidates, Bleu.tokens(reference));
    s[1]++;
  }

  /** The mean best-beam BLEU at {@code beams}, times 100. */
  public double mean(int beams) {
    double[] s = sums.get(beams);
    if (s == null) {
      throw new IllegalArgumentException("no pair was added with " + beams + " beams");
    }
    return 100 * s[0] / s[1];
  }

  /** How many pairs were added at {@code beams}. */
  public int pairs(int beams) {
    double[] s = sums.get(beams);
    return s == null ? 0 : (int) s[1];
  }

  /**
   * Table 3's layout, one row per model kind ("lstm", "baseline", "lp") measured here and the
   * paper's row beside it, columns the paper's beam sizes; a size not measured shows "-".
   */
  public static String markdown(Map<String, BleuTable> byKind) {
    StringBuilder s = new StringBuilder("| method | B = 1 | 10 | 100 | paper: B = 1 | 10 | 100 |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (var e : byKind.entrySet()) {
      String name = ROW_NAMES.get(e.getKey());
      if (name == null) {
        throw new IllegalArgumentException("no Table 3 row for model kind " + e.getKey());
      }
      s.append("| ").append(name);
      for (int b : PAPER_BEAMS) {
        s.append(" | ").append(e.getValue().pairs(b) == 0 ? "-" : String.format(Locale.ROOT, "%.1f",
            e.getValue().mean(b)));
      }
      for (double p : PAPER.get(e.getKey())) {
        s.append(" | ").append(String.format(Locale.ROOT, "%.1f", p));
      }
      s.append(" |\n");
    }
    return s.toString();
  }
}
