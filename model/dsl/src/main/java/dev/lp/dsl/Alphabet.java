package dev.lp.dsl;

/**
 * The 83-character CHARACTER alphabet of the DSL (lowercase, uppercase, digits, then the 21
 * delimiters, in DSL.md order): the ConstStr alphabet and the I/O alphabet. I/O ids are 1..83 in
 * that order; 0 is padding.
 */
public final class Alphabet {
  /** The 21 delimiters in DSL.md order. */
  public static final String DELIMITERS = "&,.?!@()[]%{}/:;$#\"' ";
  /** All 83 characters in DSL.md order. */
  public static final String CHARACTERS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + DELIMITERS;
  /** Size of the I/O vocabulary: pad plus 83 characters. */
  public static final int IO_VOCAB = 84;
  /** I/O id of padding. */
  public static final int IO_PAD = 0;

  /** First I/O id that is a delimiter (ids 63..83). */
  private static final int FIRST_DELIMITER_ID = 63;
  /** I/O id per ASCII char, 0 when the char is outside the alphabet. */
  private static final byte[] ID = new byte[128];

  static {
    for (int i = 0; i < CHARACTERS.length(); i++) {
      ID[CHARACTERS.charAt(i)] = (byte) (i + 1);
    }
  }

  private Alphabet() {}

  /** Whether c is one of the 83 characters. */
  public static boolean contains(char c) {
    return c < 128 && ID[c] != 0;
  }

  /** Whether c is one of the 21 delimiters. */
  public static boolean isDelimiter(char c) {
    return c < 128 && ID[c] >= FIRST_DELIMITER_ID;
  }

  /** The I/O id (1..83) of c; DslException if c is outside the alphabet. */
  public static int id(char c) {
    if (!contains(c)) {
      throw new DslException("character " + describe(c) + " is not in the DSL alphabet");
    }
    return ID[c];
  }

  /** The character with I/O id 1..83; DslException otherwise. */
  public static char character(int id) {
    if (id < 1 || id > CHARACTERS.length()) {
      throw new DslException("I/O id " + id + " is not a character id (1.." + CHARACTERS.length() + ")");
    }
    return CHARACTERS.charAt(id - 1);
  }

  /** Encodes s as I/O ids 1..83; DslException naming the first char outside the alphabet and its index. */
  public static int[] encodeIo(String s) {
    if (s == null) {
      throw new DslException("cannot encode a null I/O string");
    }
    int[] ids = new int[s.length()];
    for (int i = 0; i < ids.length; i++) {
      char c = s.charAt(i);
      if (!contains(c)) {
        throw new DslException(
            "character " + describe(c) + " at index " + i + " of I/O string " + quote(s)
                + " is not in the DSL alphabet", i);
      }
      ids[i] = ID[c];
    }
    return ids;
  }

  /** Decodes I/O ids, stopping at the first 0 (padding); DslException naming a bad id and its index. */
  public static String decodeIo(int[] ids) {
    if (ids == null) {
      throw new DslException("cannot decode null I/O ids");
    }
    StringBuilder sb = new StringBuilder(ids.length);
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id == IO_PAD) {
        break;
      }
      if (id < 1 || id > CHARACTERS.length()) {
        throw new DslException("I/O id " + id + " at index " + i + " is out of range 0.." + CHARACTERS.length(), i);
      }
      sb.append(CHARACTERS.charAt(id - 1));
    }
    return sb.toString();
  }

  /** A char as a readable Java-style literal plus its code point, for error messages. */
  static String describe(char c) {
    return (c >= 0x20 && c < 0x7f ? "'" + c + "'" : "'\\u" + String.format("%04x", (int) c) + "'")
        + String.format(" (U+%04X)", (int) c);
  }

  private static String quote(String s) {
    return s.length() <= 120 ? "\"" + s + "\"" : "\"" + s.substring(0, 117) + "...\"";
  }
}
