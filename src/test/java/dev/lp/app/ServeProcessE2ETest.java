package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.app.bench.ChildJvm;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.Worker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * `lp serve` as the operating system sees it: a child JVM on this test's classpath, against a real
 * in-JVM broker. A SIGTERM (Process.destroy) is a clean stop: exit 0. A kill -9
 * (destroyForcibly) leaves the group without a goodbye: another worker gets its partitions once
 * the session timeout (10 s, config/application.conf) runs out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real broker tier; -Dlp.slow=true runs it")
class ServeProcessE2ETest {
  private static final Duration READY = Duration.ofSeconds(60);

  private EmbeddedKafka kafka;

  @BeforeAll
  void start() {
    kafka = EmbeddedKafka.start(0, null, 4);
  }

  @AfterAll
  void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private ChildJvm serve(String group) {
    return ChildJvm.lp("lp serve", "worker serving", READY, List.of("-Xmx1g"), Map.of(),
        "serve", "--bootstrap", kafka.bootstrapServers(), "--group", group, "--model", "scripted", "--no-reload");
  }

  @Test
  void sigtermIsACleanStopAndExitsZero() throws Exception {
    var child = serve("sigterm-group");
    // SIGTERM through the handle: Process.destroy() would also close our end of the child's output.
    child.process().toHandle().destroy();
    assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "stopped within 60 s:\n" + child.output());
    String out = child.finalOutput();
    assertEquals(0, child.process().exitValue(), "exit code after SIGTERM:\n" + out);
    assertTrue(out.contains("SIGTERM: stopping"), out);
    assertTrue(out.contains("worker stopped cleanly"), out);
  }

  @Test
  void aKilledWorkersPartitionsMoveWithinTheSessionTimeout() throws Exception {
    String group = "failover-group";
    var child = serve(group);
    var scripted = Models.scripted(List.of(), Duration.ZERO);
    Worker survivor = null;
    try {
      survivor = Worker.start(AppConfig.load(null), kafka.bootstrapServers(), group, () -> scripted);
      var s = survivor;
      ServingStack.await(() -> s.intake().assignedPartitions() > 0 && s.intake().assignedPartitions() < 4,
          Duration.ofSeconds(60), "the two workers share the 4 partitions");
      long t0 = System.nanoTime();
      child.process().destroyForcibly(); // kill -9: no LeaveGroup, no commit
      assertTrue(child.process().waitFor(10, TimeUnit.SECONDS));
      ServingStack.await(() -> s.intake().assignedPartitions() == 4, Duration.ofSeconds(30),
          "the survivor owns all 4 partitions");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("failover after kill -9: " + ms + " ms");
      assertTrue(ms >= 5_000, "the group waited for the session timeout, not a LeaveGroup: " + ms + " ms");
      assertTrue(ms < 20_000, "failover within the 10 s session timeout plus a rebalance, took " + ms + " ms");
    } finally {
      if (child.process().isAlive()) {
        child.process().destroyForcibly();
      }
      if (survivor != null) {
        survivor.close();
      }
      scripted.close();
    }
  }

  @Test
  void aRequestWhoseWorkerIsKilledIsAnsweredByAnotherWithWhatIsLeftOfItsDeadline() throws Exception {
    String group = "failover-request-group";
    var slow = ChildJvm.start("slow worker", "ready", READY, List.of("-Xmx1g"), Map.of(), SlowWorkerMain.class.getName(),
        kafka.bootstrapServers(), group);
    var fast = Models.scripted(List.of(), Duration.ZERO);
    Worker survivor = null;
    var err = new ByteArrayOutputStream();
    var saved = System.err;
    try {
      var t = dev.lp.app.common.DemoTasks.all().get(0);
      var args = new ArrayList<>(List.of("synthesize", "--bootstrap", kafka.bootstrapServers(),
          "--request-id", "failover-1", "--deadline-ms", "4000"));
      for (int i = 0; i < t.inputs().size(); i++) {
        args.add("-e");
        args.add(t.inputs().get(i) + "=>" + t.outputs().get(i));
      }
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      // The client with its default wait: deadline 4 s + failover 10 s + grace 20 s.
      var client = CompletableFuture.supplyAsync(() -> Main.run(args.toArray(String[]::new)));
      Thread.sleep(3_000); // the slow worker (400 ms a step) has it in flight
      slow.process().destroyForcibly(); // kill -9 under the running request: no Finished, no commit
      assertTrue(slow.process().waitFor(10, TimeUnit.SECONDS));
      survivor = Worker.start(AppConfig.load(null), kafka.bootstrapServers(), group, () -> fast);
      int code = client.get(60, TimeUnit.SECONDS);
      System.setErr(saved);
      String text = err.toString(StandardCharsets.UTF_8);
      // The deadline is absolute (sent_at_ms): the survivor gets the request ~10 s after the kill,
      // past its 4 s, so it answers DEADLINE without searching, and the waiting client sees that
      // one Finished (exit 1, not solved) instead of timing out.
      assertEquals(1, code, "answered DEADLINE by the surviving worker after the failover:\n" + text
          + slow.finalOutput());
      assertTrue(text.contains("no Finished by the deadline (4000 ms); waiting up to"), text);
      assertFalse(text.contains("no Finished for failover-1 within"), "the client got an answer: " + text);
    } finally {
      System.setErr(saved);
      if (slow.process().isAlive()) {
        slow.process().destroyForcibly();
      }
      if (survivor != null) {
        survivor.close();
      }
      fast.close();
    }
  }

  @Test
  void aClientWithoutAWorkerSaysWhatItWaitsForPastTheDeadline() {
    var err = new ByteArrayOutputStream();
    var saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      // No worker of any group is up between the other tests' workers, or its answer comes first;
      // either way the command must not wait silently past the deadline.
      code = Main.run(new ArrayList<>(List.of("synthesize", "--bootstrap", kafka.bootstrapServers(),
          "-e", "q1 x=>yy", "--deadline-ms", "300", "--wait", "3s", "--request-id", "no-worker-1"))
          .toArray(String[]::new));
    } finally {
      System.setErr(saved);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, code, text);
    assertTrue(text.contains("no Finished by the deadline (300 ms); waiting up to 1 s more (--wait)"), text);
    assertTrue(text.contains("no Finished for no-worker-1 within 3000 ms"), text);
  }
}
