package dev.lp.dsl;

/**
 * ToCase(c): PROPER is Python str.capitalize (first char upper, rest lower), ALL_CAPS upper, LOWER
 * lower; ASCII letters only, other characters unchanged.
 */
public record ToCase(Case c) implements Expr {
  public ToCase {
    Check.notNull("ToCase", "c", c);
  }

  @Override
  public String apply(String s) {
    int n = s.length();
    if (n == 0) {
      return s;
    }
    char[] out = new char[n];
    boolean changed = false;
    for (int j = 0; j < n; j++) {
      char ch = s.charAt(j);
      boolean up = c == Case.ALL_CAPS || (c == Case.PROPER && j == 0);
      char mapped = up ? (ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch)
          : (ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch);
      changed |= mapped != ch;
      out[j] = mapped;
    }
    return changed ? new String(out) : s;
  }
}
