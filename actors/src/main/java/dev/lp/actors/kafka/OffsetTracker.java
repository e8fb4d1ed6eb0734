package dev.lp.actors.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each assigned partition may be committed when requests finish out of order.
 *
 * <p>Pure bookkeeping, confined to the consumer's thread. Contract: an offset is committable only
 * when it and every offset received before it on that partition are done; the commit point is the
 * lowest open offset (or one past the highest received when none is open). Each assignment of a
 * partition has a generation: completions from an earlier generation (a request still running when
 * its partition was revoked) are ignored, since the partition's new owner reprocesses them.
 */
public final class OffsetTracker {

  private static final class Partition {
    final long generation;
    final TreeSet<Long> open = new TreeSet<>();
    long next = -1; // one past the highest received offset; -1 before the first record
    long committed = -1;

    Partition(long generation) {
      this.generation = generation;
    }

    long commitPoint() {
      return open.isEmpty() ? next : open.first();
    }
  }

  private final Map<TopicPartition, Partition> partitions = new HashMap<>();
  private long generations;

  /** Starts tracking a newly assigned partition; returns its generation. */
  public long assign(TopicPartition tp) {
    long g = ++generations;
    partitions.put(tp, new Partition(g));
    return g;
  }

  /** Stops tracking a revoked or lost partition (its open offsets are abandoned, not committed). */
  public void revoke(TopicPartition tp) {
    partitions.remove(tp);
  }

  /** The generation of an assigned partition. */
  public long generation(TopicPartition tp) {
    return partition(tp).generation;
  }

  /** Whether {@code tp} is currently assigned. */
  public boolean isAssigned(TopicPartition tp) {
    return partitions.containsKey(tp);
  }

  /** How many partitions are assigned. */
  public int assignedCount() {
    return partitions.size();
  }

  /** A record at {@code offset} arrived; it stays open until {@link #done}. */
  public void received(TopicPartition tp, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset + " on " + tp);
    }
    Partition p = partition(tp);
    if (offset < p.next) {
      throw new IllegalArgumentException(
          "offset " + offset + " on " + tp + " arrived after offset " + (p.next - 1));
    }
    if (p.next < 0) {
      p.committed = offset; // the group's position already says "start here": nothing to commit
    }
    p.open.add(offset);
    p.next = offset + 1;
  }

  /**
   * The record at {@code offset} is finished (its last event was published).
   *
   * @return false when the completion is stale (another generation, or not assigned any more)
   */
  public boolean done(TopicPartition tp, long generation, long offset) {
    Partition p = partitions.get(tp);
    if (p == null || p.generation != generation) {
      return false;
    }
    if (!p.open.remove(offset)) {
      throw new IllegalArgumentException("offset " + offset + " on " + tp + " is not open");
    }
    return true;
  }

  /** Records received but not done, on every partition. */
  public int open() {
    return partitions.values().stream().mapToInt(p -> p.open.size()).sum();
  }

  /** The commit points that moved since {@link #markCommitted}, as consumer commit offsets. */
  public Map<TopicPartition, OffsetAndMetadata> committable() {
    var out = new HashMap<TopicPartition, OffsetAndMetadata>();
    partitions.forEach(
        (tp, p) -> {
          long point = p.commitPoint();
          if (point > p.committed) {
            out.put(tp, new OffsetAndMetadata(point));
          }
        });
    return out;
  }

  /** The commit points of {@code tps} only. */
  public Map<TopicPartition, OffsetAndMetadata> committable(Iterable<TopicPartition> tps) {
    var all = committable();
    var out = new HashMap<TopicPartition, OffsetAndMetadata>();
    for (var tp : tps) {
      if (all.containsKey(tp)) {
        out.put(tp, all.get(tp));
      }
    }
    return out;
  }

  /** Notes that {@code offsets} were committed so they are not sent again. */
  public void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach(
        (tp, o) -> {
          Partition p = partitions.get(tp);
          if (p != null && o.offset() > p.committed) {
            p.committed = o.offset();
          }
        });
  }

  private Partition partition(TopicPartition tp) {
    Partition p = partitions.get(tp);
    if (p == null) {
      throw new IllegalArgumentException("partition " + tp + " is not assigned");
    }
    return p;
  }
}
