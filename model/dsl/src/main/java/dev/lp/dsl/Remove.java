package dev.lp.dsl;

/**
 * Remove(t, i): deletes the FIRST textual occurrence of the i-th match's text (index rule), which may
 * precede the i-th match (reference quirk); s unchanged when none or out of range.
 */
public record Remove(Type t, int i) implements Expr {
  public Remove {
    Check.notNull("Remove", "t", t);
    Check.index("Remove", "i", i);
  }

  @Override
  public String apply(String s) {
    return RemoveAll.replaceIth(t, i, s, "");
  }
}
