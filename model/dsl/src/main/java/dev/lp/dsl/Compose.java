package dev.lp.dsl;

/**
 * Compose(outer, inner) = outer(inner(s)). Outer must be a nesting op ({@link Expr#isNesting()}); inner a
 * nesting or substring op (never ConstStr or Compose).
 */
public record Compose(Expr outer, Expr inner) implements Expr {
  public Compose {
    Check.notNull("Compose", "outer", outer);
    Check.notNull("Compose", "inner", inner);
    if (!outer.isNesting()) {
      throw new DslException("Compose: outer must be a nesting op (GetToken, ToCase, Replace, Trim, GetUpto, "
          + "GetFrom, GetFirst, GetAll, Substitute, SubstituteAll, Remove, RemoveAll), got "
          + outer.getClass().getSimpleName());
    }
    if (!(inner.isNesting() || inner.isSubstring())) {
      throw new DslException("Compose: inner must be a nesting op or SubStr/GetSpan, got "
          + inner.getClass().getSimpleName());
    }
  }

  @Override
  public String apply(String s) {
    return outer.apply(inner.apply(s));
  }
}
