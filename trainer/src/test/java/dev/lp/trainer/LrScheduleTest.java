package dev.lp.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

  private final LrSchedule schedule = new LrSchedule(1e-3f, 1000);

  @Test
  void warmsUpLinearlyThenDecaysAsInverseSquareRoot() {
    assertEquals(1e-6f, schedule.at(1), 1e-9f);
    assertEquals(5e-4f, schedule.at(500), 1e-9f);
    assertEquals(1e-3f, schedule.at(1000), 1e-9f);
    assertEquals(5e-4f, schedule.at(4000), 1e-9f);
    assertTrue(schedule.at(1001) < schedule.at(1000));
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> schedule.at(0));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(0f, 10));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(Float.NaN, 10));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3f, 0));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3f, 10, LrSchedule.Shape.LINEAR, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3f, 10, LrSchedule.Shape.COSINE, 100, 50));
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.Shape.parse("step"));
  }

  @Test
  void linearAndCosineDecayToNearZeroAtTheirEnd() {
    LrSchedule linear = new LrSchedule(2e-3f, 100, LrSchedule.Shape.LINEAR, 0, 1100);
    LrSchedule cosine = new LrSchedule(2e-3f, 100, LrSchedule.Shape.COSINE, 0, 1100);
    for (LrSchedule s : new LrSchedule[] {linear, cosine}) {
      assertEquals(2e-5f, s.at(1), 1e-9f);
      assertEquals(2e-3f, s.at(100), 1e-9f);
      assertTrue(s.at(1100) > 0f && s.at(1100) < 1e-5f, s.shape() + " ends at " + s.at(1100));
      for (long step = 101; step <= 1100; step++) {
        assertTrue(s.at(step) < s.at(step - 1), s.shape() + " does not decrease at " + step);
      }
    }
    assertEquals(1e-3f, linear.at(600), 3e-6f); // half way down the line
    assertEquals(1e-3f, cosine.at(600), 3e-6f); // and the cosine's midpoint
    assertTrue(cosine.at(300) > linear.at(300)); // the cosine stays high longer
  }

  @Test
  void aRunFromAnotherRunsWeightsCountsItsScheduleFromItsStart() {
    LrSchedule s = new LrSchedule(5e-4f, 100, LrSchedule.Shape.LINEAR, 37_000, 40_000);
    assertThrows(IllegalArgumentException.class, () -> s.at(37_000));
    assertEquals(5e-6f, s.at(37_001), 1e-10f);
    assertEquals(5e-4f, s.at(37_100), 1e-9f);
    assertTrue(s.at(40_000) < 1e-6f);
    LrSchedule constant = new LrSchedule(5e-4f, 100, LrSchedule.Shape.CONSTANT, 0, 0);
    assertEquals(5e-4f, constant.at(50_000), 0f);
    assertEquals(LrSchedule.Shape.COSINE, LrSchedule.Shape.parse("cosine"));
  }
}
