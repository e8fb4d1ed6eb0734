package dev.lp.search;

import java.util.List;
import java.util.Locale;

/**
 * How program beams use execution while they decode (the request option {@code guidance}).
 *
 * <ul>
 *   <li>{@link #OFF}: the DSL grammar only; candidates are verified after they finish.
 *   <li>{@link #PREFIX}: {@link PrefixGuidance}: each complete expression must continue every
 *       example's output, equivalent prefixes are merged, and only complete outputs may end; every
 *       finished program is consistent.
 * </ul>
 */
public enum Guidance {
  OFF,
  PREFIX;

  /** The mode served when a request does not name one (the best measured; docs/RESULTS.md). */
  public static final Guidance DEFAULT = PREFIX;

  /** A fresh program-beam constraint for one beam searching this task. */
  public TokenConstraint constraint(List<String> inputs, List<String> outputs) {
    return this == OFF ? TokenConstraint.programGrammar() : new PrefixGuidance(inputs, outputs);
  }

  /** The lower-case name used on the command line and in reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The mode named {@code s} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Guidance parse(String s) {
    for (Guidance g : values()) {
      if (g.label().equalsIgnoreCase(s == null ? "" : s.trim())) {
        return g;
      }
    }
    throw new IllegalArgumentException("guidance must be one of off, prefix; got '" + s + "'");
  }
}
