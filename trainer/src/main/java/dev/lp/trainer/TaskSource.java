package dev.lp.trainer;

import dev.lp.dsl.Task;

/**
 * Where training tasks come from, by index, so that any position in the stream can be
 * recomputed: a resumed run asks for task {@code tasksSeen} and gets exactly what the
 * interrupted run would have seen next. Implementations are thread-safe.
 */
@FunctionalInterface
public interface TaskSource {
  Task task(long index);
}
