package dev.lp.search.vsa;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The clock a build's time budget runs on: the CPU time of the building thread, so that load from
 * other processes changes much less what a build cuts (with a wall-clock budget a 200-task eval fell
 * from 82.5% to ~50% consistent beside training runs; with this clock it gave 84% beside three
 * training runs and 91.5–94% alone: a CPU-second still does less work on shared cores and caches).
 * Where the JVM cannot measure a thread's CPU time, wall time.
 */
final class BuildClock {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU = cpuTimeAvailable();

  private BuildClock() {}

  private static boolean cpuTimeAvailable() {
    try {
      if (!THREADS.isCurrentThreadCpuTimeSupported()) {
        return false;
      }
      if (!THREADS.isThreadCpuTimeEnabled()) {
        THREADS.setThreadCpuTimeEnabled(true);
      }
      return THREADS.getCurrentThreadCpuTime() >= 0;
    } catch (UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** Nanoseconds on this thread's clock (only differences mean anything). */
  static long now() {
    return CPU ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
  }

  /** Whether {@link #now} is CPU time (else wall time). */
  static boolean cpuTime() {
    return CPU;
  }
}
