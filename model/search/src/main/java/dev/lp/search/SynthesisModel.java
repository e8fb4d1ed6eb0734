package dev.lp.search;

import java.util.List;

/**
 * The neural side of synthesis as the search sees it: examples in, log-probabilities out.
 *
 * <p>Plain Java only: implementations (model/nn) own every native tensor behind the opaque
 * {@link Spec} and {@link Decoder} handles, so neither the search nor the actors ever import DJL.
 * Token ids follow docs/DSL.md for programs (316 ids, PAD 0, BOS 1, EOS 2) and
 * {@link ModelInfo} for latent codes. A handle must be closed by its owner; closing a
 * {@link Spec} does not close decoders made from it, and a decoder must not outlive its spec.
 *
 * <p>Thread-safety: one thread at a time per model (the serving engine gives the model to one
 * ModelWorker actor on its own dispatcher).
 */
public interface SynthesisModel extends AutoCloseable {

  /** What the model is: kind, sizes, special ids, version. */
  ModelInfo info();

  /** Encodes the examples once; every decoder of one request shares the result. */
  Spec encode(List<String> inputs, List<String> outputs);

  /**
   * Starts {@code rows} latent-code decoders on {@code spec} (Latent Programmer only).
   * Feed {@link ModelInfo#latentBos()} first; vocabulary size {@link ModelInfo#latentVocab()}.
   *
   * @throws UnsupportedOperationException for a model without latent codes
   */
  Decoder latentDecoder(Spec spec, int rows);

  /**
   * Starts one program decoder row per entry of {@code latents}: row i is conditioned on the
   * latent code {@code latents[i]} (code ids without BOS/EOS). A model without latent codes
   * ignores the codes (pass empty arrays). Feed program BOS (1) first.
   */
  Decoder programDecoder(Spec spec, int[][] latents);

  /**
   * Continuous-latent models only (the paper's Latent AE and VAE ablations, {@link
   * ModelInfo#continuousLatents()}): rolls out the latent vectors the predictor gives for a
   * program of {@code programLength} tokens (including EOS) and starts one program decoder row
   * conditioned on them. Sample 0 is the predictor's most likely sequence (its means); sample k &gt; 0
   * (VAE only, {@link ModelInfo#sampledLatents()}) is the k-th draw from its Gaussians, the same
   * draw for the same k. Feed program BOS (1) first. Such a model cannot end its latent sequence
   * by itself, so the caller must know the program's length (the paper gives it the true one).
   *
   * @throws UnsupportedOperationException for a model with discrete or no latents
   */
  default Decoder programDecoderForLength(Spec spec, int programLength, int sample) {
    throw new UnsupportedOperationException("model kind " + info().kind() + " has no continuous latents");
  }

  /**
   * One step for several decoders in as few forward calls as the implementation can manage
   * (rows of compatible decoders are concatenated into one batch). Element i of the result is
   * what {@code decoders.get(i).step(tokens.get(i))} would return.
   */
  default List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
    var out = new java.util.ArrayList<float[][]>(decoders.size());
    for (int i = 0; i < decoders.size(); i++) {
      out.add(decoders.get(i).step(tokens.get(i)));
    }
    return out;
  }

  @Override
  void close();

  /** Encoded examples, owned by the model. */
  interface Spec extends AutoCloseable {
    @Override
    void close();
  }

  /** A batch of autoregressive rows with their key/value cache. */
  interface Decoder extends AutoCloseable {
    /** Current number of rows. */
    int rows();

    /** Tokens fed so far per row (all rows advance together). */
    int length();

    /**
     * Feeds one token per row and returns log-probabilities, {@code [rows][vocab]}, for the
     * next token of each row.
     */
    float[][] step(int[] tokens);

    /**
     * Keeps the rows named by {@code parents}, in that order (repeats allowed; the row count
     * becomes {@code parents.length}): a beam-search reorder of the cache.
     */
    void reorder(int[] parents);

    @Override
    void close();
  }
}
