package dev.lp.actors.kafka;

import dev.lp.actors.EventSink;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.Topics;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes SynthesisEvents to the results topic, keyed by request id.
 *
 * <p>Contract: thread-safe; events sent for one request id are written in the order of the
 * {@code send} calls (same key → same partition, idempotent producer with acks=all and at most 5
 * in-flight requests, so retries cannot reorder or duplicate them); each send's callback runs once,
 * with the record's metadata or the error, and callbacks of one partition run in send order. A tap,
 * when given, sees every event the broker acknowledged, just before that event's callback runs; it
 * cannot change the send or the callback (an exception it throws is logged).
 */
public final class Publisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Publisher.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final Duration closeTimeout;
  private final EventSink tap;

  public Publisher(PublisherSettings settings) {
    this(settings, event -> {});
  }

  /** A publisher whose every acknowledged event is also shown to {@code tap} (the worker's metrics). */
  public Publisher(PublisherSettings settings, EventSink tap) {
    if (settings == null || tap == null) {
      throw new IllegalArgumentException("Publisher needs settings and a tap");
    }
    this.topic = settings.topic();
    this.closeTimeout = settings.closeTimeout();
    this.tap = tap;
    this.producer = new KafkaProducer<>(properties(settings));
  }

  /** The producer properties: user extras first, then the ordering guarantees on top. */
  static Properties properties(PublisherSettings s) {
    var p = new Properties();
    p.putAll(s.producerProperties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, s.clientId() + "-publisher");
    p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(s.linger().toMillis()));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(s.deliveryTimeout().toMillis()));
    // delivery.timeout.ms must be >= linger.ms + request.timeout.ms, or the producer refuses to start.
    long request = Math.max(1, s.deliveryTimeout().toMillis() - s.linger().toMillis());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000, request)));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(s.deliveryTimeout().toMillis()));
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Sends {@code event}; {@code callback} gets the metadata or the failure (never both, once). */
  public void send(SynthesisEvent event, Callback callback) {
    send(event, null, callback);
  }

  /**
   * Sends {@code event} under {@code key}: the exact bytes of the request record's key, so a sender
   * that listens on its own key bytes finds the answer even when they are not UTF-8; null means the
   * event's request id (UTF-8).
   */
  public void send(SynthesisEvent event, byte[] key, Callback callback) {
    if (event == null || callback == null) {
      throw new IllegalArgumentException("send needs an event and a callback");
    }
    var record = new ProducerRecord<>(topic, key != null ? key : Topics.key(event.getRequestId()),
        event.toByteArray());
    Callback tapped =
        (md, error) -> {
          if (error == null) {
            try {
              tap.emit(event);
            } catch (RuntimeException e) {
              log.warn("[{}] the publisher's tap failed on event {}: {}",
                  event.getRequestId(), event.getSequence(), e.toString());
            }
          }
          callback.onCompletion(md, error);
        };
    try {
      producer.send(record, tapped);
    } catch (RuntimeException e) {
      // A closed producer or a metadata timeout throws here; report it the same way as a failed ack.
      callback.onCompletion(null, e);
    }
  }

  /** Sends {@code event}; the future completes when the broker acknowledged it. */
  public CompletableFuture<RecordMetadata> send(SynthesisEvent event) {
    var f = new CompletableFuture<RecordMetadata>();
    send(
        event,
        (md, e) -> {
          if (e != null) {
            f.completeExceptionally(e);
          } else {
            f.complete(md);
          }
        });
    return f;
  }

  /** Blocks until every event sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }

  /** Flushes and closes, waiting at most the configured close timeout. */
  @Override
  public void close() {
    producer.close(closeTimeout);
  }
}
