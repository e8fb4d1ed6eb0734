package dev.lp.app;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT (Ctrl-C) as a request to stop, for the long-running commands ({@code lp
 * serve}, {@code lp demo --keep-running}).
 *
 * <p>Why not a shutdown hook alone: the JVM's own handlers run the hooks and then exit with 143
 * (SIGTERM) or 130 (SIGINT) whatever the hooks did, so a worker that drained and committed cleanly
 * still reported a failure to its supervisor. With these handlers installed the signal only
 * counts a latch down; the command's main thread stops its parts, and the command returns its
 * own exit code (0 for a clean stop). A second signal while stopping halts at once with the
 * conventional 128 + signal number, so an impatient Ctrl-C Ctrl-C still works.
 *
 * <p>sun.misc.Signal (module jdk.unsupported) is the only JDK API that replaces a signal's
 * handler; javac warns that it is internal. Where a signal cannot be handled (the JVM runs with
 * -Xrs, or the shell started the process with SIGINT ignored), that signal keeps the JVM's default
 * behaviour and the command's shutdown hook still stops it cleanly.
 */
final class StopSignal {
  private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

  private final CountDownLatch received = new CountDownLatch(1);
  private final AtomicReference<String> name = new AtomicReference<>();

  private StopSignal() {}

  /** Installs the handlers for TERM and INT; the returned object reports the first one received. */
  static StopSignal install() {
    var stop = new StopSignal();
    for (String signal : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), stop::onSignal);
      } catch (IllegalArgumentException unavailable) {
        log.debug("SIG{} keeps the JVM's handler: {}", signal, unavailable.getMessage());
      }
    }
    return stop;
  }

  private void onSignal(sun.misc.Signal s) {
    if (!name.compareAndSet(null, "SIG" + s.getName())) {
      System.err.println("SIG" + s.getName() + " again while stopping: exiting now, without draining");
      Runtime.getRuntime().halt(128 + s.getNumber());
    }
    received.countDown();
  }

  /** Waits up to {@code timeout} for a signal; true once one was received. */
  boolean await(Duration timeout) throws InterruptedException {
    return received.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The first signal received (e.g. "SIGTERM"), if any. */
  Optional<String> received() {
    return Optional.ofNullable(name.get());
  }
}
