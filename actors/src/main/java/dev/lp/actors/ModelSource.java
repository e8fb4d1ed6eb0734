package dev.lp.actors;

import dev.lp.search.SynthesisModel;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Supplies the model that NEW requests use; a running request keeps the model it started with.
 *
 * <p>Contract: thread-safe; may return a different model after a hot reload; the engine never
 * closes a model it got from here (the source owns its models' lifecycles). Returning null means
 * "no model loaded": requests are then answered with Error INTERNAL.
 *
 * <p>A request holds its model through a {@link Lease} ({@link #acquire}) from its start until
 * every handle it opened is closed (the ModelWorker releases it then), so a hot-reloading source can
 * close a replaced model as soon as no request holds it.
 */
@FunctionalInterface
public interface ModelSource {
  SynthesisModel current();

  /**
   * The current model, held until the lease is closed. The default holds nothing (for sources whose
   * models never change); a hot-reloading source counts its holders.
   */
  default Lease acquire() {
    return new Lease(current(), () -> {});
  }

  /** A source that always returns {@code model}. */
  static ModelSource fixed(SynthesisModel model) {
    return () -> model;
  }

  /**
   * One request's hold on a model. {@link #close} releases it once; later calls do nothing.
   * {@code model} is null when no model is loaded.
   */
  final class Lease implements AutoCloseable {
    private final SynthesisModel model;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Lease(SynthesisModel model, Runnable release) {
      this.model = model;
      this.release = release;
    }

    public SynthesisModel model() {
      return model;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release.run();
      }
    }
  }
}
