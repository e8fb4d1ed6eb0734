package dev.lp.app.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --model scripted@DELAY}: the scripted stand-in with a delay per model step. */
class ModelsStepDelayTest {

  @Test
  void aDelayInTheConfigSyntaxIsTheStepDelay() {
    assertEquals(Duration.ofMillis(150), Models.stepDelay("150ms"));
    assertEquals(Duration.ofSeconds(2), Models.stepDelay("2s"));
    assertEquals(Duration.ZERO, Models.stepDelay("0ms"));
    var model = Models.open("scripted@5ms").current();
    try {
      assertEquals("scripted-demo", model.info().version());
    } finally {
      model.close();
    }
  }

  @Test
  void aDelayWithoutAUnitOrOutOfRangeIsRefusedWithTheFlagNamed() {
    for (String bad : new String[] {"", "150", "slow", "11s", "-5ms"}) {
      var e = assertThrows(IllegalArgumentException.class, () -> Models.open("scripted@" + bad), bad);
      assertTrue(e.getMessage().startsWith("--model scripted@" + bad + ": the step delay"), e.getMessage());
    }
  }
}
