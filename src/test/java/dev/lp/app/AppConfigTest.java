package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.actors.kafka.IntakeSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AppConfigTest {

  /** Issue 13: failover within ~10 s, and a client that waits long enough to see it. */
  @Test
  void theShippedDefaultsFailOverInTenSecondsAndTheClientWaitsForIt() {
    var conf = AppConfig.load(null);
    var consumer = IntakeSettings.fromConfig(conf).consumerProperties();
    assertEquals("10000", consumer.get("session.timeout.ms"));
    assertEquals("3000", consumer.get("heartbeat.interval.ms"));
    assertTrue(!consumer.containsKey("group.instance.id"), "static membership is off by default");
    assertEquals(Duration.ofMillis(Long.parseLong(consumer.get("session.timeout.ms"))),
        conf.getDuration("lp.client.failover"), "lp.client.failover mirrors the workers' session timeout");
    assertTrue(conf.getDuration("lp.client.connect-timeout").compareTo(Duration.ofSeconds(60)) >= 0,
        "a connect timeout that holds on a loaded machine");
  }
}
