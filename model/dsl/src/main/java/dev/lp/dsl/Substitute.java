package dev.lp.dsl;

/**
 * Substitute(t, i, c): replaces the FIRST textual occurrence of the i-th match's text (index rule) by c,
 * which may precede the i-th match (reference quirk); s unchanged when none or out of range.
 */
public record Substitute(Type t, int i, char c) implements Expr {
  public Substitute {
    Check.notNull("Substitute", "t", t);
    Check.index("Substitute", "i", i);
    Check.character("Substitute", "c", c);
  }

  @Override
  public String apply(String s) {
    return RemoveAll.replaceIth(t, i, s, String.valueOf(c));
  }
}
