package dev.lp.dsl;

/**
 * One DSL expression (an element of a {@link Program}'s Concat). {@link #apply} evaluates it on an
 * input string with exactly the reference semantics of DSL.md; it never throws for a non-null input.
 * Inputs are meant to be over {@link Alphabet}; other characters match no type except by identity and
 * case mapping is ASCII-only.
 */
public sealed interface Expr permits ConstStr, SubStr, GetSpan, GetToken, ToCase, Replace, Trim,
    GetUpto, GetFrom, GetFirst, GetAll, Substitute, SubstituteAll, Remove, RemoveAll, Compose {

  /** Evaluates this expression on s. */
  String apply(String s);

  /**
   * Whether this is a nesting op, allowed as Compose's outer (and inner) expression: GetToken, ToCase,
   * Replace, Trim, GetUpto, GetFrom, GetFirst, GetAll and the four later ops Substitute, SubstituteAll,
   * Remove, RemoveAll.
   */
  default boolean isNesting() {
    return !(this instanceof ConstStr || this instanceof SubStr || this instanceof GetSpan
        || this instanceof Compose);
  }

  /** Whether this is a substring op (SubStr, GetSpan), allowed only as Compose's inner expression. */
  default boolean isSubstring() {
    return this instanceof SubStr || this instanceof GetSpan;
  }
}
