package dev.lp.app.ops;

import com.typesafe.config.Config;

/**
 * Typed settings of the worker's operations endpoint, read once from {@code lp.ops} (defaults and
 * meanings in config/application.conf).
 *
 * @param httpPort the port to listen on: -1 = no endpoint, 0 = any free port
 * @param bindAddress the address to listen on (0.0.0.0 = every interface)
 */
public record OpsSettings(int httpPort, String bindAddress) {

  public OpsSettings {
    if (httpPort < -1 || httpPort > 65_535) {
      throw new IllegalArgumentException("lp.ops.http-port (--ops-port) must be -1 (off), 0 (any free port) or a port"
          + " up to 65535, got " + httpPort);
    }
    if (bindAddress == null || bindAddress.isBlank()) {
      throw new IllegalArgumentException("lp.ops.bind-address must not be empty");
    }
  }

  /** Reads {@code lp.ops} of {@code c}. */
  public static OpsSettings fromConfig(Config c) {
    Config o = c.getConfig("lp.ops");
    return new OpsSettings(o.getInt("http-port"), o.getString("bind-address"));
  }

  /** Whether an endpoint is wanted at all. */
  public boolean enabled() {
    return httpPort >= 0;
  }
}
