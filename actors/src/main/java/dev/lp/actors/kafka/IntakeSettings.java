package dev.lp.actors.kafka;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Typed settings of the {@link Intake}, read once from {@code lp.kafka} (defaults and meanings in
 * config/application.conf).
 *
 * @param bootstrapServers Kafka bootstrap list, {@code host:port[,host:port...]}
 * @param topic the requests topic to consume
 * @param groupId consumer group shared by all workers
 * @param clientId client id prefix (appears in broker logs and metrics)
 * @param maxInFlight most requests submitted and not finished; beyond it the partitions pause
 * @param pollTimeout longest one poll blocks (bounds how fast completions are noticed)
 * @param commitInterval how often finished offsets are committed (also on revoke and close)
 * @param drainTimeout on close, how long running requests get to finish before their offsets are
 *     left uncommitted (and so reprocessed by the next owner)
 * @param consumerProperties extra kafka-clients consumer properties, applied last
 */
public record IntakeSettings(
    String bootstrapServers,
    String topic,
    String groupId,
    String clientId,
    int maxInFlight,
    Duration pollTimeout,
    Duration commitInterval,
    Duration drainTimeout,
    Map<String, String> consumerProperties) {

  public IntakeSettings {
    nonBlank("lp.kafka.bootstrap-servers", bootstrapServers);
    nonBlank("lp.kafka.intake.topic", topic);
    nonBlank("lp.kafka.intake.group-id", groupId);
    nonBlank("lp.kafka.client-id", clientId);
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("lp.kafka.intake.max-in-flight must be >= 1, got " + maxInFlight);
    }
    positive("lp.kafka.intake.poll-timeout", pollTimeout);
    positive("lp.kafka.intake.commit-interval", commitInterval);
    if (drainTimeout == null || drainTimeout.isNegative()) {
      throw new IllegalArgumentException("lp.kafka.intake.drain-timeout must be >= 0, got " + drainTimeout);
    }
    consumerProperties = Map.copyOf(consumerProperties == null ? Map.of() : consumerProperties);
  }

  /** Reads {@code lp.kafka} of {@code c} (a full config with the application defaults merged). */
  public static IntakeSettings fromConfig(Config c) {
    Config k = c.getConfig("lp.kafka");
    Config i = k.getConfig("intake");
    return new IntakeSettings(
        k.getString("bootstrap-servers"),
        i.getString("topic"),
        i.getString("group-id"),
        k.getString("client-id"),
        i.getInt("max-in-flight"),
        i.getDuration("poll-timeout"),
        i.getDuration("commit-interval"),
        i.getDuration("drain-timeout"),
        consumerProperties(i));
  }

  /**
   * {@code consumer-properties}, with {@code group-instance-id} (static membership, off when empty
   * or absent) as {@code group.instance.id} unless the properties name one themselves.
   */
  private static Map<String, String> consumerProperties(Config intake) {
    var props = strings(intake.getConfig("consumer-properties"));
    String instance = intake.hasPath("group-instance-id") ? intake.getString("group-instance-id").strip() : "";
    if (!instance.isEmpty()) {
      props.putIfAbsent("group.instance.id", instance);
    }
    return props;
  }

  /** The same settings with another bootstrap list (the command line wins over the file). */
  public IntakeSettings withBootstrapServers(String servers) {
    return new IntakeSettings(servers, topic, groupId, clientId, maxInFlight, pollTimeout,
        commitInterval, drainTimeout, consumerProperties);
  }

  /** The same settings with another consumer group. */
  public IntakeSettings withGroupId(String group) {
    return new IntakeSettings(bootstrapServers, topic, group, clientId, maxInFlight, pollTimeout,
        commitInterval, drainTimeout, consumerProperties);
  }

  static Map<String, String> strings(Config c) {
    var out = new TreeMap<String, String>();
    // entrySet renders a quoted key ("session.timeout.ms" = ...) with its quotes, and an unquoted
    // one as a nested path; both mean the Kafka property session.timeout.ms.
    c.entrySet().forEach(e -> out.put(String.join(".", ConfigUtil.splitPath(e.getKey())),
        String.valueOf(e.getValue().unwrapped())));
    return out;
  }

  static void nonBlank(String key, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(key + " must not be blank");
    }
  }

  static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be > 0, got " + d);
    }
  }
}
