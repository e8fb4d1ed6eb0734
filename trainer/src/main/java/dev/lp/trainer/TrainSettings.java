package dev.lp.trainer;

import dev.lp.checkpoint.Manifest;
import java.nio.file.Path;

/**
 * One training run, as typed settings read once from the command line.
 *
 * @param outDir run directory: checkpoints/, metrics.csv, curves
 * @param steps total optimisation steps of the run (a resumed run stops at the same total)
 * @param batchSize tasks per step
 * @param learningRate peak learning rate (reference: 1e-3)
 * @param warmupSteps linear warm-up length before inverse square-root decay
 * @param trainSeed seed of the task stream (never reuse it for evaluation)
 * @param initSeed seed of the weight initialisation
 * @param dataThreads background threads that sample and encode batches
 * @param poolBatches batches per length-bucketing pool
 * @param logEvery steps between metric rows and progress updates
 * @param checkpointEvery steps between checkpoints (one is always written at the end)
 * @param resume continue from the newest checkpoint in outDir
 * @param clipNorm largest global L2 norm of the gradients (scaled down beyond it); 0 = no clipping
 * @param data what the task source is (sampler settings, or a task file's checksum), recorded so a
 *     resume on other data is refused; null when the caller does not say
 * @param decay the learning rate's shape after the warm-up ({@link LrSchedule.Shape})
 * @param decayEnd the step a linear or cosine decay reaches zero at; 0 = {@code steps}
 * @param initFrom a checkpoint directory whose weights, step and tasks seen a fresh run starts
 *     from (its optimizer state is not taken: Adam starts anew under the warm-up); null = fresh
 *     weights from {@code initSeed}
 */
public record TrainSettings(
    Path outDir,
    long steps,
    int batchSize,
    float learningRate,
    long warmupSteps,
    long trainSeed,
    long initSeed,
    int dataThreads,
    int poolBatches,
    long logEvery,
    long checkpointEvery,
    boolean resume,
    float clipNorm,
    String data,
    LrSchedule.Shape decay,
    long decayEnd,
    Path initFrom) {

  /** Settings without a description of the task source. */
  public TrainSettings(Path outDir, long steps, int batchSize, float learningRate, long warmupSteps, long trainSeed,
      long initSeed, int dataThreads, int poolBatches, long logEvery, long checkpointEvery, boolean resume,
      float clipNorm) {
    this(outDir, steps, batchSize, learningRate, warmupSteps, trainSeed, initSeed, dataThreads, poolBatches,
        logEvery, checkpointEvery, resume, clipNorm, null, LrSchedule.Shape.INVSQRT, 0, null);
  }

  /** Settings with the reference schedule (inverse square root) and fresh weights. */
  public TrainSettings(Path outDir, long steps, int batchSize, float learningRate, long warmupSteps, long trainSeed,
      long initSeed, int dataThreads, int poolBatches, long logEvery, long checkpointEvery, boolean resume,
      float clipNorm, String data) {
    this(outDir, steps, batchSize, learningRate, warmupSteps, trainSeed, initSeed, dataThreads, poolBatches,
        logEvery, checkpointEvery, resume, clipNorm, data, LrSchedule.Shape.INVSQRT, 0, null);
  }

  /** These settings with another decay shape and end (0 = the run's last step). */
  public TrainSettings withDecay(LrSchedule.Shape shape, long end) {
    return new TrainSettings(outDir, steps, batchSize, learningRate, warmupSteps, trainSeed, initSeed, dataThreads,
        poolBatches, logEvery, checkpointEvery, resume, clipNorm, data, shape, end, initFrom);
  }

  /** These settings, starting from the weights of the checkpoint in {@code dir}. */
  public TrainSettings withInitFrom(Path dir) {
    return new TrainSettings(outDir, steps, batchSize, learningRate, warmupSteps, trainSeed, initSeed, dataThreads,
        poolBatches, logEvery, checkpointEvery, resume, clipNorm, data, decay, decayEnd, dir);
  }

  /** The step a linear or cosine decay reaches zero at. */
  public long plannedEnd() {
    return decayEnd > 0 ? decayEnd : steps;
  }

  public TrainSettings {
    if (steps < 1) {
      throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
    }
    if (dataThreads < 1) {
      throw new IllegalArgumentException("--data-threads must be >= 1, got " + dataThreads);
    }
    if (!(clipNorm >= 0f) || Float.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("--clip-norm must be a finite number >= 0 (0 = off), got " + clipNorm);
    }
    if (decay == null) {
      throw new IllegalArgumentException("--decay must be given");
    }
    if (decayEnd < 0) {
      throw new IllegalArgumentException("--decay-end must be >= 0 (0 = --steps), got " + decayEnd);
    }
    if (poolBatches < 1 || logEvery < 1 || checkpointEvery < 1 || warmupSteps < 1) {
      throw new IllegalArgumentException("pool, log, checkpoint and warm-up intervals must be >= 1");
    }
  }

  /**
   * The settings a resumed run must repeat (recorded in every checkpoint's manifest): not the
   * target step, the data threads, or the logging and checkpoint intervals.
   */
  public Manifest.Training recorded(long scheduleStart, String initFromSha256) {
    return new Manifest.Training(batchSize, learningRate, warmupSteps, trainSeed, initSeed, clipNorm, poolBatches,
        data, decay.id(), plannedEnd(), scheduleStart, initFromSha256);
  }

  /** As {@link #recorded(long, String)} for a run from fresh weights. */
  public Manifest.Training recorded() {
    return recorded(0, null);
  }
}
