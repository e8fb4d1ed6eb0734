package dev.lp.dsl;

/** GetUpto(r): s up to the end of r's first match; "" when r has no match. */
public record GetUpto(Regex r) implements Expr {
  public GetUpto {
    Check.notNull("GetUpto", "r", r);
  }

  @Override
  public String apply(String s) {
    long m = Matches.next(r, s, 0);
    return m == Matches.NONE ? "" : s.substring(0, Matches.end(m));
  }
}
