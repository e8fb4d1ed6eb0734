package dev.lp.search.vsa;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Regex;
import dev.lp.dsl.Type;
import java.util.Arrays;

/**
 * Match spans of a DSL regex (leftmost, greedy, non-overlapping, as DSL.md), with positions: the DSL's
 * own matcher is internal to model/dsl and returns text, and the version space needs where each match
 * is. VersionSpaceTest checks these spans against GetToken on sampled inputs.
 */
final class Scan {
  private Scan() {}

  /** Whether the type's regex is a run of one character class (so any suffix of a match is a match). */
  static boolean isRun(Type t) {
    return switch (t) {
      case NUMBER, WORD, ALPHANUM, ALL_CAPS, LOWER -> true;
      default -> false;
    };
  }

  /** The matches of r in s, each packed as start << 32 | end. */
  static long[] matches(Regex r, String s) {
    long[] out = new long[s.length()];
    int c = 0;
    int n = s.length();
    if (r instanceof Regex.OfDelimiter d) {
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) == d.delimiter()) {
          out[c++] = pack(i, i + 1);
        }
      }
      return Arrays.copyOf(out, c);
    }
    Type t = ((Regex.OfType) r).type();
    int i = 0;
    while (i < n) {
      char ch = s.charAt(i);
      if (t == Type.PROP_CASE) {
        if (upper(ch) && i + 1 < n && lower(s.charAt(i + 1))) {
          int j = i + 2;
          while (j < n && lower(s.charAt(j))) {
            j++;
          }
          out[c++] = pack(i, j);
          i = j;
        } else {
          i++;
        }
      } else if (in(t, ch)) {
        int j = i + 1;
        if (isRun(t)) {
          while (j < n && in(t, s.charAt(j))) {
            j++;
          }
        }
        out[c++] = pack(i, j);
        i = j;
      } else {
        i++;
      }
    }
    return Arrays.copyOf(out, c);
  }

  private static long pack(int start, int end) {
    return ((long) start << 32) | end;
  }

  private static boolean upper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean lower(char c) {
    return c >= 'a' && c <= 'z';
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean in(Type t, char c) {
    return switch (t) {
      case NUMBER, DIGIT -> digit(c);
      case WORD -> upper(c) || lower(c);
      case ALPHANUM -> upper(c) || lower(c) || digit(c);
      case ALL_CAPS -> upper(c);
      case LOWER -> lower(c);
      case CHAR -> Alphabet.contains(c);
      case PROP_CASE -> throw new AssertionError("PROP_CASE is matched apart");
    };
  }
}
