package dev.lp.checkpoint.publish;

import com.google.protobuf.ByteString;
import dev.lp.protocol.CheckpointChunk;
import dev.lp.protocol.Topics;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes checkpoint directories on {@link Topics#CHECKPOINTS} as {@link CheckpointChunk}s of at
 * most {@link #CHUNK_BYTES} weight bytes, keyed {@code version/index}, so a worker with only Kafka
 * access can rebuild and verify them ({@link CheckpointAssembler}).
 *
 * <p>Contract: {@link #publish} verifies the directory first (a {@link CheckpointException} names
 * what is wrong, nothing is sent) and returns once every chunk is acknowledged by all in-sync
 * replicas (idempotent producer, acks=all). One publisher may be used by one thread at a time.
 *
 * <p>Retention: the topic is compacted and keyed per chunk, so a chunk stays until its key gets a
 * tombstone. When a publisher publishes a checkpoint of a model kind it has published before, it
 * then sends tombstones for every chunk of that earlier one, so a run publishing every checkpoint
 * leaves one per kind on the topic for new workers to read, not all of them. Checkpoints sent by
 * another publisher (an earlier process, {@code lp publish-checkpoint}) are left alone.
 */
public final class CheckpointPublisher implements AutoCloseable {

  /** Weight bytes per chunk: well under Kafka's default 1 MB message limit with the header. */
  public static final int CHUNK_BYTES = 512 * 1024;

  /** What one {@link #publish} sent. */
  public record Published(String version, String kind, long step, int chunks, long bytes, String sha256) {
    /** What its chunks' keys name ({@link Topics#checkpointId}). */
    public String checkpointId() {
      return Topics.checkpointId(kind, version, sha256);
    }
  }

  private final String bootstrap;
  private final Duration timeout;
  private final KafkaProducer<byte[], byte[]> producer;
  private final Map<String, Published> lastByKind = new HashMap<>();

  /**
   * @param bootstrap Kafka bootstrap servers, host:port[,host:port...]
   * @param timeout how long one publish (all chunks acknowledged) may take
   */
  public CheckpointPublisher(String bootstrap, Duration timeout) {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("the checkpoint publisher needs Kafka bootstrap servers");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("publish timeout must be > 0, got " + timeout);
    }
    this.bootstrap = bootstrap;
    this.timeout = timeout;
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "lp-checkpoint-publisher");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, timeout.toMillis()));
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Verifies the checkpoint in {@code dir} and publishes its weights; see the class contract. */
  public Published publish(Path dir) {
    CheckpointStore.Checkpoint c = CheckpointStore.open(dir);
    ensureTopic(bootstrap, timeout);
    List<CheckpointChunk> chunks = chunks(c, CHUNK_BYTES);
    var acks = new ArrayList<Future<RecordMetadata>>(chunks.size());
    for (CheckpointChunk chunk : chunks) {
      acks.add(producer.send(new ProducerRecord<>(Topics.CHECKPOINTS,
          Topics.checkpointKey(chunk.getKind(), chunk.getVersion(), chunk.getWeightsSha256(), chunk.getIndex()),
          chunk.toByteArray())));
    }
    producer.flush();
    await(acks, "publishing " + c.version());
    var out = new Published(c.version(), c.manifest().kind(), c.manifest().step(), chunks.size(),
        c.manifest().weightsBytes(), c.manifest().weightsSha256());
    Published before = lastByKind.put(out.kind(), out);
    // Compared by what the chunk keys name: publishing the same checkpoint again must not retire it.
    if (before != null && !before.checkpointId().equals(out.checkpointId())) {
      var tombstones = new ArrayList<Future<RecordMetadata>>(before.chunks());
      for (int i = 0; i < before.chunks(); i++) {
        tombstones.add(producer.send(new ProducerRecord<>(Topics.CHECKPOINTS,
            Topics.checkpointKey(before.kind(), before.version(), before.sha256(), i), null)));
      }
      producer.flush();
      await(tombstones, "published " + c.version() + ", but retiring " + before.version());
    }
    return out;
  }

  /** Waits for every ack within the publish timeout; {@code what} starts the error message. */
  private void await(List<Future<RecordMetadata>> acks, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (var ack : acks) {
        ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(what + " to " + bootstrap + " failed: "
          + (e.getCause() == null ? e : e.getCause()), e);
    }
  }

  /**
   * The chunks of a verified checkpoint, in index order, each with at most {@code chunkBytes}
   * weight bytes (pure: reads the files, sends nothing).
   */
  public static List<CheckpointChunk> chunks(CheckpointStore.Checkpoint c, int chunkBytes) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("chunkBytes must be >= 1, got " + chunkBytes);
    }
    String manifestJson;
    try {
      manifestJson = Files.readString(c.dir().resolve(CheckpointStore.MANIFEST), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException("cannot read the manifest of " + c.dir() + ": " + e.getMessage(), e);
    }
    long total = c.manifest().weightsBytes();
    long countLong = (total + chunkBytes - 1) / chunkBytes;
    if (countLong > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("weights of " + total + " bytes need too many chunks of " + chunkBytes);
    }
    int count = (int) countLong;
    var header = CheckpointChunk.newBuilder()
        .setProtocolVersion(Topics.PROTOCOL_VERSION)
        .setVersion(c.version())
        .setName(c.dir().getFileName().toString())
        .setKind(c.manifest().kind())
        .setStep(c.manifest().step())
        .setManifestJson(manifestJson)
        .setWeightsSha256(c.manifest().weightsSha256())
        .setTotalBytes(total)
        .setCount(count)
        .build();
    var out = new ArrayList<CheckpointChunk>(count);
    try (InputStream in = Files.newInputStream(c.weights())) {
      for (int i = 0; i < count; i++) {
        byte[] data = in.readNBytes((int) Math.min(chunkBytes, total - (long) i * chunkBytes));
        out.add(header.toBuilder().setIndex(i).setData(ByteString.copyFrom(data)).build());
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + c.weights() + ": " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Creates {@link Topics#CHECKPOINTS} (1 partition, compacted) when it does not exist; a topic
   * that exists is left as it is.
   */
  public static void ensureTopic(String bootstrap, Duration timeout) {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis())))) {
      // One partition keeps a checkpoint's chunks in order; replication is the broker's default.
      var topic = new NewTopic(Topics.CHECKPOINTS, Optional.of(1), Optional.empty())
          .configs(Topics.CHECKPOINTS_CONFIG);
      admin.createTopics(List.of(topic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + Topics.CHECKPOINTS + " on " + bootstrap + ": "
            + e.getCause(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + Topics.CHECKPOINTS, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topic " + Topics.CHECKPOINTS + " on " + bootstrap
          + " timed out after " + timeout.toMillis() + " ms", e);
    }
  }

  @Override
  public void close() {
    producer.close(timeout);
  }
}
