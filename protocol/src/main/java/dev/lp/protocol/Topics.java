package dev.lp.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one place that names the Kafka topics and how records are keyed.
 *
 * <p>Every record on {@link #REQUESTS} and {@link #RESULTS} is keyed by its request id in UTF-8,
 * so one request's events stay on one partition, in order.
 */
public final class Topics {
  /** {@link SynthesisRequest} values. */
  public static final String REQUESTS = "lp.requests";
  /** {@link SynthesisEvent} values. */
  public static final String RESULTS = "lp.results";
  /**
   * {@link CheckpointChunk} values: published checkpoints' weights in chunks, keyed by
   * {@link #checkpointKey}; compacted, and read from the beginning by every worker.
   */
  public static final String CHECKPOINTS = "lp.checkpoints";

  /**
   * Topic settings of {@link #CHECKPOINTS}: compacted, and cleaned soon after its publishers
   * tombstone retired checkpoints (segments roll hourly; a tenth of dirty records is enough to
   * clean), so a starting worker does not read every checkpoint ever published.
   */
  public static final Map<String, String> CHECKPOINTS_CONFIG = Map.of(
      "cleanup.policy", "compact",
      "segment.ms", "3600000",
      "min.cleanable.dirty.ratio", "0.1");

  /** The protocol version this build writes and accepts. */
  public static final int PROTOCOL_VERSION = 1;

  private Topics() {}

  /** The record key for a request id. */
  public static byte[] key(String requestId) {
    if (requestId == null) {
      throw new IllegalArgumentException("requestId must not be null");
    }
    return requestId.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What names one published checkpoint: {@code kind/version/sha}, sha being the first 16 hex
   * digits of its weights' sha256. Two runs (or two kinds) reach the same step, hence the same
   * version; their chunks must not share keys, or compaction and tombstones would mix them.
   */
  public static String checkpointId(String kind, String version, String weightsSha256) {
    if (kind == null || kind.isEmpty() || version == null || version.isEmpty()) {
      throw new IllegalArgumentException("checkpoint kind and version must not be empty");
    }
    if (weightsSha256 == null || weightsSha256.length() < 16) {
      throw new IllegalArgumentException("checkpoint weights sha256 must have at least 16 hex digits");
    }
    return kind + "/" + version + "/" + weightsSha256.substring(0, 16);
  }

  /** The record key of one checkpoint chunk: {@code checkpointId + "/" + index}. */
  public static byte[] checkpointKey(String kind, String version, String weightsSha256, int index) {
    if (index < 0) {
      throw new IllegalArgumentException("checkpoint chunk index must be >= 0, got " + index);
    }
    return (checkpointId(kind, version, weightsSha256) + "/" + index).getBytes(StandardCharsets.UTF_8);
  }

  /** The request id a record key names ("" for a null key). */
  public static String requestId(byte[] key) {
    return key == null ? "" : new String(key, StandardCharsets.UTF_8);
  }
}
