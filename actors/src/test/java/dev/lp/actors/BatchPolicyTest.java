package dev.lp.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchPolicyTest {
  private final BatchPolicy policy = new BatchPolicy(4, Duration.ofMillis(5));

  @Test
  void firstJobWait_emptyQueueIsIdle() {
    assertEquals(new BatchPolicy.Idle(), policy.decide(0, 3, Duration.ZERO));
  }

  @Test
  void sizeCap_takesAtMostMaxBatchSize() {
    assertEquals(new BatchPolicy.Run(4), policy.decide(4, 10, Duration.ZERO));
    assertEquals(new BatchPolicy.Run(4), policy.decide(9, 10, Duration.ZERO));
  }

  @Test
  void delayCap_waitsForTheRemainderThenRuns() {
    assertEquals(new BatchPolicy.Wait(Duration.ofMillis(3)), policy.decide(2, 10, Duration.ofMillis(2)));
    assertEquals(new BatchPolicy.Run(2), policy.decide(2, 10, Duration.ofMillis(5)));
    assertEquals(new BatchPolicy.Run(2), policy.decide(2, 10, Duration.ofMillis(50)));
  }

  @Test
  void everyLiveDecoderQueued_runsWithoutWaiting() {
    assertEquals(new BatchPolicy.Run(3), policy.decide(3, 3, Duration.ZERO));
    assertTrue(policy.decide(2, 3, Duration.ZERO) instanceof BatchPolicy.Wait);
    // Unknown live count (0) falls back to the delay rule.
    assertTrue(policy.decide(1, 0, Duration.ZERO) instanceof BatchPolicy.Wait);
  }

  @Test
  void zeroDelay_runsImmediately() {
    var eager = new BatchPolicy(8, Duration.ZERO);
    assertEquals(new BatchPolicy.Run(1), eager.decide(1, 5, Duration.ZERO));
  }

  @Test
  void badArgumentsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> new BatchPolicy(0, Duration.ZERO));
    assertTrue(e.getMessage().contains("maxBatchSize"));
    e = assertThrows(IllegalArgumentException.class, () -> new BatchPolicy(1, Duration.ofMillis(-1)));
    assertTrue(e.getMessage().contains("maxBatchDelay"));
    e = assertThrows(IllegalArgumentException.class, () -> policy.decide(-1, 0, Duration.ZERO));
    assertTrue(e.getMessage().contains("queued"));
  }
}
