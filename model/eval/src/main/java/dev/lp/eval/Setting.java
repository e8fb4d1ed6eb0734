package dev.lp.eval;

import dev.lp.search.TwoLevelSearch;

/**
 * One search budget: beam size B and latent beams L (programs per code ⌊B/L⌋ for the Latent
 * Programmer; the baseline searches one beam of width B and ignores L).
 *
 * @param beamSize B ≥ 1
 * @param latentBeams L in 1..B
 */
public record Setting(int beamSize, int latentBeams) {

  public Setting {
    TwoLevelSearch.checkBudget(beamSize, latentBeams);
  }

  /**
   * The paper's default latent beams for a budget: ⌊√B⌋ (at least 1) for the Latent Programmer,
   * 1 for a model without latent codes.
   */
  public static int defaultLatentBeams(int beamSize, boolean hasLatents) {
    if (beamSize < 1) {
      throw new IllegalArgumentException("beam size B must be >= 1, got " + beamSize);
    }
    return hasLatents ? Math.max(1, (int) Math.floor(Math.sqrt(beamSize))) : 1;
  }

  /** B with the default L for the model kind. */
  public static Setting withDefaultLatents(int beamSize, boolean hasLatents) {
    return new Setting(beamSize, defaultLatentBeams(beamSize, hasLatents));
  }

  @Override
  public String toString() {
    return "B=" + beamSize + ",L=" + latentBeams;
  }
}
