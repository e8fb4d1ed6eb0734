package dev.lp.checkpoint;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a checkpoint is, next to its weights: enough to reload the network (kind + config), to
 * resume training with the schedule intact (step, tasks seen, seeds, the training settings a
 * resume must repeat, recipe), and to trust the bytes (sha256 and size of the weights and of the
 * optimizer state).
 *
 * <p>Manifests written before {@code training}, {@code optimizerBytes} and {@code
 * optimizerSha256} existed still load: those read as null, 0 and null (not recorded).
 *
 * @param format manifest format version ({@link #FORMAT})
 * @param kind model kind ({@code ModelConfig.KINDS}: "lp", "baseline", "lstm", "ae", "vae")
 * @param config the network configuration as JSON (dev.lp.nn.ModelConfig#toJson)
 * @param step optimisation steps taken
 * @param tasksSeen training tasks consumed
 * @param trainSeed seed of the training task stream
 * @param initSeed seed of the weight initialisation
 * @param training the settings that shape the updates and the task stream, or null when not
 *     recorded (older manifests)
 * @param recipe the command line and settings that produced it
 * @param metrics last logged metrics (loss, token accuracy, ...)
 * @param weightsFile file name of the weights, relative to the checkpoint directory
 * @param weightsBytes size of the weights file
 * @param weightsSha256 lower-case hex sha256 of the weights file
 * @param optimizerFile file name of the optimizer state, relative to the checkpoint directory, or
 *     null when not saved
 * @param optimizerBytes size of the optimizer state file (0 when not recorded)
 * @param optimizerSha256 lower-case hex sha256 of the optimizer state file, or null when not
 *     recorded
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
    Training training,
    JsonObject recipe,
    Map<String, Double> metrics,
    String weightsFile,
    long weightsBytes,
    String weightsSha256,
    String optimizerFile,
    long optimizerBytes,
    String optimizerSha256,
    String createdAt) {

  public static final int FORMAT = 1;
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /** A manifest without training settings or optimizer checksums (as written before they existed). */
  public Manifest(int format, String kind, JsonObject config, long step, long tasksSeen, long trainSeed,
      long initSeed, JsonObject recipe, Map<String, Double> metrics, String weightsFile, long weightsBytes,
      String weightsSha256, String optimizerFile, String createdAt) {
    this(format, kind, config, step, tasksSeen, trainSeed, initSeed, null, recipe, metrics, weightsFile,
        weightsBytes, weightsSha256, optimizerFile, 0, null, createdAt);
  }

  /**
   * The training settings a resumed run must repeat to continue exactly where it stopped; the
   * target step and the logging and checkpoint intervals are not among them.
   *
   * @param batchSize tasks per step
   * @param learningRate peak learning rate
   * @param warmupSteps linear warm-up length
   * @param trainSeed seed of the task stream
   * @param initSeed seed of the weights and of the dropout masks
   * @param clipNorm gradient clipping norm (0 = off)
   * @param poolBatches batches per length-bucketing pool
   * @param data what the tasks come from (sampler settings, or a task file's checksum)
   * @param decay the learning rate's shape after the warm-up (invsqrt, linear, cosine, constant);
   *     null in manifests written before it was recorded, which all used invsqrt
   * @param decayEnd the step a linear or cosine decay reaches zero at (0 when not recorded)
   * @param scheduleStart the step the run began at: 0, or the step of the checkpoint it was
   *     started from ({@code --init-from}); the warm-up counts from it
   * @param initFrom sha256 of the weights the run started from, or null for fresh weights
   */
  public record Training(int batchSize, float learningRate, long warmupSteps, long trainSeed, long initSeed,
      float clipNorm, int poolBatches, String data, String decay, long decayEnd, long scheduleStart,
      String initFrom) {

    /** Settings recorded before the decay shape and the start were (inverse square root from step 0). */
    public Training(int batchSize, float learningRate, long warmupSteps, long trainSeed, long initSeed,
        float clipNorm, int poolBatches, String data) {
      this(batchSize, learningRate, warmupSteps, trainSeed, initSeed, clipNorm, poolBatches, data, "invsqrt", 0, 0,
          null);
    }

    /** The decay shape, "invsqrt" for manifests that predate it. */
    public String decayShape() {
      return decay == null ? "invsqrt" : decay;
    }

    /**
     * The settings that differ from {@code given}, one line each with its value here (the
     * checkpoint's) and the given one; empty when a resume may go on.
     */
    public List<String> differences(Training given) {
      List<String> d = new ArrayList<>();
      diff(d, "--batch-size", batchSize, given.batchSize);
      diff(d, "--lr", learningRate, given.learningRate);
      diff(d, "--warmup", warmupSteps, given.warmupSteps);
      diff(d, "--train-seed", trainSeed, given.trainSeed);
      diff(d, "--init-seed", initSeed, given.initSeed);
      diff(d, "--clip-norm", clipNorm, given.clipNorm);
      diff(d, "pool batches", poolBatches, given.poolBatches);
      diff(d, "data", data, given.data);
      diff(d, "--decay", decayShape(), given.decayShape());
      if (!"invsqrt".equals(decayShape()) && !"constant".equals(decayShape())) {
        diff(d, "--decay-end", decayEnd, given.decayEnd);
      }
      diff(d, "the schedule's start (the --init-from checkpoint's step)", scheduleStart, given.scheduleStart);
      diff(d, "--init-from weights (sha256)", initFrom, given.initFrom);
      return d;
    }

    private static void diff(List<String> out, String name, Object saved, Object given) {
      if (!Objects.equals(saved, given)) {
        out.add(name + ": checkpoint " + saved + ", given " + given);
      }
    }
  }

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
    require(m.weightsFile() != null && isPlainName(m.weightsFile()), "weightsFile");
    require(isSha256(m.weightsSha256()), "weightsSha256");
    require(m.weightsBytes() > 0, "weightsBytes");
    require(m.optimizerFile() == null || isPlainName(m.optimizerFile()), "optimizerFile");
    // checksums of the optimizer state are optional (older manifests), but all or nothing
    boolean noSum = m.optimizerSha256() == null && m.optimizerBytes() == 0;
    require(noSum || m.optimizerFile() != null && isSha256(m.optimizerSha256()) && m.optimizerBytes() > 0,
        "optimizerSha256/optimizerBytes");
    return m;
  }

  /** A file name inside the checkpoint directory: no separator, no way up. */
  private static boolean isPlainName(String name) {
    return !name.contains("/") && !name.contains("..");
  }

  private static boolean isSha256(String hex) {
    return hex != null && hex.matches("[0-9a-f]{64}");
  }

  private static void require(boolean ok, String field) {
    if (!ok) {
      throw new CheckpointException("manifest field '" + field + "' is missing or invalid");
    }
  }
}
