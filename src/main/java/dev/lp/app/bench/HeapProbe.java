package dev.lp.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The heap another JVM of this machine holds after a full collection, asked through {@code jcmd}
 * (GC.run, then GC.heap_info), and its resident set from /proc: what a fuzz or soak run samples to
 * show a worker's memory stays bounded.
 */
public final class HeapProbe {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

  private HeapProbe() {}

  /** One sample; -1 for what could not be read. */
  public record Sample(long heapUsedKb, long rssKb) {}

  /** Collects {@code pid}'s garbage and reads its heap in use and resident set. */
  public static Sample afterFullGc(long pid) {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    var m = USED.matcher(info);
    long heap = m.find() ? Long.parseLong(m.group(1)) : -1;
    long rss = -1;
    try {
      var r = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      rss = r.find() ? Long.parseLong(r.group(1)) : -1;
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return new Sample(heap, rss);
  }

  private static String jcmd(long pid, String what) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      var p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), what).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
