package dev.lp.dsl;

/** Trim(): Python str.strip(), removing leading and trailing whitespace (of the alphabet, only space). */
public record Trim() implements Expr {
  @Override
  public String apply(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && isPythonWhitespace(s.charAt(a))) {
      a++;
    }
    while (b > a && isPythonWhitespace(s.charAt(b - 1))) {
      b--;
    }
    return s.substring(a, b);
  }

  /** Python's str.isspace for one char (ASCII and Latin-1 exactly; other Unicode spaces approximately). */
  static boolean isPythonWhitespace(char c) {
    if (c < 128) {
      return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
    }
    return c == 0x85 || c == 0xa0 || Character.isWhitespace(c) || Character.isSpaceChar(c);
  }
}
