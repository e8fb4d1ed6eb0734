package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.Worker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  /** A child `lp serve` whose output is collected; returns once it printed that it serves. */
  private record Child(Process process, StringBuffer output, Thread reader) {
    /** Everything the child printed, once it has exited and its output is read to the end. */
    String finalOutput() throws InterruptedException {
      reader.join(10_000);
      return output.toString();
    }
  }

  private Child serve(String group) throws Exception {
    return child("worker serving", "dev.lp.app.Main", "serve",
        "--bootstrap", kafka.bootstrapServers(), "--group", group, "--model", "scripted", "--no-reload");
  }

  /** A child JVM on this test's classpath running {@code mainClass}; returns once a line starts with {@code ready}. */
  private Child child(String ready, String mainClass, String... args) throws Exception {
    // Surefire may run tests from a manifest-only jar; it names the real classpath here.
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", cp, mainClass));
    command.addAll(List.of(args));
    var pb = new ProcessBuilder(command).redirectErrorStream(true);
    var process = pb.start();
    var output = new StringBuffer();
    var serving = new CompletableFuture<Boolean>();
    var reader = new Thread(() -> {
      try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.append(line).append('\n');
          if (line.startsWith(ready)) {
            serving.complete(true);
          }
        }
      } catch (Exception e) {
        // the child is gone
      }
      serving.complete(false);
    });
    reader.setDaemon(true);
    reader.start();
    boolean up;
    try {
      up = serving.get(READY.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      up = false;
    }
    if (!up) {
      process.destroyForcibly();
      throw new AssertionError("the child " + mainClass + " did not print '" + ready + "':\n" + output);
    }
    return new Child(process, output, reader);
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
    var slow = child("ready", SlowWorkerMain.class.getName(), kafka.bootstrapServers(), group);
    var fast = Models.scripted(List.of(), Duration.ZERO);
    Worker survivor = null;
    var err = new ByteArrayOutputStream();
    var saved = System.err;
    try {
      var t = dev.lp.app.DemoTasks.all().get(0);
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
