package dev.lp.dsl;

/**
 * GetFirst(t, i): "" when t has no match; all matches joined if i >= count; else Python matches[:i]
 * joined, so a negative i drops the last |i| matches (the index rule does not apply here).
 */
public record GetFirst(Type t, int i) implements Expr {
  public GetFirst {
    Check.notNull("GetFirst", "t", t);
    Check.index("GetFirst", "i", i);
  }

  @Override
  public String apply(String s) {
    int take;
    if (i > 0) {
      take = i; // matches[:i] with i > 0 is the first min(i, count): no count needed
    } else {
      take = Math.max(0, Matches.count(t, s) + i);
    }
    StringBuilder sb = null;
    long m = Matches.next(t, s, 0);
    for (int k = 0; k < take && m != Matches.NONE; k++) {
      if (sb == null) {
        sb = new StringBuilder(s.length());
      }
      sb.append(s, Matches.start(m), Matches.end(m));
      m = Matches.next(t, s, Matches.end(m));
    }
    return sb == null ? "" : sb.toString();
  }
}
