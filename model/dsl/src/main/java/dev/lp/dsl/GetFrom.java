package dev.lp.dsl;

/** GetFrom(r): s from the end of r's first match; "" when r has no match. */
public record GetFrom(Regex r) implements Expr {
  public GetFrom {
    Check.notNull("GetFrom", "r", r);
  }

  @Override
  public String apply(String s) {
    long m = Matches.next(r, s, 0);
    return m == Matches.NONE ? "" : s.substring(Matches.end(m));
  }
}
