package dev.lp.dsl;

/**
 * SubStr(k1, k2), positions in -100..100: p = k-1 if k > 0 else len+k for each bound; "" if p1 >= p2,
 * s[p1:] if p2 == len, else s[p1:p2+1] (Python slicing), so one character can never be extracted.
 */
public record SubStr(int k1, int k2) implements Expr {
  public SubStr {
    Check.position("SubStr", "k1", k1);
    Check.position("SubStr", "k2", k2);
  }

  @Override
  public String apply(String s) {
    int n = s.length();
    int p1 = k1 > 0 ? k1 - 1 : n + k1;
    int p2 = k2 > 0 ? k2 - 1 : n + k2;
    if (p1 >= p2) {
      return "";
    }
    return p2 == n ? Matches.slice(s, p1, n) : Matches.slice(s, p1, p2 + 1);
  }
}
