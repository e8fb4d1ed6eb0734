package dev.lp.dsl;

/** Argument range checks shared by the expression records; each failure names the op and argument. */
final class Check {
  static final int MIN_POSITION = -100;
  static final int MAX_POSITION = 100;
  static final int MAX_INDEX = 5;

  private Check() {}

  static void notNull(String op, String arg, Object value) {
    if (value == null) {
      throw new DslException(op + ": argument " + arg + " is null");
    }
  }

  static void position(String op, String arg, int value) {
    if (value < MIN_POSITION || value > MAX_POSITION) {
      throw new DslException(op + ": position " + arg + " = " + value + " is outside " + MIN_POSITION + ".." + MAX_POSITION);
    }
  }

  static boolean isIndex(int value) {
    return value != 0 && value >= -MAX_INDEX && value <= MAX_INDEX;
  }

  static void index(String op, String arg, int value) {
    if (!isIndex(value)) {
      throw new DslException(op + ": index " + arg + " = " + value + " is not in -5..-1 or 1..5");
    }
  }

  static void character(String op, String arg, char c) {
    if (!Alphabet.contains(c)) {
      throw new DslException(op + ": character " + arg + " = " + Alphabet.describe(c) + " is not in the DSL alphabet");
    }
  }

  static void delimiter(String op, String arg, char c) {
    if (!Alphabet.isDelimiter(c)) {
      throw new DslException(op + ": " + arg + " = " + Alphabet.describe(c) + " is not one of the 21 delimiters "
          + Alphabet.DELIMITERS);
    }
  }
}
