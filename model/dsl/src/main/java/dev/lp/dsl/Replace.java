package dev.lp.dsl;

/** Replace(d1, d2): every delimiter d1 replaced by delimiter d2. */
public record Replace(char d1, char d2) implements Expr {
  public Replace {
    Check.delimiter("Replace", "d1", d1);
    Check.delimiter("Replace", "d2", d2);
  }

  @Override
  public String apply(String s) {
    return s.replace(d1, d2);
  }
}
