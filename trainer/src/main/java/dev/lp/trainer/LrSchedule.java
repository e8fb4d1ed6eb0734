package dev.lp.trainer;

import java.util.Locale;

/**
 * A learning-rate schedule: linear warm-up to {@code base} over {@code warmup} steps counted from
 * {@code start}, then one of four decay shapes. Pure, so a resumed run continues the curve exactly
 * from its step.
 *
 * <ul>
 *   <li>{@link Shape#INVSQRT} (the reference, and the shipped runs'): base · min(s/warmup,
 *       sqrt(warmup/s)) with s the step counted from {@code start}; it never reaches zero, so
 *       {@code end} plays no part.
 *   <li>{@link Shape#LINEAR}: from base after the warm-up down to zero at {@code end} (the planned
 *       last step; the last step's rate is base/(end − start − warmup + 1), not zero).
 *   <li>{@link Shape#COSINE}: half a cosine from base to zero over the same span.
 *   <li>{@link Shape#CONSTANT}: base after the warm-up.
 * </ul>
 *
 * <p>{@code start} is the step a run began at: 0 for a run from fresh weights, the source's step
 * for a run started from another run's weights ({@code lp train --init-from}), whose warm-up and
 * decay then count from there.
 *
 * @param base peak learning rate
 * @param warmup warm-up steps (≥ 1)
 * @param shape decay after the warm-up
 * @param start step the schedule counts from (≥ 0)
 * @param end planned last step of LINEAR and COSINE (> start + warmup for them); ignored otherwise
 */
public record LrSchedule(float base, long warmup, Shape shape, long start, long end) {

  /** Decay after the warm-up. */
  public enum Shape {
    INVSQRT, LINEAR, COSINE, CONSTANT;

    /** The command-line name (lower case). */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name; an unknown one gets a message that lists the known. */
    public static Shape parse(String id) {
      for (Shape s : values()) {
        if (s.id().equals(id)) {
          return s;
        }
      }
      throw new IllegalArgumentException("--decay must be invsqrt, linear, cosine or constant, got '" + id + "'");
    }
  }

  /** The reference schedule (inverse square root from step 0). */
  public LrSchedule(float base, long warmup) {
    this(base, warmup, Shape.INVSQRT, 0, 0);
  }

  public LrSchedule {
    if (!(base > 0) || !Float.isFinite(base)) {
      throw new IllegalArgumentException("learning rate must be a positive number, got " + base);
    }
    if (warmup < 1) {
      throw new IllegalArgumentException("warm-up must be at least 1 step, got " + warmup);
    }
    if (shape == null) {
      throw new IllegalArgumentException("the decay shape must be given");
    }
    if (start < 0) {
      throw new IllegalArgumentException("the schedule's start step must be >= 0, got " + start);
    }
    if ((shape == Shape.LINEAR || shape == Shape.COSINE) && end <= start + warmup) {
      throw new IllegalArgumentException("a " + shape.id() + " decay needs its end step (" + end
          + ") after the warm-up (start " + start + " + warm-up " + warmup + ")");
    }
  }

  /** Learning rate for the 1-based optimisation step {@code step} (> start). */
  public float at(long step) {
    if (step <= start) {
      throw new IllegalArgumentException("steps of this schedule count from " + (start + 1) + ", got " + step);
    }
    double s = step - start;
    if (shape == Shape.INVSQRT) {
      return (float) (base * Math.min(s / warmup, Math.sqrt(warmup / s)));
    }
    if (s <= warmup) {
      return (float) (base * s / warmup);
    }
    double span = end - start - warmup + 1;
    double f = Math.min(1.0, (s - warmup) / span);
    double factor = switch (shape) {
      case LINEAR -> 1.0 - f;
      case COSINE -> 0.5 * (1.0 + Math.cos(Math.PI * f));
      default -> 1.0;
    };
    return (float) (base * Math.max(factor, 0.0));
  }
}
