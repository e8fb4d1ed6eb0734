package dev.lp.nn;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture and training hyper-parameters of one network; immutable, validated on
 * construction, and stored as JSON beside the weights.
 *
 * @param kind "lp" (Latent Programmer), "baseline" (RobustFill-Transformer), "lstm" (RobustFill's
 *     LSTM model, {@link LstmNet}), or one of the paper's ablations with continuous latents instead
 *     of the quantizer: "ae" (Latent RobustFill [AE]) or "vae" (Latent RobustFill [VAE])
 * @param dModel embedding and hidden width (divisible by {@code heads}); the LSTMs' width for "lstm"
 * @param heads attention heads per attention block (unused by "lstm": its attention has one head)
 * @param ffn hidden width of the position-wise feed-forward blocks (unused by "lstm")
 * @param encoderLayers layers of the I/O encoder and of the program encoder (LSTM layers per encoder
 *     for "lstm")
 * @param decoderLayers layers of the program decoder and of the latent predictor
 * @param dropout dropout rate in [0, 1), applied only in training
 * @param maxIoLength longest I/O string, in characters
 * @param maxProgramLength longest program, in tokens including EOS
 * @param latentCodes K, the codebook size (latent ids are K codes plus PAD/BOS/EOS)
 * @param compressionLog2 l: the program encoder halves the length l times
 * @param commitment beta, the weight of the VQ commitment loss
 * @param emaDecay decay of the EMA codebook statistics
 * @param pretrainSteps steps of the pretraining phase (averaged embeddings as latents): training
 *     steps 1..pretrainSteps, see {@link #pretraining}
 * @param ioPooling "concat" (the decoder attends to all examples at once) or "maxpool" (one
 *     decoder state per example, max-pooled before the output projection; always so for "lstm")
 */
public record ModelConfig(
    String kind,
    int dModel,
    int heads,
    int ffn,
    int encoderLayers,
    int decoderLayers,
    float dropout,
    int maxIoLength,
    int maxProgramLength,
    int latentCodes,
    int compressionLog2,
    float commitment,
    float emaDecay,
    int pretrainSteps,
    String ioPooling) {

  /** Latent id of padding. */
  public static final int LATENT_PAD = 0;
  /** Latent id fed first to the latent predictor. */
  public static final int LATENT_BOS = 1;
  /** Latent id that ends a latent code. */
  public static final int LATENT_EOS = 2;
  /** Latent id of code 0; code k has id k + FIRST_CODE. */
  public static final int FIRST_CODE = 3;

  /** Every model kind, in the order the command line lists them. */
  public static final List<String> KINDS = List.of("lp", "baseline", "lstm", "ae", "vae");

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  public ModelConfig {
    List<String> bad = new ArrayList<>();
    if (!KINDS.contains(kind)) {
      bad.add("kind must be one of " + KINDS + ", got " + quote(kind));
    }
    if (dModel < 1 || heads < 1 || dModel % Math.max(heads, 1) != 0) {
      bad.add("dModel (" + dModel + ") must be positive and divisible by heads (" + heads + ")");
    }
    if (ffn < 1) {
      bad.add("ffn must be positive, got " + ffn);
    }
    if (encoderLayers < 1 || decoderLayers < 1) {
      bad.add("encoderLayers and decoderLayers must be >= 1, got " + encoderLayers + ", " + decoderLayers);
    }
    if (!(dropout >= 0f && dropout < 1f)) {
      bad.add("dropout must be in [0, 1), got " + dropout);
    }
    if (maxIoLength < 1 || maxProgramLength < 2) {
      bad.add("maxIoLength must be >= 1 and maxProgramLength >= 2, got " + maxIoLength + ", " + maxProgramLength);
    }
    if (latentCodes < 1) {
      bad.add("latentCodes must be >= 1, got " + latentCodes);
    }
    if (compressionLog2 < 0 || compressionLog2 > 6) {
      bad.add("compressionLog2 must be in 0..6, got " + compressionLog2);
    }
    if (!(commitment >= 0f)) {
      bad.add("commitment must be >= 0, got " + commitment);
    }
    if (!(emaDecay > 0f && emaDecay < 1f)) {
      bad.add("emaDecay must be in (0, 1), got " + emaDecay);
    }
    if (pretrainSteps < 0) {
      bad.add("pretrainSteps must be >= 0, got " + pretrainSteps);
    }
    if (!"concat".equals(ioPooling) && !"maxpool".equals(ioPooling)) {
      bad.add("ioPooling must be \"concat\" or \"maxpool\", got " + quote(ioPooling));
    } else if ("lstm".equals(kind) && !"maxpool".equals(ioPooling)) {
      bad.add("ioPooling must be \"maxpool\" for kind \"lstm\" (RobustFill decodes per example and max-pools)");
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("invalid ModelConfig: " + String.join("; ", bad));
    }
  }

  /** The paper's Latent Programmer: d=128, 4 heads, ffn 512, 3+3 layers, K=40, 2^l=4. */
  public static ModelConfig paperLp() {
    return new ModelConfig("lp", 128, 4, 512, 3, 3, 0.1f, 100, 128, 40, 2, 0.25f, 0.99f, 10_000, "concat");
  }

  /** The paper's RobustFill-Transformer baseline at the same size. */
  public static ModelConfig paperBaseline() {
    return new ModelConfig("baseline", 128, 4, 512, 3, 3, 0.1f, 100, 128, 40, 2, 0.25f, 0.99f, 10_000, "concat");
  }

  /** A small network for tests: d=32, 2 heads, 2+2 layers, K=16, no dropout, 100 pretraining steps. */
  public static ModelConfig tiny(String kind) {
    return new ModelConfig(kind, 32, 2, 64, 2, 2, 0f, 100, 128, 16, 2, 0.25f, 0.99f, 100, defaultPooling(kind));
  }

  /** "maxpool" for "lstm" (its only pooling), "concat" for every other kind. */
  public static String defaultPooling(String kind) {
    return "lstm".equals(kind) ? "maxpool" : "concat";
  }

  /** Whether the model is RobustFill's LSTM ({@link LstmNet}) rather than a Transformer. */
  public boolean recurrent() {
    return "lstm".equals(kind);
  }

  /** Whether the model has discrete latent codes (the Latent Programmer). */
  public boolean isLatent() {
    return "lp".equals(kind);
  }

  /** Whether latents are continuous vectors (the AE and VAE ablations): no codebook, no latent beam. */
  public boolean continuousLatents() {
    return "ae".equals(kind) || "vae".equals(kind);
  }

  /** Whether latents are Gaussian (the VAE ablation), so several latent sequences can be sampled. */
  public boolean sampledLatents() {
    return "vae".equals(kind);
  }

  /**
   * Whether 1-based training step {@code step} is a pretraining step: steps 1..pretrainSteps are,
   * so exactly pretrainSteps updates pretrain. Step 0 (an evaluation before any update) counts as
   * step 1.
   */
  public boolean pretraining(long step) {
    return Math.max(step, 1L) <= pretrainSteps;
  }

  /** Whether the model encodes programs into latents (LP and the AE ablation). */
  public boolean hasProgramEncoder() {
    return isLatent() || continuousLatents();
  }

  /** Latents for a program of {@code programTokens} tokens (including EOS): ⌈T/2^l⌉. */
  public int latentLength(int programTokens) {
    return (programTokens + compression() - 1) / compression();
  }

  /** 2^l, the number of program tokens per latent. */
  public int compression() {
    return 1 << compressionLog2;
  }

  /** Latent vocabulary: K codes plus PAD, BOS, EOS (0 for the baseline). */
  public int latentVocab() {
    return isLatent() ? latentCodes + FIRST_CODE : 0;
  }

  /** Longest latent code the predictor is trained for, including EOS (0 for the baseline). */
  public int maxLatentLength() {
    return isLatent() ? (maxProgramLength + compression() - 1) / compression() + 1 : 0;
  }

  /** Examples whose decoder states are max-pooled (1 when pooling is "concat"). */
  public boolean maxPool() {
    return "maxpool".equals(ioPooling);
  }

  /** Copy with another kind (same sizes; "lstm" gets its "maxpool" pooling). */
  public ModelConfig withKind(String newKind) {
    return new ModelConfig(newKind, dModel, heads, ffn, encoderLayers, decoderLayers, dropout, maxIoLength,
        maxProgramLength, latentCodes, compressionLog2, commitment, emaDecay, pretrainSteps,
        "lstm".equals(newKind) ? "maxpool" : ioPooling);
  }

  /** Copy with another number of pretraining steps. */
  public ModelConfig withPretrainSteps(int steps) {
    return new ModelConfig(kind, dModel, heads, ffn, encoderLayers, decoderLayers, dropout, maxIoLength,
        maxProgramLength, latentCodes, compressionLog2, commitment, emaDecay, steps, ioPooling);
  }

  /** Copy with another I/O pooling. */
  public ModelConfig withIoPooling(String pooling) {
    return new ModelConfig(kind, dModel, heads, ffn, encoderLayers, decoderLayers, dropout, maxIoLength,
        maxProgramLength, latentCodes, compressionLog2, commitment, emaDecay, pretrainSteps, pooling);
  }

  /** Copy with another dropout rate. */
  public ModelConfig withDropout(float rate) {
    return new ModelConfig(kind, dModel, heads, ffn, encoderLayers, decoderLayers, rate, maxIoLength,
        maxProgramLength, latentCodes, compressionLog2, commitment, emaDecay, pretrainSteps, ioPooling);
  }

  /**
   * Names the fields that change the weights' shapes and differ from {@code other}; empty when
   * weights saved under one config load under the other.
   */
  public List<String> shapeDifferences(ModelConfig other) {
    List<String> d = new ArrayList<>();
    diff(d, "kind", kind, other.kind);
    diff(d, "dModel", dModel, other.dModel);
    diff(d, "heads", heads, other.heads);
    diff(d, "ffn", ffn, other.ffn);
    diff(d, "encoderLayers", encoderLayers, other.encoderLayers);
    diff(d, "decoderLayers", decoderLayers, other.decoderLayers);
    diff(d, "maxIoLength", maxIoLength, other.maxIoLength);
    diff(d, "maxProgramLength", maxProgramLength, other.maxProgramLength);
    diff(d, "ioPooling", ioPooling, other.ioPooling);
    if (isLatent() || other.isLatent()) {
      diff(d, "latentCodes", latentCodes, other.latentCodes);
    }
    if (hasProgramEncoder() || other.hasProgramEncoder()) {
      diff(d, "compressionLog2", compressionLog2, other.compressionLog2);
    }
    return d;
  }

  private static void diff(List<String> out, String name, Object a, Object b) {
    if (!a.equals(b)) {
      out.add(name + " " + a + " vs " + b);
    }
  }

  public String toJson() {
    return GSON.toJson(this);
  }

  /** Parses JSON written by {@link #toJson()}; IllegalArgumentException naming what is wrong. */
  public static ModelConfig fromJson(String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException("ModelConfig JSON is empty");
    }
    ModelConfig c;
    try {
      c = GSON.fromJson(json, ModelConfig.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("ModelConfig JSON does not parse: " + e.getMessage(), e);
    }
    if (c == null) {
      throw new IllegalArgumentException("ModelConfig JSON is empty");
    }
    return c;
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
