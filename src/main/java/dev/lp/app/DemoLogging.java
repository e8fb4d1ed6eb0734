package dev.lp.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's screen is its output: while open, log lines go to a file, and the console shows only
 * lp's own warnings and everyone's errors.
 *
 * <p>Why: the demo's events were interleaved with INFO lines of the worker and with warnings that
 * mean nothing to someone watching it: Kafka's start-up and shut-down chatter from the embedded
 * broker ("Performing controller activation", "already been closed"). Everything still reaches
 * the file, at the levels config/logback.xml sets.
 *
 * <p>Contract: logback's console appender is the one named STDERR in logback.xml; without it (or
 * without logback) only the file appender is skipped and the console stays as it is. {@link
 * #close} restores the console and closes the file, so the rest of the JVM (tests calling
 * `Main.run("demo")`) logs as before.
 */
final class DemoLogging implements AutoCloseable {
  private final ch.qos.logback.classic.Logger root;
  private final Appender<ILoggingEvent> console;
  private final Filter<ILoggingEvent> filter;
  private final FileAppender<ILoggingEvent> file;

  private DemoLogging(ch.qos.logback.classic.Logger root, Appender<ILoggingEvent> console,
      Filter<ILoggingEvent> filter, FileAppender<ILoggingEvent> file) {
    this.root = root;
    this.console = console;
    this.filter = filter;
    this.file = file;
  }

  /** Sends log lines to {@code path} (created, truncated) and quiets the console; null when logback is absent. */
  static DemoLogging toFile(Path path) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return null;
    }
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the directory of the demo log " + path, e);
    }
    var root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    var encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n");
    encoder.start();
    var file = new FileAppender<ILoggingEvent>();
    file.setContext(ctx);
    file.setName("lp-demo-file");
    file.setFile(path.toString());
    file.setAppend(false);
    file.setEncoder(encoder);
    file.start();
    root.addAppender(file);
    var console = root.getAppender("STDERR");
    Filter<ILoggingEvent> filter = new Filter<>() {
      @Override
      public FilterReply decide(ILoggingEvent e) {
        boolean ours = e.getLoggerName().startsWith("dev.lp");
        int min = ours ? ch.qos.logback.classic.Level.WARN_INT : ch.qos.logback.classic.Level.ERROR_INT;
        return e.getLevel().toInt() >= min ? FilterReply.NEUTRAL : FilterReply.DENY;
      }
    };
    if (console != null) {
      console.addFilter(filter);
    }
    return new DemoLogging(root, console, filter, file);
  }

  @Override
  public void close() {
    if (console != null) {
      // Logback has no removeFilter: keep every filter but ours.
      var others = console.getCopyOfAttachedFiltersList();
      console.clearAllFilters();
      others.stream().filter(f -> f != filter).forEach(console::addFilter);
    }
    root.detachAppender(file);
    file.stop();
  }
}
