package dev.lp.nn;

import java.util.Map;

/**
 * Losses and metrics of one training or evaluation step.
 *
 * @param loss the optimised total (for the LP: ae + beta*commit + lp [+ e2e])
 * @param parts the named terms: "ce" (baseline); "ae", "commit", "lp", "e2e" (LP; "e2e" only
 *     after pretraining), each unweighted
 * @param tokenAccuracy share of non-pad program target tokens predicted by argmax under teacher
 *     forcing (LP: through the predicted soft latents after pretraining, else the autoencoder)
 * @param tokens number of non-pad program target tokens in the batch
 */
public record StepResult(float loss, Map<String, Float> parts, float tokenAccuracy, int tokens) {
  public StepResult {
    parts = Map.copyOf(parts);
  }
}
