package dev.lp.actors.kafka;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;

/**
 * Typed settings of the {@link Publisher}, read once from {@code lp.kafka} (defaults and meanings
 * in config/application.conf). Idempotence, acks=all and at most 5 in-flight requests per
 * connection are not settings: they are what keeps one request's events in order.
 *
 * @param bootstrapServers Kafka bootstrap list, {@code host:port[,host:port...]}
 * @param topic the results topic to write
 * @param clientId client id prefix
 * @param linger how long the producer waits to fill a batch (0 sends at once: lowest latency)
 * @param deliveryTimeout how long an event may take to be acknowledged before its send fails
 * @param closeTimeout how long close waits for unsent events
 * @param producerProperties extra kafka-clients producer properties (the ordering ones cannot be
 *     overridden)
 */
public record PublisherSettings(
    String bootstrapServers,
    String topic,
    String clientId,
    Duration linger,
    Duration deliveryTimeout,
    Duration closeTimeout,
    Map<String, String> producerProperties) {

  public PublisherSettings {
    IntakeSettings.nonBlank("lp.kafka.bootstrap-servers", bootstrapServers);
    IntakeSettings.nonBlank("lp.kafka.publisher.topic", topic);
    IntakeSettings.nonBlank("lp.kafka.client-id", clientId);
    if (linger == null || linger.isNegative()) {
      throw new IllegalArgumentException("lp.kafka.publisher.linger must be >= 0, got " + linger);
    }
    IntakeSettings.positive("lp.kafka.publisher.delivery-timeout", deliveryTimeout);
    IntakeSettings.positive("lp.kafka.publisher.close-timeout", closeTimeout);
    producerProperties = Map.copyOf(producerProperties == null ? Map.of() : producerProperties);
  }

  /** Reads {@code lp.kafka} of {@code c}. */
  public static PublisherSettings fromConfig(Config c) {
    Config k = c.getConfig("lp.kafka");
    Config p = k.getConfig("publisher");
    return new PublisherSettings(
        k.getString("bootstrap-servers"),
        p.getString("topic"),
        k.getString("client-id"),
        p.getDuration("linger"),
        p.getDuration("delivery-timeout"),
        p.getDuration("close-timeout"),
        IntakeSettings.strings(p.getConfig("producer-properties")));
  }

  /** The same settings with another bootstrap list. */
  public PublisherSettings withBootstrapServers(String servers) {
    return new PublisherSettings(servers, topic, clientId, linger, deliveryTimeout, closeTimeout,
        producerProperties);
  }
}
