package dev.lp.actors;

import dev.lp.search.SynthesisModel;

/**
 * Supplies the model that NEW requests use; a running request keeps the model it started with.
 *
 * <p>Contract: thread-safe; may return a different model after a hot reload; the engine never
 * closes a model it got from here (the source owns its models' lifecycles). Returning null means
 * "no model loaded": requests are then answered with Error INTERNAL.
 */
@FunctionalInterface
public interface ModelSource {
  SynthesisModel current();

  /** A source that always returns {@code model}. */
  static ModelSource fixed(SynthesisModel model) {
    return () -> model;
  }
}
