package dev.lp.data;

import dev.lp.dsl.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Samples a range of task indices on several threads and delivers the results in index order.
 *
 * <p>Contract: for any thread count the sink sees exactly what a single thread calling {@link
 * TaskSampler#sample(long, long)} for each index in order would produce, because every task is a
 * pure function of (seed, index). Work is cut into chunks of {@link #CHUNK} indices; at most
 * {@code 4 × threads} chunks are in flight, so memory stays bounded for any count. The mapper runs
 * on the worker threads (put per-task work such as JSON encoding there); the sink runs on the
 * calling thread, one call per task, in index order. A failure in the mapper or the sink stops
 * the run and is rethrown to the caller.
 */
public final class ParallelSampler {

  /** Indices per unit of work: large enough to amortise hand-off, small enough to keep threads busy. */
  public static final int CHUNK = 256;

  /** Work done on a worker thread for one sampled task. */
  @FunctionalInterface
  public interface Mapper<R> {
    R map(long index, Task task) throws Exception;
  }

  private final TaskSampler sampler;
  private final int threads;

  public ParallelSampler(TaskSampler sampler, int threads) {
    this.sampler = Objects.requireNonNull(sampler, "sampler");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.threads = threads;
  }

  /** Samples indices {@code from .. from+count-1} of stream {@code seed}, maps each on a worker, hands results to {@code sink} in index order. */
  public <R> void run(long seed, long from, long count, Mapper<R> mapper, Consumer<? super R> sink) {
    Objects.requireNonNull(mapper, "mapper");
    Objects.requireNonNull(sink, "sink");
    if (from < 0 || count < 0) {
      throw new IllegalArgumentException(
          "task range must have from >= 0 and count >= 0, got from=" + from + " count=" + count);
    }
    if (count == 0) {
      return;
    }
    AtomicInteger ids = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "lp-sampler-" + ids.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      ArrayDeque<Future<List<R>>> inFlight = new ArrayDeque<>();
      long end = from + count;
      long next = from;
      int window = 4 * threads;
      while (next < end || !inFlight.isEmpty()) {
        while (next < end && inFlight.size() < window) {
          long lo = next;
          long hi = Math.min(end, lo + CHUNK);
          inFlight.add(pool.submit(() -> chunk(seed, lo, hi, mapper)));
          next = hi;
        }
        for (R r : await(inFlight.poll())) {
          sink.accept(r);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Convenience: the tasks of the range as a list, sampled on this sampler's threads. */
  public List<Task> sample(long seed, long from, int count) {
    List<Task> out = new ArrayList<>(Math.max(0, count));
    run(seed, from, count, (i, t) -> t, out::add);
    return out;
  }

  private <R> List<R> chunk(long seed, long lo, long hi, Mapper<R> mapper) throws Exception {
    List<R> out = new ArrayList<>((int) (hi - lo));
    for (long i = lo; i < hi; i++) {
      out.add(mapper.map(i, sampler.sample(seed, i)));
    }
    return out;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sampling tasks", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("sampling failed: " + cause, cause);
    }
  }
}
