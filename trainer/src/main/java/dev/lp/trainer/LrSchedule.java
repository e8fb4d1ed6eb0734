package dev.lp.trainer;

/**
 * The reference learning-rate schedule: linear warm-up to {@code base} over {@code warmup}
 * steps, then inverse square-root decay, so lr(step) = base · min(step/warmup, sqrt(warmup/step)).
 * Pure, so a resumed run continues the curve exactly from its step.
 */
public record LrSchedule(float base, long warmup) {

  public LrSchedule {
    if (!(base > 0) || !Float.isFinite(base)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + base);
    }
    if (warmup < 1) {
      throw new IllegalArgumentException("warm-up must be at least 1 step, got " + warmup);
    }
  }

  /** Learning rate for the 1-based optimisation step {@code step}. */
  public float at(long step) {
    if (step < 1) {
      throw new IllegalArgumentException("steps count from 1, got " + step);
    }
    double s = step;
    return (float) (base * Math.min(s / warmup, Math.sqrt(warmup / s)));
  }
}
