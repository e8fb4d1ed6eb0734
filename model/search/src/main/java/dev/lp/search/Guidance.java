package dev.lp.search;

import java.util.Locale;

/**
 * How program beams use execution while they decode (the request option {@code guidance}).
 *
 * <ul>
 *   <li>{@link #OFF}: the DSL grammar only; candidates are verified after they finish.
 *   <li>{@link #PREFIX}: {@link PrefixGuidance}: each complete expression must continue every
 *       example's output, equivalent prefixes are merged, and only complete outputs may end; every
 *       finished program is consistent.
 *   <li>{@link #VERSIONSPACE}: beams decode inside the task's version space (every DSL program
 *       consistent with the examples), so the model only ranks consistent programs; the shortest
 *       one is known at once. Falls back to PREFIX when the space cannot be built within budget
 *       ({@link TaskGuidance}).
 *   <li>{@link #STEPWISE}: step-wise re-synthesis (the loop of ExeDec, Shi et al. ICLR 2024,
 *       {@link StepwiseSearch}): each step decodes one expression on the remaining task (same
 *       inputs, the outputs with what earlier steps produced removed, re-encoded), kept when its
 *       output is a prefix of every remaining output; a program is the concatenation of its steps.
 * </ul>
 */
public enum Guidance {
  OFF,
  PREFIX,
  VERSIONSPACE,
  STEPWISE;

  /**
   * The mode served when a request does not name one: the best measured (docs/RESULTS.md,
   * eval-guidance: consistent on ~89% of held-out tasks at B = 10, against ~11% with prefix;
   * eval-stepwise: step-wise re-synthesis beats prefix but stays far below the version space, so it
   * is an option, not the default).
   */
  public static final Guidance DEFAULT = VERSIONSPACE;

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
    throw new IllegalArgumentException("guidance must be one of off, prefix, versionspace, stepwise; got '" + s + "'");
  }
}
