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
  }
}
