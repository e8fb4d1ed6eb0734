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
 * @param gradNorm global L2 norm of the gradients before clipping (NaN for an evaluation)
 * @param skipped true when the loss or the gradients were not finite and the step changed nothing
 */
public record StepResult(float loss, Map<String, Float> parts, float tokenAccuracy, int tokens, float gradNorm,
    boolean skipped) {
  public StepResult {
    parts = Map.copyOf(parts);
  }
}
