package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lp.actors.ModelSource;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.kafka.Worker;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.protocol.Finished.Status;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.search.ForwardingSynthesisModel;
import dev.lp.search.SynthesisModel;
import dev.lp.search.SynthesisModel.Spec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The worker's ops endpoint through the real in-JVM broker: ready once polling, a solved request
 * counted on /metrics, readiness 503 while the worker drains, and no answer once it is closed.
 */
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real broker tier; -Dlp.slow=true runs it")
class OpsEndpointE2ETest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void readinessMetricsAndShutdownAreReported() throws Exception {
    SynthesisModel fast = Models.scripted(List.of(), Duration.ZERO);
    SynthesisModel slow = Models.scripted(List.of(), Duration.ofMillis(200));
    var model = new AtomicReference<>(fast);
    Config config = ConfigFactory.parseString("""
            lp.ops.http-port = 0
            lp.ops.bind-address = "127.0.0.1"
            lp.kafka.intake.drain-timeout = 10s
            """).withFallback(AppConfig.load(null));
    try (var stack = ServingStack.start(1, config, "ops-e2e", (ModelSource) model::get, WAIT, fast, slow)) {
      String base = stack.worker.opsUrl().orElseThrow();
      assertEquals(200, get(base + "/livez").statusCode());
      assertEquals("ok\n", get(base + "/readyz").body());

      var events = run(stack, "ops-solve", 5_000);
      assertEquals(Status.SOLVED, events.get(events.size() - 1).getFinished().getStatus(), events.toString());
      // Counters and the in-flight gauge move once the broker acknowledged the Finished, which the
      // client can see before the worker hears of it.
      ServingStack.await(() -> stack.worker.intake().inFlight() == 0, WAIT, "the request's Finished is acknowledged");
      var metrics = get(base + "/metrics");
      assertEquals(200, metrics.statusCode());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElse(""));
      List<String> lines = metrics.body().lines().toList();
      for (String expected : List.of(
          "lp_requests_finished_total{status=\"SOLVED\"} 1.0",
          "lp_requests_finished_total{status=\"FAILED\"} 0.0",
          "lp_request_latency_seconds_count 1",
          "lp_request_latency_seconds_bucket{le=\"+Inf\"} 1",
          "lp_time_to_first_solution_seconds_count 1",
          "lp_requests_in_flight 0.0",
          "lp_partitions_assigned 1.0",
          "lp_model_info{kind=\"lp\",version=\"scripted-demo\"} 1")) {
        assertTrue(lines.contains(expected), expected + " in\n" + metrics.body());
      }

