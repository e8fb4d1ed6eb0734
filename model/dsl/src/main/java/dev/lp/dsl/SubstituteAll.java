package dev.lp.dsl;

/**
 * SubstituteAll(t, c): for each match of t in the input, in order, replaces the first textual occurrence
 * of its text in the already-changed string by c (reference semantics).
 */
public record SubstituteAll(Type t, char c) implements Expr {
  public SubstituteAll {
    Check.notNull("SubstituteAll", "t", t);
    Check.character("SubstituteAll", "c", c);
  }

  @Override
  public String apply(String s) {
    return RemoveAll.replaceEach(t, s, String.valueOf(c));
  }
}
