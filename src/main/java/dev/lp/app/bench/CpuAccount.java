package dev.lp.app.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Process CPU time and per-thread CPU time grouped by role, read at two moments so the benchmark
 * can say where the CPU went between them.
 *
 * <p>Threads that end between the two readings and native threads the JVM does not manage (the
 * PyTorch/OpenMP pool, GC and JIT) show up only in the process total, as "unattributed".
 */
public final class CpuAccount {

  /** Thread roles, by the names Pekko, Kafka and the edge give their threads. */
  public enum Role {
    MODEL_THREAD("model thread (ModelWorker dispatcher)"),
    ENGINE_ACTORS("engine actors (Pekko dispatchers)"),
    KAFKA_EDGE("worker's Kafka edge (intake, publisher)"),
    BENCH_CLIENT("bench client (producer, consumer, driver)"),
    BROKER_AND_OTHER("embedded broker and other JVM threads");

    public final String label;

    Role(String label) {
      this.label = label;
    }
  }

  /** One reading. */
  public record Reading(long processCpuNanos, long wallNanos, Map<Long, Long> threadCpu, Map<Long, Role> roles) {}

  private final Thread driver;

  /** @param driver the thread that runs the benchmark client (counted as the client) */
  public CpuAccount(Thread driver) {
    this.driver = driver;
  }

  public Reading read() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, Role> roles = new HashMap<>();
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        roles.put(ids[i], role(ids[i], infos[i].getThreadName()));
      }
    }
    return new Reading(processCpu(), System.nanoTime(), cpu, roles);
  }

  /** CPU nanoseconds per role between {@code from} and {@code to}, plus "unattributed". */
  public static Map<String, Long> between(Reading from, Reading to) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Role r : Role.values()) {
      out.put(r.label, 0L);
    }
    long attributed = 0;
    for (var e : to.threadCpu().entrySet()) {
      long d = e.getValue() - from.threadCpu().getOrDefault(e.getKey(), 0L);
      attributed += d;
      out.merge(to.roles().get(e.getKey()).label, d, Long::sum);
    }
    out.put("unattributed (ended threads, PyTorch native pool, GC, JIT)",
        Math.max(0, to.processCpuNanos() - from.processCpuNanos() - attributed));
    return out;
  }

  private Role role(long id, String name) {
    if (id == driver.getId() || name.contains("lp-client") || name.contains("lp-bench-client")) {
      return Role.BENCH_CLIENT;
    }
    if (name.contains("model-dispatcher")) {
      return Role.MODEL_THREAD;
    }
    if (name.contains("pekko.") || name.startsWith("lp-worker-scheduler")) {
      return Role.ENGINE_ACTORS;
    }
    if (name.equals("lp-intake") || name.endsWith("-publisher") || name.endsWith("-intake")) {
      return Role.KAFKA_EDGE;
    }
    return Role.BROKER_AND_OTHER;
  }

  private static long processCpu() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    throw new IllegalStateException("this JVM does not report process CPU time (com.sun.management is missing)");
  }
}
