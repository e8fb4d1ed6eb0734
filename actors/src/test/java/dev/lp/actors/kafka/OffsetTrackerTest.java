package dev.lp.actors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("lp.requests", 0);
  private static final TopicPartition P1 = new TopicPartition("lp.requests", 1);

  @Test
  void commitsOnlyBelowTheLowestOpenOffset() {
    var t = new OffsetTracker();
    long g = t.assign(P0);
    for (long o = 10; o <= 13; o++) {
      t.received(P0, o);
    }
    assertEquals(Map.of(), t.committable(), "nothing done yet");
    t.done(P0, g, 12);
    t.done(P0, g, 11);
    assertEquals(Map.of(), t.committable(), "10 still open blocks 11 and 12");
    t.done(P0, g, 10);
    assertEquals(Map.of(P0, new OffsetAndMetadata(13)), t.committable());
    t.markCommitted(t.committable());
    assertEquals(Map.of(), t.committable(), "no commit when the point did not move");
    t.done(P0, g, 13);
    assertEquals(Map.of(P0, new OffsetAndMetadata(14)), t.committable());
    assertEquals(0, t.open());
  }

  @Test
  void partitionsAreIndependent() {
    var t = new OffsetTracker();
    long g0 = t.assign(P0);
    long g1 = t.assign(P1);
    assertEquals(2, t.assignedCount());
    t.received(P0, 0);
    t.received(P1, 5);
    t.received(P1, 6);
    t.done(P1, g1, 5);
    assertEquals(Map.of(P1, new OffsetAndMetadata(6)), t.committable());
    assertEquals(Map.of(), t.committable(List.of(P0)));
    t.done(P0, g0, 0);
    assertEquals(new OffsetAndMetadata(1), t.committable(List.of(P0)).get(P0));
  }

  @Test
  void staleCompletionsAfterReassignmentAreIgnored() {
    var t = new OffsetTracker();
    long old = t.assign(P0);
    t.received(P0, 3);
    t.revoke(P0);
    assertEquals(0, t.assignedCount());
    assertFalse(t.done(P0, old, 3), "revoked partition");
    long now = t.assign(P0);
    t.received(P0, 3);
    assertFalse(t.done(P0, old, 3), "completion of the previous generation");
    assertEquals(Map.of(), t.committable());
    assertTrue(t.done(P0, now, 3));
    assertEquals(Map.of(P0, new OffsetAndMetadata(4)), t.committable());
  }

  @Test
  void badInputsAreNamed() {
    var t = new OffsetTracker();
    var e = assertThrows(IllegalArgumentException.class, () -> t.received(P0, 1));
    assertTrue(e.getMessage().contains("not assigned"), e.getMessage());
    long g = t.assign(P0);
    t.received(P0, 5);
    e = assertThrows(IllegalArgumentException.class, () -> t.received(P0, 4));
    assertTrue(e.getMessage().contains("arrived after"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> t.done(P0, g, 7));
    assertTrue(e.getMessage().contains("not open"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.received(P0, -1));
  }
}
