package dev.lp.search;

/**
 * Static facts about a {@link SynthesisModel}.
 *
 * @param kind "lp" (Latent Programmer) or "baseline" (RobustFill-Transformer)
 * @param version a human-readable model version (checkpoint name and step), carried on events
 * @param programVocab number of program token ids (316)
 * @param latentVocab number of latent ids including the specials, 0 for the baseline
 * @param latentBos id fed first to a latent decoder (-1 for the baseline)
 * @param latentEos id that ends a latent code (-1 for the baseline)
 * @param maxProgramLength longest program, in tokens including EOS, the decoder was trained for
 * @param maxLatentLength longest latent code, in codes including EOS (0 for the baseline)
 */
public record ModelInfo(
    String kind,
    String version,
    int programVocab,
    int latentVocab,
    int latentBos,
    int latentEos,
    int maxProgramLength,
    int maxLatentLength) {

  public boolean hasLatents() {
    return latentVocab > 0;
  }
}
