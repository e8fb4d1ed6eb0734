package dev.lp.dsl;

/**
 * Hand-coded regex matching for the DSL's types and delimiters, equivalent to Python re.finditer
 * (leftmost, greedy, non-overlapping) but allocation-free: a match is packed as start << 32 | end,
 * and -1 means no (further) match.
 */
final class Matches {
  static final long NONE = -1L;

  /** CLASS[type.ordinal()][c]: whether ASCII char c is in the type's character class. */
  private static final boolean[][] CLASS = new boolean[Type.values().length][128];
  /** Whether the type's regex is its class repeated (+) rather than a single char. */
  private static final boolean[] PLUS = new boolean[Type.values().length];
  private static final Type[] TYPES = Type.values();

  static {
    for (char c = 0; c < 128; c++) {
      boolean digit = c >= '0' && c <= '9';
      boolean upper = c >= 'A' && c <= 'Z';
      boolean lower = c >= 'a' && c <= 'z';
      CLASS[Type.NUMBER.ordinal()][c] = digit;
      CLASS[Type.WORD.ordinal()][c] = upper || lower;
      CLASS[Type.ALPHANUM.ordinal()][c] = upper || lower || digit;
      CLASS[Type.ALL_CAPS.ordinal()][c] = upper;
      CLASS[Type.PROP_CASE.ordinal()][c] = upper; // first char only; handled specially
      CLASS[Type.LOWER.ordinal()][c] = lower;
      CLASS[Type.DIGIT.ordinal()][c] = digit;
      CLASS[Type.CHAR.ordinal()][c] = Alphabet.contains(c);
    }
    PLUS[Type.NUMBER.ordinal()] = true;
    PLUS[Type.WORD.ordinal()] = true;
    PLUS[Type.ALPHANUM.ordinal()] = true;
    PLUS[Type.ALL_CAPS.ordinal()] = true;
    PLUS[Type.LOWER.ordinal()] = true;
  }

  private Matches() {}

  static int start(long match) {
    return (int) (match >>> 32);
  }

  static int end(long match) {
    return (int) match;
  }

  private static long pack(int start, int end) {
    return ((long) start << 32) | end;
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  /** The first match of type t in s starting at or after from, or NONE. */
  static long next(Type t, String s, int from) {
    int n = s.length();
    if (t == Type.PROP_CASE) {
      for (int i = from; i + 1 < n; i++) {
        char c = s.charAt(i);
        if (c >= 'A' && c <= 'Z' && isLower(s.charAt(i + 1))) {
          int j = i + 2;
          while (j < n && isLower(s.charAt(j))) {
            j++;
          }
          return pack(i, j);
        }
      }
      return NONE;
    }
    boolean[] cls = CLASS[t.ordinal()];
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (c < 128 && cls[c]) {
        int j = i + 1;
        if (PLUS[t.ordinal()]) {
          while (j < n && (c = s.charAt(j)) < 128 && cls[c]) {
            j++;
          }
        }
        return pack(i, j);
      }
    }
    return NONE;
  }

  /** The first match of r in s starting at or after from, or NONE. */
  static long next(Regex r, String s, int from) {
    if (r instanceof Regex.OfDelimiter d) {
      int i = s.indexOf(d.delimiter(), from);
      return i < 0 ? NONE : pack(i, i + 1);
    }
    return next(((Regex.OfType) r).type(), s, from);
  }

  /** Number of matches of type t in s. */
  static int count(Type t, String s) {
    int count = 0;
    for (long m = next(t, s, 0); m != NONE; m = next(t, s, end(m))) {
      count++;
    }
    return count;
  }

  /** Number of matches of r in s. */
  static int count(Regex r, String s) {
    if (r instanceof Regex.OfDelimiter d) {
      char c = d.delimiter();
      int count = 0;
      for (int i = 0, n = s.length(); i < n; i++) {
        if (s.charAt(i) == c) {
          count++;
        }
      }
      return count;
    }
    return count(((Regex.OfType) r).type(), s);
  }

  /** The k-th (0-based) match of type t in s, or NONE if there are at most k matches. */
  static long nth(Type t, String s, int k) {
    long m = next(t, s, 0);
    for (int i = 0; i < k && m != NONE; i++) {
      m = next(t, s, end(m));
    }
    return m;
  }

  /** The k-th (0-based) match of r in s, or NONE if there are at most k matches. */
  static long nth(Regex r, String s, int k) {
    long m = next(r, s, 0);
    for (int i = 0; i < k && m != NONE; i++) {
      m = next(r, s, end(m));
    }
    return m;
  }

  /**
   * The 0-based match index an index argument (1..5 or -5..-1) denotes among count matches,
   * per the index rule: i > 0 means i-1, i < 0 means count+i. May be out of [0, count).
   */
  static int resolve(int index, int count) {
    return index > 0 ? index - 1 : count + index;
  }

  /** Python s[a:b] for any ints a, b: a negative bound has len added once, then both clamp to [0, len]. */
  static String slice(String s, int a, int b) {
    int n = s.length();
    if (a < 0) {
      a = Math.max(0, a + n);
    } else if (a > n) {
      a = n;
    }
    if (b < 0) {
      b = Math.max(0, b + n);
    } else if (b > n) {
      b = n;
    }
    return b <= a ? "" : s.substring(a, b);
  }

  /** Python str.replace(old, replacement, 1): the first textual occurrence only; s unchanged if none. */
  static String replaceFirst(String s, String old, String replacement) {
    int at = s.indexOf(old);
    if (at < 0) {
      return s;
    }
    return new StringBuilder(s.length() - old.length() + replacement.length())
        .append(s, 0, at).append(replacement).append(s, at + old.length(), s.length()).toString();
  }

  static Type type(int ordinal) {
    return TYPES[ordinal];
  }
}
