package dev.lp.trainer.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.Map;

/**
 * What a checkpoint is, next to its weights: enough to reload the network (kind + config), to
 * resume training with the schedule intact (step, tasks seen, seeds, recipe), and to trust the
 * bytes (sha256 and size of the weights file).
 *
 * @param format manifest format version ({@link #FORMAT})
 * @param kind model kind ({@code ModelConfig.KINDS}: "lp", "baseline", "lstm", "ae", "vae")
 * @param config the network configuration as JSON (dev.lp.nn.ModelConfig#toJson)
 * @param step optimisation steps taken
 * @param tasksSeen training tasks consumed
 * @param trainSeed seed of the training task stream
 * @param initSeed seed of the weight initialisation
 * @param recipe the command line and settings that produced it
 * @param metrics last logged metrics (loss, token accuracy, ...)
 * @param weightsFile file name of the weights, relative to the checkpoint directory
 * @param weightsBytes size of the weights file
 * @param weightsSha256 lower-case hex sha256 of the weights file
 * @param optimizerFile file name of the optimizer state, or null when not saved
 * @param createdAt ISO-8601 instant
 */
public record Manifest(
    int format,
    String kind,
    JsonObject config,
    long step,
    long tasksSeen,
    long trainSeed,
    long initSeed,
    JsonObject recipe,
    Map<String, Double> metrics,
    String weightsFile,
    long weightsBytes,
    String weightsSha256,
    String optimizerFile,
    String createdAt) {

  public static final int FORMAT = 1;
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  public String toJson() {
    return GSON.toJson(this);
  }

  /** Parses and checks the fields a loader relies on; a clear message for anything missing. */
  public static Manifest fromJson(String json) {
    Manifest m;
    try {
      JsonElement tree = GSON.fromJson(json, JsonElement.class);
      if (tree == null || !tree.isJsonObject()) {
        throw new CheckpointException("manifest is not a JSON object");
      }
      m = GSON.fromJson(tree, Manifest.class);
    } catch (JsonParseException e) {
      throw new CheckpointException("manifest is not valid JSON: " + e.getMessage());
    }
    if (m.format() != FORMAT) {
      throw new CheckpointException("manifest format " + m.format() + " is not supported (expected " + FORMAT + ")");
    }
    require(m.kind() != null, "kind");
    require(m.config() != null, "config");
    require(m.weightsFile() != null && !m.weightsFile().contains("/") && !m.weightsFile().contains(".."), "weightsFile");
    require(m.weightsSha256() != null && m.weightsSha256().matches("[0-9a-f]{64}"), "weightsSha256");
    require(m.weightsBytes() > 0, "weightsBytes");
    return m;
  }

  private static void require(boolean ok, String field) {
    if (!ok) {
      throw new CheckpointException("manifest field '" + field + "' is missing or invalid");
    }
  }
}
