package dev.lp.dsl;

/**
 * GetSpan(r1, i1, b1, r2, i2, b2): s[p1:p2] where each end comes from its regex's matches. No match for
 * either regex gives ""; an index past the last match gives count-1 used as a character position and
 * one before the first gives 0 (reference quirks); otherwise the match's start or end per the boundary.
 */
public record GetSpan(Regex r1, int i1, Boundary b1, Regex r2, int i2, Boundary b2) implements Expr {
  public GetSpan {
    Check.notNull("GetSpan", "r1", r1);
    Check.index("GetSpan", "i1", i1);
    Check.notNull("GetSpan", "b1", b1);
    Check.notNull("GetSpan", "r2", r2);
    Check.index("GetSpan", "i2", i2);
    Check.notNull("GetSpan", "b2", b2);
  }

  @Override
  public String apply(String s) {
    int p1 = end(r1, i1, b1, s);
    if (p1 < 0) {
      return "";
    }
    int p2 = end(r2, i2, b2, s);
    if (p2 < 0) {
      return "";
    }
    return Matches.slice(s, p1, p2);
  }

  /** One end's character position, or -1 when the regex has no match. */
  private static int end(Regex r, int index, Boundary b, String s) {
    int count = Matches.count(r, s);
    if (count == 0) {
      return -1;
    }
    int k = Matches.resolve(index, count);
    if (k >= count) {
      return count - 1;
    }
    if (k < 0) {
      return 0;
    }
    long m = Matches.nth(r, s, k);
    return b == Boundary.START ? Matches.start(m) : Matches.end(m);
  }
}
