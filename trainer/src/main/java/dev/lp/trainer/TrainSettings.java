package dev.lp.trainer;

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
    float clipNorm) {

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
    if (poolBatches < 1 || logEvery < 1 || checkpointEvery < 1 || warmupSteps < 1) {
      throw new IllegalArgumentException("pool, log, checkpoint and warm-up intervals must be >= 1");
    }
  }
}
