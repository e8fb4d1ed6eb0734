package dev.lp.search;

/**
 * What one two-level search may spend, the same for {@code lp eval} and the serving engine.
 *
 * @param beamSize B ≥ 1: programs decoded in total (⌊B/L⌋ per latent code; the baseline's one beam
 *     has width B)
 * @param latentBeams L in 1..B: latent codes searched (a model without codes ignores it)
 * @param maxPrograms consistent programs wanted before the search may stop (≥ 1)
 * @param guidance how program beams use execution ({@link Guidance})
 * @param maxSteps most steps (expressions) of a {@link Guidance#STEPWISE} search (≥ 1); the
 *     other modes ignore it
 */
public record SearchBudget(int beamSize, int latentBeams, int maxPrograms, Guidance guidance, int maxSteps) {

  /** Steps of a step-wise search unless a budget says otherwise: the sampler's most expressions. */
  public static final int DEFAULT_MAX_STEPS = 10;

  /** A budget with {@link #DEFAULT_MAX_STEPS}. */
  public SearchBudget(int beamSize, int latentBeams, int maxPrograms, Guidance guidance) {
    this(beamSize, latentBeams, maxPrograms, guidance, DEFAULT_MAX_STEPS);
  }

  public SearchBudget {
    if (beamSize < 1) {
      throw new IllegalArgumentException("beam size B must be >= 1, got " + beamSize);
    }
    if (latentBeams < 1 || latentBeams > beamSize) {
      throw new IllegalArgumentException("latent beams L must be in 1..B=" + beamSize + ", got " + latentBeams);
    }
    if (maxPrograms < 1) {
      throw new IllegalArgumentException("max programs must be >= 1, got " + maxPrograms);
    }
    if (guidance == null) {
      throw new IllegalArgumentException("guidance is null");
    }
    if (maxSteps < 1) {
      throw new IllegalArgumentException("max steps must be >= 1, got " + maxSteps);
    }
  }

  /** B and L with one program wanted and no guidance (the paper's protocol). */
  public static SearchBudget of(int beamSize, int latentBeams) {
    return new SearchBudget(beamSize, latentBeams, 1, Guidance.OFF);
  }

  /** A copy with another guidance mode. */
  public SearchBudget withGuidance(Guidance g) {
    return new SearchBudget(beamSize, latentBeams, maxPrograms, g, maxSteps);
  }

  /** A copy with another step limit. */
  public SearchBudget withMaxSteps(int steps) {
    return new SearchBudget(beamSize, latentBeams, maxPrograms, guidance, steps);
  }

  /** Programs per latent code: ⌊B/L⌋ for a model with latent codes, B for one without. */
  public int programsPerCode(boolean hasLatents) {
    return hasLatents ? beamSize / latentBeams : beamSize;
  }
}
