package dev.lp.actors;

/**
 * Client text (request ids, record keys, example strings) made safe to put in a log line or an
 * error message.
 *
 * <p>Why: a request id or example with a newline, tab or NUL went into the logs as it was, so one
 * request could forge or break log lines; and an error about a character outside the DSL alphabet
 * showed half of a surrogate pair ('?') for an emoji. Here control and other invisible
 * characters become escapes ({@code \n}, {@code \t}, {@code \0}, {@code \u200B}), a lone
 * surrogate is shown as its escape, and a character is reported as its whole code point.
 *
 * <p>Contract: pure; the escaped text contains no control characters and no lone surrogates; a
 * backslash is doubled so an escape cannot be faked; text longer than {@link #MAX_CHARS} is cut
 * with a note of how much was left out.
 */
public final class LogText {
  /** Longest escaped text put in a log line; request text is at most a few hundred characters. */
  public static final int MAX_CHARS = 200;

  private LogText() {}

  /** {@code s} escaped for a log line or message (null gives "null"). */
  public static String escape(String s) {
    if (s == null) {
      return "null";
    }
    var out = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8);
    int i = 0;
    while (i < s.length() && out.length() < MAX_CHARS) {
      int cp = s.codePointAt(i);
      appendEscaped(out, cp);
      i += Character.charCount(cp);
    }
    if (i < s.length()) {
      out.append("...(").append(s.length() - i).append(" more chars)");
    }
    return out.toString();
  }

  /** {@code s} escaped and in single quotes, as messages name client values. */
  public static String quote(String s) {
    return "'" + escape(s) + "'";
  }

  /**
   * The character of {@code s} at char index {@code index} as a reader wants it: the whole code
   * point, escaped if invisible, with its number, e.g. {@code '😀' (U+1F600)} or {@code '\t'
   * (U+0009)}.
   */
  public static String describeCodePointAt(String s, int index) {
    int cp = s.codePointAt(index);
    var out = new StringBuilder("'");
    appendEscaped(out, cp);
    return out.append("' (").append(String.format("U+%04X", cp)).append(')').toString();
  }

  /**
   * The message of a BAD_CHARACTER error: {@code field} has the code point at char index
   * {@code index} of {@code s}; the position counts code points, as a person counts characters.
   */
  public static String outsideAlphabet(String field, String s, int index) {
    return field + " has character " + describeCodePointAt(s, index) + " at position "
        + s.codePointCount(0, index) + ", outside the DSL alphabet";
  }

  private static void appendEscaped(StringBuilder out, int cp) {
    switch (cp) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case 0 -> out.append("\\0");
      case '\\' -> out.append("\\\\");
      default -> {
        if (visible(cp)) {
          out.appendCodePoint(cp);
        } else {
          out.append(String.format("\\u%04X", cp));
        }
      }
    }
  }

  /** Printable: not a control, format (zero-width, bidi), surrogate, private-use or unassigned character, nor a line/paragraph separator. */
  private static boolean visible(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
      default -> true;
    };
  }
}
