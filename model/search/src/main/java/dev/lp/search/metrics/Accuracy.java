package dev.lp.search.metrics;

import dev.lp.search.Candidate;
import dev.lp.search.Consistency;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Accuracy at B, as in the paper: a task is solved when any of the first B returned programs
 * reproduces every example output, overall and by ground-truth program length (Fig. 3b).
 */
public final class Accuracy {

  private Accuracy() {}

  /**
   * A fraction solved/total.
   *
   * @param solved tasks solved, 0 ≤ solved ≤ total
   * @param total tasks counted
   */
  public record Rate(int solved, int total) {
    public Rate {
      if (total < 0 || solved < 0 || solved > total) {
        throw new IllegalArgumentException("rate needs 0 <= solved <= total, got " + solved + "/" + total);
      }
    }

    /** solved / total, or NaN for no tasks (an accuracy of nothing is undefined, not 0). */
    public double value() {
      return total == 0 ? Double.NaN : (double) solved / total;
    }

    Rate plus(boolean s) {
      return new Rate(solved + (s ? 1 : 0), total + 1);
    }
  }

  /**
   * One evaluated task.
   *
   * @param programLength length of the ground-truth program (the paper uses its number of
   *     expressions), ≥ 1
   * @param solved whether some returned program was consistent
   */
  public record TaskScore(int programLength, boolean solved) {
    public TaskScore {
      if (programLength < 1) {
        throw new IllegalArgumentException("program length must be >= 1, got " + programLength);
      }
    }
  }

  /**
   * Accuracy overall and per program length.
   *
   * @param overall all tasks
   * @param byLength per ground-truth length, ascending
   */
  public record Summary(Rate overall, SortedMap<Integer, Rate> byLength) {
    public Summary {
      byLength = Collections.unmodifiableSortedMap(new TreeMap<>(byLength));
    }
  }

  /**
   * Whether any of the first {@code beamSize} candidates is consistent with the examples.
   *
   * @throws IllegalArgumentException for beamSize &lt; 1, null candidates or malformed examples
   */
  public static boolean solved(List<Candidate> candidates, int beamSize, List<String> inputs, List<String> outputs) {
    if (beamSize < 1) {
      throw new IllegalArgumentException("beam size must be >= 1, got " + beamSize);
    }
    if (candidates == null) {
      throw new IllegalArgumentException("candidates are null");
    }
    Consistency.checkExamples(inputs, outputs);
    int n = Math.min(beamSize, candidates.size());
    for (int i = 0; i < n; i++) {
      if (Consistency.consistent(candidates.get(i), inputs, outputs)) {
        return true;
      }
    }
    return false;
  }

  /** Overall and per-length accuracy of the scored tasks. */
  public static Summary summarize(List<TaskScore> scores) {
    if (scores == null) {
      throw new IllegalArgumentException("scores are null");
    }
    Rate overall = new Rate(0, 0);
    TreeMap<Integer, Rate> byLength = new TreeMap<>();
    for (TaskScore s : scores) {
      if (s == null) {
        throw new IllegalArgumentException("a task score is null");
      }
      overall = overall.plus(s.solved());
      byLength.put(s.programLength(), byLength.getOrDefault(s.programLength(), new Rate(0, 0)).plus(s.solved()));
    }
    return new Summary(overall, byLength);
  }
}
