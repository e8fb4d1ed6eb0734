package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.app.bench.ChildJvm;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.protocol.SynthesisEvent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker killed with kill -9 while requests are in flight, and started again on its data
 * directory: `lp broker` and two `lp serve` workers as processes, the client here. No request is
 * lost: each gets exactly one Finished.
 */
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "broker and worker processes; -Dlp.slow=true runs it")
class BrokerKillE2ETest {
  private static final Duration START = Duration.ofSeconds(120);
  private static final int REQUESTS = 12;

  @TempDir Path dataDir;

  private static int freePort() throws Exception {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private ChildJvm broker(int port) {
    return ChildJvm.lp("lp broker", "broker ready", START, List.of("-Xmx768m"), Map.of(),
        "broker", "--port", Integer.toString(port), "--data-dir", dataDir.toString());
  }

  @Test
  void requestsInFlightWhenTheBrokerIsKilledAreAllAnsweredOnceAfterItsRestart() throws Exception {
    int port = freePort();
    String bootstrap = "127.0.0.1:" + port;
    var children = new ArrayList<ChildJvm>();
    try {
      ChildJvm broker = broker(port);
      children.add(broker);
      for (String name : List.of("lp-brokerkill-a", "lp-brokerkill-b")) {
        children.add(ChildJvm.serve(name, bootstrap, "brokerkill", "scripted@150ms", "512m", START));
      }
      var events = new LinkedHashMap<String, List<SynthesisEvent>>();
      try (var client = SynthesisClient.connect(bootstrap, Duration.ofSeconds(60))) {
        var tasks = DemoTasks.all();
        for (int i = 0; i < REQUESTS; i++) {
          var t = tasks.get(i % tasks.size());
          var r = SynthesisClient.request("brokerkill-" + i, t.inputs(), t.outputs());
          r.getOptionsBuilder().setDeadlineMs(40_000);
          client.send(r.build());
          events.put("brokerkill-" + i, new ArrayList<>());
        }
        // Until every request is accepted: all are in flight on one of the two workers.
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end && !events.values().stream().allMatch(es -> es.stream()
            .anyMatch(SynthesisEvent::hasAccepted))) {
          client.poll(Duration.ofMillis(100), rec -> events.get(rec.event().getRequestId()).add(rec.event()));
        }
        long open = events.values().stream().filter(es -> es.stream().noneMatch(SynthesisEvent::hasFinished)).count();
        assertTrue(open > 0, "requests in flight at the kill");
        assertTrue(broker.kill(), "the broker is gone after kill -9");
        long killed = System.nanoTime();
        Thread.sleep(2_000);
        children.set(0, broker(port)); // the same port and data directory
        long downMs = (System.nanoTime() - killed) / 1_000_000;
        end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < end && !events.values().stream().allMatch(es -> es.stream()
            .anyMatch(SynthesisEvent::hasFinished))) {
          client.poll(Duration.ofMillis(100), rec -> events.get(rec.event().getRequestId()).add(rec.event()));
        }
        // A second Finished, should one come, comes soon after the first.
        long tail = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < tail) {
          client.poll(Duration.ofMillis(100), rec -> events.get(rec.event().getRequestId()).add(rec.event()));
        }
        System.out.println("broker kill -9 with " + open + " of " + REQUESTS + " requests in flight; back after "
            + downMs + " ms");
      }
      for (var e : events.entrySet()) {
        long finished = e.getValue().stream().filter(SynthesisEvent::hasFinished).count();
        assertEquals(1, finished, e.getKey() + " gets exactly one Finished: " + e.getValue());
      }
      for (ChildJvm c : children.subList(1, children.size())) {
        // Events wait in the producer for lp.kafka.publisher.delivery-timeout (120 s): a worker rides out a restart.
        assertTrue(c.isAlive(), c.name() + " survived the broker's restart:\n" + c.output());
      }
    } finally {
      for (ChildJvm c : children) {
        c.kill();
      }
    }
  }
}
