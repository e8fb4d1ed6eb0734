package dev.lp.dsl;

/** ConstStr(c): the constant one-character string c, c in the alphabet. */
public record ConstStr(char c) implements Expr {
  public ConstStr {
    Check.character("ConstStr", "c", c);
  }

  @Override
  public String apply(String s) {
    return String.valueOf(c);
  }
}
