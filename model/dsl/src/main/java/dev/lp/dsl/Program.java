package dev.lp.dsl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A program: Concat of one or more expressions (the sampler uses 1..10; longer is allowed for
 * generalization tests). Immutable; {@link #apply} joins the expressions' results.
 */
public record Program(List<Expr> expressions) {
  public Program {
    if (expressions == null) {
      throw new DslException("Program: expression list is null");
    }
    if (expressions.isEmpty()) {
      throw new DslException("Program: needs at least one expression");
    }
    List<Expr> copy = new ArrayList<>(expressions.size());
    for (int k = 0; k < expressions.size(); k++) {
      Expr e = expressions.get(k);
      if (e == null) {
        throw new DslException("Program: expression " + k + " is null", k);
      }
      copy.add(e);
    }
    expressions = Collections.unmodifiableList(copy);
  }

  /** A program of the given expressions. */
  public static Program of(Expr... expressions) {
    if (expressions == null) {
      throw new DslException("Program: expression array is null");
    }
    return new Program(Arrays.asList(expressions));
  }

  /** Concat: each expression applied to input, results joined. */
  public String apply(String input) {
    if (input == null) {
      throw new DslException("Program.apply: input is null");
    }
    List<Expr> es = expressions;
    int n = es.size();
    if (n == 1) {
      return es.get(0).apply(input);
    }
    StringBuilder sb = new StringBuilder(input.length() * 2);
    for (int k = 0; k < n; k++) {
      sb.append(es.get(k).apply(input));
    }
    return sb.toString();
  }

  /** Number of expressions. */
  public int size() {
    return expressions.size();
  }

  @Override
  public String toString() {
    return ProgramText.print(this);
  }
}
