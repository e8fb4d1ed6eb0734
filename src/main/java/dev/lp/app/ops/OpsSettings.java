package dev.lp.app.ops;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed settings of the worker's operations endpoint, read once from {@code lp.ops} (defaults and
 * meanings in config/application.conf).
 *
 * @param httpPort the port to listen on: -1 = no endpoint, 0 = any free port
 * @param bindAddress the address to listen on (0.0.0.0 = every interface)
 * @param brokerCheckInterval how often a worker asks the broker whether it answers (readiness)
 * @param brokerGrace how long the broker may stay silent before readiness turns 503
 */
public record OpsSettings(int httpPort, String bindAddress, Duration brokerCheckInterval, Duration brokerGrace) {

  /** Defaults for the broker check: every 2 s, 15 s of grace (as in config/application.conf). */
  public OpsSettings(int httpPort, String bindAddress) {
    this(httpPort, bindAddress, Duration.ofSeconds(2), Duration.ofSeconds(15));
  }

  public OpsSettings {
    if (httpPort < -1 || httpPort > 65_535) {
      throw new IllegalArgumentException("lp.ops.http-port (--ops-port) must be -1 (off), 0 (any free port) or a port"
          + " up to 65535, got " + httpPort);
    }
    if (bindAddress == null || bindAddress.isBlank()) {
      throw new IllegalArgumentException("lp.ops.bind-address must not be empty");
    }
    if (brokerCheckInterval == null || brokerCheckInterval.isNegative() || brokerCheckInterval.isZero()) {
      throw new IllegalArgumentException("lp.ops.broker-check-interval must be > 0, got " + brokerCheckInterval);
    }
    if (brokerGrace == null || brokerGrace.isNegative()) {
      throw new IllegalArgumentException("lp.ops.broker-grace must be >= 0, got " + brokerGrace);
    }
  }

  /** Reads {@code lp.ops} of {@code c}. */
  public static OpsSettings fromConfig(Config c) {
    Config o = c.getConfig("lp.ops");
    return new OpsSettings(o.getInt("http-port"), o.getString("bind-address"),
        o.getDuration("broker-check-interval"), o.getDuration("broker-grace"));
  }

  /** Whether an endpoint is wanted at all. */
  public boolean enabled() {
    return httpPort >= 0;
  }
}
