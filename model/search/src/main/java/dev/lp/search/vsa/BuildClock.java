package dev.lp.search.vsa;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The clock a build's time budget runs on: the CPU time of the building thread, so that the same
 * task gets the same space on an idle machine and on a loaded one (a wall-clock budget cut 21.7% of
 * sampled tasks on an idle 2-core machine and about half of them with training running beside it).
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
