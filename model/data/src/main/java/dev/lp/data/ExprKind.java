package dev.lp.data;

import dev.lp.dsl.*;
import java.util.List;
import java.util.Objects;

/**
 * The four top-level choices of the sampler (DSL.md): a substring op, a nesting op, a Compose or
 * a ConstStr. The later ops (Substitute, SubstituteAll, Remove, RemoveAll) count as nesting ops
 * since they transform a string the same way, though this sampler never draws them.
 */
public enum ExprKind {
  SUBSTRING, NESTING, COMPOSE, CONST_STR;

  /** The ops of each kind in DSL token order, one representative instance each (for names and token lengths). */
  static final List<Expr> SUBSTRING_OPS = List.of(
      new SubStr(1, 2),
      new GetSpan(Regex.of(Type.WORD), 1, Boundary.START, Regex.of(Type.WORD), 1, Boundary.END));

  static final List<Expr> NESTING_OPS = List.of(
      new GetToken(Type.WORD, 1), new ToCase(Case.LOWER), new Replace(',', '.'), new Trim(),
      new GetUpto(Regex.of(Type.WORD)), new GetFrom(Regex.of(Type.WORD)),
      new GetFirst(Type.WORD, 1), new GetAll(Type.WORD));

  /** The kind of a top-level expression. */
  public static ExprKind of(Expr expr) {
    Objects.requireNonNull(expr, "expr");
    if (expr instanceof SubStr || expr instanceof GetSpan) {
      return SUBSTRING;
    }
    if (expr instanceof Compose) {
      return COMPOSE;
    }
    if (expr instanceof ConstStr) {
      return CONST_STR;
    }
    return NESTING;
  }

  /** The op's name as in the token table, e.g. "GetSpan". */
  public static String opName(Expr expr) {
    return Objects.requireNonNull(expr, "expr").getClass().getSimpleName();
  }
}
