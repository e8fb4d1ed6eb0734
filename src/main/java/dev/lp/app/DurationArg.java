package dev.lp.app;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import picocli.CommandLine;

/**
 * A duration on the command line in the config's own syntax ({@code 30s}, {@code 500ms},
 * {@code 2m}), so a flag and its config key read alike. A unit is required (a bare number would be
 * milliseconds to HOCON and seconds to most readers) and the value must be positive.
 */
final class DurationArg implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.strip();
    if (v.isEmpty() || Character.isDigit(v.charAt(v.length() - 1))) {
      throw new CommandLine.TypeConversionException("'" + value + "' needs a unit, e.g. 30s, 500ms or 2m");
    }
    Duration d;
    try {
      d = ConfigFactory.parseString("d = \"" + v.replace("\"", "") + "\"").getDuration("d");
    } catch (ConfigException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 30s, 500ms, 2m)");
    }
    if (d.isZero() || d.isNegative()) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be more than 0");
    }
    return d;
  }
}
