package dev.lp.app.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka broker answers a worker, for its readiness probe: one daemon thread asks the
 * cluster id every {@code interval}; {@link #problem} reports the broker only once it has not
 * answered for longer than {@code grace}.
 *
 * <p>Why a grace period: a broker restart, a leader election or one slow answer on a loaded
 * machine lasts seconds, and the consumer and producer ride it out by themselves; readiness that
 * flapped with every such blip would only add noise. Liveness never looks here: restarting the
 * worker does not bring a broker back.
 *
 * <p>Contract: starts counting from construction as if the broker had just answered (the worker
 * checked it before starting); {@link #close} stops the thread and the admin client.
 */
final class BrokerHealth implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrokerHealth.class);

  private final Admin admin;
  private final Duration interval;
  private final Duration grace;
  private final Thread thread;
  private volatile long lastAnswerNanos = System.nanoTime();
  private volatile String lastError = "";
  private long failedChecks;
  private volatile boolean running = true;

  BrokerHealth(String bootstrap, Duration interval, Duration grace) {
    if (interval.isNegative() || interval.isZero() || grace.isNegative()) {
      throw new IllegalArgumentException("lp.ops.broker-check-interval must be > 0 and lp.ops.broker-grace >= 0, got "
          + interval + " and " + grace);
    }
    int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, interval.toMillis()));
    this.admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, "lp-worker-health",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms));
    this.interval = interval;
    this.grace = grace;
    this.thread = new Thread(this::run, "lp-broker-health");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      long asked = System.nanoTime();
      try {
        admin.describeCluster().clusterId().get(interval.toMillis(), TimeUnit.MILLISECONDS);
        if (!lastError.isEmpty()) {
          log.info("the Kafka broker answers again after {} s ({} checks failed)",
              (System.nanoTime() - lastAnswerNanos) / 1_000_000_000, failedChecks);
        }
        lastAnswerNanos = System.nanoTime();
        lastError = "";
        failedChecks = 0;
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        String error = e.getCause() != null ? e.getCause().toString() : e.toString();
        if (lastError.isEmpty()) {
          // once per outage: the Kafka clients' own reconnect warnings are silenced (config/logback.xml)
          log.warn("the Kafka broker does not answer ({}); requests wait in Kafka, readiness turns 503 after {} s"
              + " (lp.ops.broker-grace); one line follows when it answers again", error, grace.toSeconds());
        }
        lastError = error;
        failedChecks++;
      }
      long left = interval.toNanos() - (System.nanoTime() - asked);
      if (left > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(left);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Why the worker is not ready because of the broker, or empty while it answered within the grace. */
  Optional<String> problem() {
    long silentMs = (System.nanoTime() - lastAnswerNanos) / 1_000_000;
    if (silentMs <= grace.toMillis()) {
      return Optional.empty();
    }
    return Optional.of("the Kafka broker has not answered for " + silentMs / 1000 + " s (grace "
        + grace.toSeconds() + " s, lp.ops.broker-grace)" + (lastError.isEmpty() ? "" : ": " + lastError));
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(2));
  }
}