      // A request the slow stand-in cannot solve keeps the worker busy until its deadline, so the
      // drain after close is long enough to be seen on /readyz.
      model.set(slow);
      var unsolved = request("ops-drain", DemoTasks.all().get(4), 2_500);
      stack.client.send(unsolved);
      ServingStack.await(() -> stack.worker.intake().inFlight() == 1, WAIT, "the slow request is in flight");
      assertTrue(get(base + "/metrics").body().lines().anyMatch("lp_requests_in_flight 1.0"::equals));
      long t0 = System.nanoTime();
      var closing = CompletableFuture.runAsync(stack.worker::close);
      ServingStack.await(() -> status(base + "/readyz") == 503, WAIT, "/readyz turns 503 while draining");
      assertTrue(get(base + "/readyz").body().startsWith("stopping: draining"));
      assertEquals(200, get(base + "/livez").statusCode(), "a draining worker is still alive");
      closing.get();
      System.out.printf("ops e2e: close drained the slow request in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      assertNotEquals(200, status(base + "/readyz"), "a closed worker is not ready (-1: the endpoint is gone)");
    }
  }

  @Test
  void aWorkerWhoseModelWorkerKeepsCrashingIsNotLiveAndStops() throws Exception {
    SynthesisModel fast = Models.scripted(List.of(), Duration.ZERO);
    // An Error escapes the ModelWorker's per-call handling: each encode crashes the actor.
    SynthesisModel crashing = new ForwardingSynthesisModel(fast) {
      @Override
      public Spec encode(List<String> inputs, List<String> outputs) {
        throw new AssertionError("fake crash inside the model worker");
      }
    };
    Config config = ConfigFactory.parseString("""
            lp.ops.http-port = 0
            lp.ops.bind-address = "127.0.0.1"
            lp.kafka.intake.drain-timeout = 500ms
            """).withFallback(AppConfig.load(null));
    try (var stack = ServingStack.start(1, config, "ops-crash-e2e", () -> crashing, WAIT, fast)) {
      String base = stack.worker.opsUrl().orElseThrow();
      assertEquals(200, get(base + "/livez").statusCode());
      // The supervisor restarts the model worker 10 times a minute; the 11th crash stops the engine.
      for (int i = 0; i < 11; i++) {
        stack.client.send(request("crash-" + i, DemoTasks.all().get(0), 1_000));
      }
      assertTrue(stack.worker.awaitTermination(WAIT), "the worker stops serving on its own");
      String why = stack.worker.failure().orElseThrow();
      assertTrue(why.startsWith("the serving engine stopped"), why);
      var live = get(base + "/livez");
      assertEquals(503, live.statusCode());
      assertTrue(live.body().contains("the serving engine stopped"), live.body());
      assertEquals(503, status(base + "/readyz"));
    }
  }

  @Test
  void readinessFollowsTheBrokerAfterAGraceAndLivenessDoesNot() throws Exception {
    SynthesisModel fast = Models.scripted(List.of(), Duration.ZERO);
    Config config = ConfigFactory.parseString("""
            lp.ops.http-port = 0
            lp.ops.bind-address = "127.0.0.1"
            lp.ops.broker-check-interval = 500ms
            lp.ops.broker-grace = 3s
            lp.kafka.intake.drain-timeout = 500ms
            lp.kafka.publisher.close-timeout = 1s
            """).withFallback(AppConfig.load(null));
    var kafka = EmbeddedKafka.start(0, null, 1);
    Worker worker = null;
    try {
      worker = Worker.start(config, kafka.bootstrapServers(), "ops-broker-e2e", () -> fast);
      assertTrue(worker.intake().awaitAssignment(WAIT));
      String base = worker.opsUrl().orElseThrow();
      assertEquals("ok\n", get(base + "/readyz").body());
      var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      var logged = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
      logged.start();
      root.addAppender(logged);
      long t0 = System.nanoTime();
      kafka.close();
      ServingStack.await(() -> status(base + "/readyz") == 503, WAIT, "/readyz turns 503 without a broker");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("ops e2e: /readyz 503 %d ms after the broker stopped (grace 3 s)%n", ms);
      // The last answer came at most one check interval (0.5 s) before the broker stopped.
      assertTrue(ms >= 2_500, "not before the grace, took " + ms + " ms");
      assertTrue(get(base + "/readyz").body().startsWith("the Kafka broker has not answered for"),
          get(base + "/readyz").body());
      assertEquals(200, get(base + "/livez").statusCode(), "a missing broker is no reason to restart the worker");
      Thread.sleep(2_000); // the clients keep reconnecting meanwhile
      root.detachAppender(logged);
      List<String> warnings = logged.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
      assertEquals(1, warnings.stream().filter(w -> w.contains("the Kafka broker does not answer")).count(),
          "one line per outage from the broker check: " + warnings);
      assertEquals(0, warnings.stream().filter(w -> w.startsWith("org.apache.kafka.clients.NetworkClient")).count(),
          "the clients' reconnect warnings are silenced: " + warnings);
      System.out.printf("ops e2e: %d warning lines in the outage's first %d ms%n", warnings.size(),
          (System.nanoTime() - t0) / 1_000_000);
    } finally {
      if (worker != null) {
        worker.close();
      }
      kafka.close();
      fast.close();
    }
  }

  private List<SynthesisEvent> run(ServingStack stack, String id, int deadlineMs) {
    stack.client.send(request(id, DemoTasks.all().get(0), deadlineMs));
    var events = stack.client.await(Set.of(id), WAIT, e -> {}).get(id).stream()
        .map(r -> r.event()).toList();
    assertTrue(!events.isEmpty() && events.get(events.size() - 1).hasFinished(), "Finished last: " + events);
    return events;
  }

  private static SynthesisRequest request(String id, DemoTasks.Task task, int deadlineMs) {
    var b = SynthesisClient.request(id, task.inputs(), task.outputs());
    b.getOptionsBuilder().setDeadlineMs(deadlineMs);
    return b.build();
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The status of GET {@code url}, or -1 when nothing answers (the endpoint is closed). */
  private int status(String url) {
    try {
      return get(url).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
