package dev.lp.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lp.protocol.Options;
import dev.lp.protocol.SynthesisRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private static final Duration DEFAULT = Duration.ofSeconds(10);
  private static final long NOW = 1_700_000_000_000L;

  private static SynthesisRequest request(long deadlineMs, long sentAtMs) {
    return SynthesisRequest.newBuilder().setRequestId("r")
        .setOptions(Options.newBuilder().setDeadlineMs(deadlineMs)).setSentAtMs(sentAtMs).build();
  }

  @Test
  void anOldClientWithoutSentAtGetsTheWholeBudget() {
    assertEquals(Duration.ofMillis(2500), Deadlines.remaining(request(2500, 0), NOW, DEFAULT));
    assertEquals(DEFAULT, Deadlines.remaining(request(0, 0), NOW, DEFAULT));
  }

  @Test
  void timeSinceTheSendIsSpent() {
    assertEquals(Duration.ofMillis(1500), Deadlines.remaining(request(2500, NOW - 1000), NOW, DEFAULT));
    assertEquals(Duration.ofMillis(7000), Deadlines.remaining(request(0, NOW - 3000), NOW, DEFAULT), "default budget");
  }

  @Test
  void aRequestRedeliveredAfterItsDeadlineHasNothingLeft() {
    assertEquals(Duration.ZERO, Deadlines.remaining(request(2500, NOW - 2500), NOW, DEFAULT));
    assertEquals(Duration.ZERO, Deadlines.remaining(request(2500, NOW - 60_000), NOW, DEFAULT));
  }

  @Test
  void aClientClockAheadOfOursIsClampedToNow() {
    assertEquals(Duration.ofMillis(2500), Deadlines.remaining(request(2500, NOW + 5000), NOW, DEFAULT));
  }

  @Test
  void invalidDeadlinesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Deadlines.remaining(request(-1, NOW), NOW, DEFAULT));
    assertThrows(IllegalArgumentException.class, () -> Deadlines.remaining(request(0, NOW), NOW, Duration.ZERO));
  }
}
