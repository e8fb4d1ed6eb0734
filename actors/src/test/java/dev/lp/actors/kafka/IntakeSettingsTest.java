package dev.lp.actors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class IntakeSettingsTest {
  private static final String BASE = "lp.kafka { bootstrap-servers = \"h:1\", client-id = c,\n"
      + " intake { topic = t, group-id = g, max-in-flight = 4, poll-timeout = 50ms, commit-interval = 1s,"
      + " drain-timeout = 1s\n";

  private static IntakeSettings parse(String intakeTail) {
    return IntakeSettings.fromConfig(ConfigFactory.parseString(BASE + intakeTail + "}}"));
  }

  @Test
  void quotedAndUnquotedPropertyKeysReachTheConsumerAsKafkaNames() {
    var s = parse("consumer-properties { \"session.timeout.ms\" = \"10000\", heartbeat.interval.ms = 3000 } ");
    var p = Intake.properties(s);
    assertEquals("10000", p.getProperty("session.timeout.ms"));
    assertEquals("3000", p.getProperty("heartbeat.interval.ms"));
  }

  @Test
  void staticMembershipIsOffUnlessAnInstanceIdIsGiven() {
    assertFalse(Intake.properties(parse("consumer-properties {} ")).containsKey("group.instance.id"));
    assertFalse(Intake.properties(parse("group-instance-id = \"  \", consumer-properties {} "))
        .containsKey("group.instance.id"), "blank = off");
    assertEquals("worker-0", Intake.properties(parse("group-instance-id = worker-0, consumer-properties {} "))
        .getProperty("group.instance.id"));
    assertEquals("explicit", Intake.properties(parse(
        "group-instance-id = worker-0, consumer-properties { \"group.instance.id\" = explicit } "))
        .getProperty("group.instance.id"), "the raw property wins");
  }
}
