package dev.lp.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the application config: an optional file over application.conf over reference.conf. */
public final class AppConfig {
  private AppConfig() {}

  /** The resolved config; {@code file} (may be null) wins over the shipped defaults. */
  public static Config load(Path file) {
    ConfigFactory.invalidateCaches();
    Config defaults = ConfigFactory.load();
    if (file == null) {
      return defaults;
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config file " + file + " does not exist");
    }
    return ConfigFactory.parseFile(file.toFile()).withFallback(defaults).resolve();
  }
}
