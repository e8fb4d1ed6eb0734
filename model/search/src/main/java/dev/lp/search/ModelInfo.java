package dev.lp.search;

/**
 * Static facts about a {@link SynthesisModel}.
 *
 * @param kind "lp" (Latent Programmer), "baseline" (RobustFill-Transformer), "lstm" (RobustFill's
 *     LSTM), or the ablations with
 *     continuous latents decoded for a given program length: "ae" (Latent AE), "vae" (Latent VAE)
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

  /** Whether the model has discrete latent codes to beam-search (the Latent Programmer). */
  public boolean hasLatents() {
    return latentVocab > 0;
  }

  /**
   * Whether the model's latents are continuous (kinds "ae", "vae"): no latent beam, and every
   * search needs the program's length ({@link SynthesisModel#programDecoderForLength}).
   */
  public boolean continuousLatents() {
    return "ae".equals(kind) || "vae".equals(kind);
  }

  /** Whether several latent sequences can be sampled per task (kind "vae"; "ae" has one). */
  public boolean sampledLatents() {
    return "vae".equals(kind);
  }
}
