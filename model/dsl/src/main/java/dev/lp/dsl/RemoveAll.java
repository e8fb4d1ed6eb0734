package dev.lp.dsl;

/**
 * RemoveAll(t): for each match of t in the input, in order, deletes the first textual occurrence of its
 * text in the already-changed string (reference semantics).
 */
public record RemoveAll(Type t) implements Expr {
  public RemoveAll {
    Check.notNull("RemoveAll", "t", t);
  }

  @Override
  public String apply(String s) {
    return replaceEach(t, s, "");
  }

  /** Python value.replace(matches[k], replacement, 1) for the index-rule match k, or s if none. */
  static String replaceIth(Type t, int i, String s, String replacement) {
    int count = Matches.count(t, s);
    int k = Matches.resolve(i, count);
    if (k < 0 || k >= count) {
      return s;
    }
    long m = Matches.nth(t, s, k);
    return Matches.replaceFirst(s, s.substring(Matches.start(m), Matches.end(m)), replacement);
  }

  /** The reference loop: for match in findall(t, s): value = value.replace(match, replacement, 1). */
  static String replaceEach(Type t, String s, String replacement) {
    String value = s;
    for (long m = Matches.next(t, s, 0); m != Matches.NONE; m = Matches.next(t, s, Matches.end(m))) {
      value = Matches.replaceFirst(value, s.substring(Matches.start(m), Matches.end(m)), replacement);
    }
    return value;
  }
}
