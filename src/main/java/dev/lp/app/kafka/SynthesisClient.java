package dev.lp.app.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lp.protocol.Example;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A client of the synthesis service over Kafka: sends requests to lp.requests and reads their
 * events from lp.results (all partitions, no consumer group, from the end as of connecting).
 *
 * <p>Contract: not thread-safe (one caller). Events published after {@link #connect} returned are
 * seen; each request's events arrive in sequence order because they share a key.
 */
public final class SynthesisClient implements AutoCloseable {

  /** No broker answered at the bootstrap address. */
  public static final class NoBrokerException extends Exception {
    NoBrokerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** An event and when this client received it. */
  public record Received(SynthesisEvent event, long receivedAtMs) {}

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;

  private SynthesisClient(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> consumer) {
    this.producer = producer;
    this.consumer = consumer;
  }

  /**
   * A request of the current protocol version with id {@code id} and one example per
   * input/output pair, options left to the caller.
   */
  public static SynthesisRequest.Builder request(String id, List<String> inputs, List<String> outputs) {
    if (inputs.size() != outputs.size()) {
      throw new IllegalArgumentException(inputs.size() + " inputs but " + outputs.size() + " outputs");
    }
    var request = SynthesisRequest.newBuilder().setProtocolVersion(Topics.PROTOCOL_VERSION).setRequestId(id);
    for (int i = 0; i < inputs.size(); i++) {
      request.addExamples(Example.newBuilder().setInput(inputs.get(i)).setOutput(outputs.get(i)));
    }
    return request;
  }

  /**
   * Connects, failing with {@link NoBrokerException} whose message says what happened: at once when
   * no bootstrap address is reachable (unknown host, connection refused: {@link BrokerProbe}),
   * after {@code timeout} when a reachable broker does not answer (a loaded machine or broker).
   */
  public static SynthesisClient connect(String bootstrap, Duration timeout) throws NoBrokerException {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("bootstrap servers must not be blank");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the connect timeout must be > 0, got " + timeout);
    }
    long end = System.nanoTime() + timeout.toNanos();
    var unreachable = BrokerProbe.unreachable(bootstrap, timeout);
    if (unreachable.isPresent()) {
      throw new NoBrokerException("cannot reach a Kafka broker at " + bootstrap + ": " + unreachable.get(), null);
    }
    String slow = "the Kafka broker at " + bootstrap + " accepts connections but did not answer within "
        + timeout.toMillis() + " ms (a loaded machine or broker? --connect-timeout / lp.client.connect-timeout)";
    var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.CLIENT_ID_CONFIG, "lp-client-results",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    // The consumer's first metadata request is the check that the broker answers (no separate
    // admin client: on a loaded machine each Kafka client costs start-up CPU that counts against
    // the timeout); the producer comes after, when the broker is known to answer.
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      var partitions = consumer.partitionsFor(Topics.RESULTS, Duration.ofMillis(remainingMs(end))).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException("topic " + Topics.RESULTS + " does not exist on " + bootstrap);
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      // Fixes the start before any send.
      partitions.forEach(tp -> consumer.position(tp, Duration.ofMillis(remainingMs(end))));
      producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ProducerConfig.CLIENT_ID_CONFIG, "lp-client",
          ProducerConfig.LINGER_MS_CONFIG, 0,
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      closeQuietly(consumer, producer);
      throw new NoBrokerException(slow, e);
    } catch (RuntimeException e) {
      closeQuietly(consumer, producer);
      throw e;
    }
    return new SynthesisClient(producer, consumer);
  }

  private static void closeQuietly(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer) {
    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
    if (producer != null) {
      producer.close(Duration.ZERO);
    }
  }

  /** Milliseconds left until {@code endNanos}, at least 1 (a Kafka timeout of 0 means "don't wait"). */
  private static int remainingMs(long endNanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (endNanos - System.nanoTime()) / 1_000_000));
  }

  /**
   * Sends a request (keyed by its id) and waits for the broker's acknowledgement; stamps
   * {@code sent_at_ms} with this clock unless the caller set it.
   */
  public RecordMetadata send(SynthesisRequest request) {
    // The worker counts the deadline from here (Deadlines), so a redelivered request keeps its budget.
    var stamped = request.getSentAtMs() != 0 ? request
        : request.toBuilder().setSentAtMs(System.currentTimeMillis()).build();
    return sendRaw(Topics.key(request.getRequestId()), stamped.toByteArray());
  }

  /** Sends arbitrary bytes to lp.requests (tests of the bad-input path); returns where they landed. */
  public RecordMetadata sendRaw(byte[] key, byte[] value) {
    try {
      return producer.send(new ProducerRecord<>(Topics.REQUESTS, key, value)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("sending to " + Topics.REQUESTS + " failed: " + e, e);
    }
  }

  /**
   * Reads events until every id in {@code requestIds} has its Finished event, or the timeout.
   *
   * @param onEvent called for each event of those ids, as it arrives
   * @return each id's events in arrival order (an id without Finished ran out of time)
   */
  public Map<String, List<Received>> await(
      Set<String> requestIds, Duration timeout, Consumer<Received> onEvent) {
    var out = new HashMap<String, List<Received>>();
    requestIds.forEach(id -> out.put(id, new ArrayList<>()));
    var open = new HashSet<>(requestIds);
    long end = System.nanoTime() + timeout.toNanos();
    while (!open.isEmpty() && System.nanoTime() < end) {
      poll(Duration.ofMillis(50), rec -> {
        var list = out.get(rec.event().getRequestId());
        if (list == null) {
          return;
        }
        list.add(rec);
        onEvent.accept(rec);
        if (rec.event().hasFinished()) {
          open.remove(rec.event().getRequestId());
        }
      });
    }
    return out;
  }

  /**
   * One poll of lp.results: hands every event that arrives within {@code timeout} (any request's)
   * to {@code onEvent}, in arrival order, and returns how many there were. Records that are not
   * SynthesisEvents (another producer's garbage) are skipped.
   */
  public int poll(Duration timeout, Consumer<Received> onEvent) {
    int n = 0;
    for (var r : consumer.poll(timeout)) {
      SynthesisEvent e;
      try {
        e = SynthesisEvent.parseFrom(r.value());
      } catch (InvalidProtocolBufferException ex) {
        continue; // not ours to judge
      }
      onEvent.accept(new Received(e, System.currentTimeMillis()));
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
    producer.close(Duration.ofSeconds(5));
  }
}
