package dev.lp.dsl;

/** GetToken(t, i): the i-th match of type t (index rule); "" when none or out of range. */
public record GetToken(Type t, int i) implements Expr {
  public GetToken {
    Check.notNull("GetToken", "t", t);
    Check.index("GetToken", "i", i);
  }

  @Override
  public String apply(String s) {
    // A positive index needs no count: walk to the i-th match directly.
    int k = i > 0 ? i - 1 : Matches.count(t, s) + i;
    if (k < 0) {
      return "";
    }
    long m = Matches.nth(t, s, k);
    return m == Matches.NONE ? "" : s.substring(Matches.start(m), Matches.end(m));
  }
}
