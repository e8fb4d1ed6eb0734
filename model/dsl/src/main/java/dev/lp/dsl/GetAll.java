package dev.lp.dsl;

/** GetAll(t): all matches of type t joined with no separator. */
public record GetAll(Type t) implements Expr {
  public GetAll {
    Check.notNull("GetAll", "t", t);
  }

  @Override
  public String apply(String s) {
    StringBuilder sb = null;
    for (long m = Matches.next(t, s, 0); m != Matches.NONE; m = Matches.next(t, s, Matches.end(m))) {
      if (sb == null) {
        sb = new StringBuilder(s.length());
      }
      sb.append(s, Matches.start(m), Matches.end(m));
    }
    return sb == null ? "" : sb.toString();
  }
}
