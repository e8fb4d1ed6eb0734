package dev.lp.data;

import dev.lp.dsl.*;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Accumulates the shape of a sample of tasks (expression counts, top-level kinds and ops, token
 * and string lengths) and states what the sampler's draws imply before rejection, so a report
 * can put observed next to expected and show where rejection sampling skews the distribution.
 * Not thread-safe: one accumulator per thread, or feed it from one thread.
 */
public final class SampleStatistics {

  private final SamplerConfig config;
  private final long[] expressionCounts;
  private final EnumMap<ExprKind, Long> kinds = new EnumMap<>(ExprKind.class);
  /** [n][kind]: top-level kind counts among programs of n expressions. */
  private final long[][] kindsByLength;
  private final Map<String, Long> ops = new LinkedHashMap<>();
  private long tasks;
  private long expressions;
  private long programTokens;
  private long inputChars;
  private long outputChars;
  private long inputStrings;

  public SampleStatistics(SamplerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.expressionCounts = new long[config.maxExpressions() + 1];
    this.kindsByLength = new long[config.maxExpressions() + 1][ExprKind.values().length];
    for (ExprKind k : ExprKind.values()) {
      kinds.put(k, 0L);
    }
    for (Expr e : ExprKind.SUBSTRING_OPS) {
      ops.put(ExprKind.opName(e), 0L);
    }
    for (Expr e : ExprKind.NESTING_OPS) {
      ops.put(ExprKind.opName(e), 0L);
    }
    ops.put("Compose", 0L);
    ops.put("ConstStr", 0L);
  }

  /** Adds one task; its expression count must be within the config's limits. */
  public void add(Task task) {
    int n = task.program().expressions().size();
    if (n < 1 || n >= expressionCounts.length) {
      throw new IllegalArgumentException("task has " + n + " expressions, outside 1.."
          + config.maxExpressions() + " of the config these statistics are for");
    }
    tasks++;
    expressions += n;
    expressionCounts[n]++;
    for (Expr e : task.program().expressions()) {
      kinds.merge(ExprKind.of(e), 1L, Long::sum);
      kindsByLength[n][ExprKind.of(e).ordinal()]++;
      ops.merge(ExprKind.opName(e), 1L, Long::sum);
    }
    programTokens += Tokens.encode(task.program()).length;
    for (String s : task.inputs()) {
      inputChars += s.length();
      inputStrings++;
    }
    for (String s : task.outputs()) {
      outputChars += s.length();
    }
  }

  /** The config's maxExpressions: the largest n {@link #tasksWithExpressions} can count. */
  public int maxExpressions() {
    return config.maxExpressions();
  }

  public long tasks() {
    return tasks;
  }

  /** How many tasks had exactly n expressions (n = 0..maxExpressions). */
  public long tasksWithExpressions(int n) {
    return n >= 0 && n < expressionCounts.length ? expressionCounts[n] : 0;
  }

  public double meanExpressions() {
    return tasks == 0 ? 0 : (double) expressions / tasks;
  }

  /** Mean program length in tokens as Tokens.encode gives it (EOS included). */
  public double meanProgramTokens() {
    return tasks == 0 ? 0 : (double) programTokens / tasks;
  }

  public double meanInputLength() {
    return inputStrings == 0 ? 0 : (double) inputChars / inputStrings;
  }

  public double meanOutputLength() {
    return inputStrings == 0 ? 0 : (double) outputChars / inputStrings;
  }

  /** Share of top-level expressions of this kind. */
  public double kindFrequency(ExprKind kind) {
    return expressions == 0 ? 0 : (double) kinds.get(kind) / expressions;
  }

  /** Share of top-level expressions of this kind among programs of exactly n expressions (0 when none). */
  public double kindFrequency(int n, ExprKind kind) {
    if (n < 1 || n >= expressionCounts.length || expressionCounts[n] == 0) {
      return 0;
    }
    return (double) kindsByLength[n][kind.ordinal()] / (expressionCounts[n] * n);
  }

  /** Top-level op names (SubStr, GetSpan, the 8 nesting ops, Compose, ConstStr) in that order, with counts. */
  public Map<String, Long> opCounts() {
    return Collections.unmodifiableMap(ops);
  }

  /** Share of top-level expressions that are this op. */
  public double opFrequency(String op) {
    return expressions == 0 ? 0 : (double) ops.getOrDefault(op, 0L) / expressions;
  }

  // ------------------------------------------------- what the draws imply before any rejection

  /** Uniform n in min..max. */
  public double expectedMeanExpressions() {
    return (config.minExpressions() + config.maxExpressions()) / 2.0;
  }

  /** 1/(max-min+1) for n in min..max. */
  public double expectedExpressionShare(int n) {
    return n < config.minExpressions() || n > config.maxExpressions()
        ? 0 : 1.0 / (config.maxExpressions() - config.minExpressions() + 1);
  }

  /** Each kind is drawn with p=1/4. */
  public static double expectedKindFrequency(ExprKind kind) {
    return 0.25;
  }

  /** Substring ops 1/4 × 1/2, nesting ops 1/4 × 1/8, Compose and ConstStr 1/4. */
  public static double expectedOpFrequency(String op) {
    for (Expr e : ExprKind.SUBSTRING_OPS) {
      if (ExprKind.opName(e).equals(op)) {
        return 0.25 / ExprKind.SUBSTRING_OPS.size();
      }
    }
    for (Expr e : ExprKind.NESTING_OPS) {
      if (ExprKind.opName(e).equals(op)) {
        return 0.25 / ExprKind.NESTING_OPS.size();
      }
    }
    return op.equals("Compose") || op.equals("ConstStr") ? 0.25 : 0;
  }

  /**
   * Mean program tokens if no draw were ever rejected: mean n × mean tokens per expression + EOS,
   * with token lengths taken from {@link Tokens#encode(Expr)} rather than restated here.
   */
  public double expectedMeanProgramTokens() {
    double substring = meanTokens(ExprKind.SUBSTRING_OPS.toArray(Expr[]::new));
    double nesting = meanTokens(ExprKind.NESTING_OPS.toArray(Expr[]::new));
    Expr probe = ExprKind.NESTING_OPS.get(0);
    int composeOverhead = Tokens.encode(new Compose(probe, probe)).length - 2 * Tokens.encode(probe).length;
    double compose = composeOverhead + nesting + (nesting + substring) / 2;
    double constStr = Tokens.encode(new ConstStr('a')).length;
    double perExpression = (substring + nesting + compose + constStr) / 4;
    Expr one = new ConstStr('a');
    int programOverhead = Tokens.encode(new Program(List.of(one))).length - Tokens.encode(one).length;
    return expectedMeanExpressions() * perExpression + programOverhead;
  }

  private static double meanTokens(Expr... exprs) {
    double sum = 0;
    for (Expr e : exprs) {
      sum += Tokens.encode(e).length;
    }
    return sum / exprs.length;
  }
}
