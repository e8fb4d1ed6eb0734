package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.kafka.SynthesisClient.Received;
import dev.lp.protocol.Finished.Status;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A second member joins the workers' group while a worker runs one request per partition: the
 * cooperative assignor moves only some partitions, the worker cancels the requests of those and
 * publishes nothing more for them (their new owner reads them again), and finishes the others.
 */
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real broker tier; -Dlp.slow=true runs it")
class RebalanceE2ETest {
  private static final String GROUP = "rebalance-e2e";
  private static final int PARTITIONS = 4;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long DEADLINE_MS = 6_000;

  private static Config config() {
    return ServingStack.quickIntakeConfig();
  }

  /** The partition Kafka's default partitioner gives a request id's key. */
  private static int partitionOf(String id) {
    return Utils.toPositive(Utils.murmur2(Topics.key(id))) % PARTITIONS;
  }

  @Test
  void requestsOfMovedPartitionsAreCancelledAndSilencedTheOthersFinish() throws Exception {
    // A task the scripted model does not know: it decodes (slowly: ~10 s) until the deadline.
    var slow = Models.scripted(List.of(), Duration.ofMillis(400));
    try (var stack = ServingStack.start(PARTITIONS, config(), GROUP, () -> slow, WAIT, slow)) {
      Map<String, Integer> partitionOfId = new HashMap<>();
      Set<Integer> covered = new HashSet<>();
      for (int i = 0; covered.size() < PARTITIONS; i++) {
        String id = "rb-" + i;
        if (covered.add(partitionOf(id))) {
          partitionOfId.put(id, partitionOf(id));
        }
      }
      for (String id : partitionOfId.keySet()) {
        SynthesisRequest.Builder r = SynthesisClient.request(id, List.of("q1 x", "q2 y"), List.of("yy", "zz"));
        r.getOptionsBuilder().setBeamSize(4).setDeadlineMs(DEADLINE_MS);
        assertEquals(partitionOfId.get(id), stack.client.send(r.build()).partition(), "the test's partitioner");
      }
      Map<String, List<SynthesisEvent>> events = new HashMap<>();
      partitionOfId.keySet().forEach(id -> events.put(id, new java.util.ArrayList<>()));
      ServingStack.await(() -> {
        collect(stack.client, events, Duration.ofMillis(200));
        return events.values().stream().allMatch(l -> l.stream().anyMatch(SynthesisEvent::hasAccepted));
      }, WAIT, "every request was accepted");
      assertEquals(PARTITIONS, stack.worker.intake().inFlight());

      try (var other = new KafkaConsumer<byte[], byte[]>(memberProperties(stack.bootstrap()))) {
        other.subscribe(List.of(Topics.REQUESTS));
        Set<String> readByOther = new HashSet<>();
        ServingStack.await(() -> {
          other.poll(Duration.ofMillis(100)).forEach(rec -> readByOther.add(Topics.requestId(rec.key())));
          return !other.assignment().isEmpty() && stack.worker.intake().assignedPartitions() < PARTITIONS;
        }, WAIT, "the second member got partitions from the worker");
        Set<Integer> moved = new HashSet<>();
        other.assignment().forEach(tp -> moved.add(tp.partition()));
        assertEquals(PARTITIONS, moved.size() + stack.worker.intake().assignedPartitions(), "no partition is owned twice");
        assertFalse(moved.size() == PARTITIONS, "cooperative: the worker keeps some partitions");

        // Past every deadline: the kept requests finished, the moved ones got nothing more.
        long end = System.currentTimeMillis() + DEADLINE_MS + 3_000;
        while (System.currentTimeMillis() < end) {
          collect(stack.client, events, Duration.ofMillis(200));
          other.poll(Duration.ofMillis(50)).forEach(rec -> readByOther.add(Topics.requestId(rec.key())));
        }
        Set<String> movedIds = new HashSet<>();
        partitionOfId.forEach((id, p) -> {
          boolean finished = events.get(id).stream().anyMatch(SynthesisEvent::hasFinished);
          if (moved.contains(p)) {
            movedIds.add(id);
            assertFalse(finished, id + " moved to the other member: the worker must not finish it: " + events.get(id));
          } else {
            assertTrue(finished, id + " stayed with the worker and finishes: " + events.get(id));
            var fin = events.get(id).get(events.get(id).size() - 1).getFinished();
            assertTrue(Set.of(Status.DEADLINE, Status.EXHAUSTED).contains(fin.getStatus()), fin.toString());
          }
        });
        assertEquals(movedIds, readByOther, "the new owner reads exactly the moved, unfinished requests");
        ServingStack.await(() -> stack.worker.intake().inFlight() == 0, WAIT,
            "the cancelled requests free their in-flight slots");
      }
    }
  }

  private static Properties memberProperties(String bootstrap) {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "rebalance-e2e-member");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** Adds the events that arrive within {@code window} to their request's list. */
  private static void collect(SynthesisClient client, Map<String, List<SynthesisEvent>> events, Duration window) {
    client.await(events.keySet(), window, e -> {}).forEach((id, rs) -> rs.stream().map(Received::event).forEach(events.get(id)::add));
  }
}
