package dev.lp.dsl;

/** A regex argument (GetSpan, GetUpto, GetFrom): a {@link Type} or a single delimiter character. */
public sealed interface Regex permits Regex.OfType, Regex.OfDelimiter {

  /** The regex of a type. */
  static Regex of(Type type) {
    return new OfType(type);
  }

  /** The regex matching one delimiter; DslException if c is not a delimiter. */
  static Regex of(char delimiter) {
    return new OfDelimiter(delimiter);
  }

  /** Matches of a {@link Type}'s regex. */
  record OfType(Type type) implements Regex {
    public OfType {
      Check.notNull("Regex.OfType", "type", type);
    }
  }

  /** Matches of one delimiter character. */
  record OfDelimiter(char delimiter) implements Regex {
    public OfDelimiter {
      if (!Alphabet.isDelimiter(delimiter)) {
        throw new DslException("regex delimiter " + Alphabet.describe(delimiter) + " is not one of the 21 delimiters "
            + Alphabet.DELIMITERS);
      }
    }
  }
}
