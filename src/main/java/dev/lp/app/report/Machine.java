package dev.lp.app.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** One line saying what a measurement ran on, for every section of docs/RESULTS.md. */
public final class Machine {

  private Machine() {}

  /** e.g. "2 cores (nproc), AMD EPYC ..., Java 17.0.15 (OpenJDK 64-Bit Server VM), Linux amd64". */
  public static String describe() {
    return String.format(Locale.ROOT, "%d cores (nproc), %s, Java %s (%s), %s %s",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name"), System.getProperty("os.name"), System.getProperty("os.arch"));
  }

  /** The CPU model from /proc/cpuinfo, or "unknown CPU" where there is none. */
  public static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: say so rather than fail a benchmark
    }
    return "unknown CPU";
  }

  /** The 1/5/15-minute load averages of the whole machine ("3.98 / 2.16 / 0.91"), or "unknown". */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " / " + f[1] + " / " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
