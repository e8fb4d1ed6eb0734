package dev.lp.app;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long command on stderr. On a terminal: one line redrawn in place with a carriage
 * return, at most every {@link #INTERVAL_NANOS} so that printing never slows the work it reports on.
 * Elsewhere (a log file, a pipe, CI): a whole line at most every {@link #LOG_INTERVAL_NANOS}, so the
 * log stays readable instead of holding one endless line. Not thread-safe: call it from the thread
 * that owns the progress count.
 *
 * <p>Hand-written rather than a library (me.tongfei:progressbar): it is this one class, it writes to
 * the command's PrintWriter (which tests capture), and needs no terminal library.
 */
final class ProgressBar {

  /** Redraw at most four times a second. */
  static final long INTERVAL_NANOS = 250_000_000L;

  /** Without a terminal, a line at most every ten seconds. */
  static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final String unit;
  private final long total;
  private final long startNanos = System.nanoTime();
  private long lastDraw = startNanos;
  private int lastWidth;
  private final boolean terminal;

  /** A bar redrawn in place when this process has a console, whole lines otherwise. */
  ProgressBar(PrintWriter err, String unit, long total) {
    this(err, unit, total, System.console() != null);
  }

  ProgressBar(PrintWriter err, String unit, long total, boolean terminal) {
    this.err = err;
    this.unit = unit;
    this.total = total;
    this.terminal = terminal;
  }

  /** Reports that {@code done} of the total are finished; redraws only when the interval has passed since the last draw (or the start). */
  void update(long done) {
    long now = System.nanoTime();
    if (now - lastDraw < (terminal ? INTERVAL_NANOS : LOG_INTERVAL_NANOS)) {
      return;
    }
    lastDraw = now;
    draw(done, now);
  }

  /** Draws the final state and ends the line. */
  void finish(long done) {
    draw(done, System.nanoTime());
    if (terminal) {
      err.println();
    }
    err.flush();
  }

  private void draw(long done, long now) {
    double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
    double rate = done / seconds;
    double fraction = total == 0 ? 1 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.round(fraction * WIDTH);
    String eta = rate > 0 && done < total ? String.format(Locale.ROOT, " ETA %.0fs", (total - done) / rate) : "";
    String line = String.format(Locale.ROOT, "[%s%s] %3.0f%% %,d/%,d %s %,.0f %s/s%s",
        "#".repeat(filled), ".".repeat(WIDTH - filled), fraction * 100, done, total, unit, rate, unit, eta);
    if (!terminal) {
      err.println(line);
      err.flush();
      return;
    }
    // Pad over the previous line's tail, since a shorter line would leave stale characters.
    String pad = " ".repeat(Math.max(0, lastWidth - line.length()));
    lastWidth = line.length();
    err.print("\r" + line + pad);
    err.flush();
  }
}
