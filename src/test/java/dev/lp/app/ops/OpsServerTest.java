package dev.lp.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The ops endpoint's HTTP surface against fake probes (no Kafka, no model). */
class OpsServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void probesAndMetricsAreAnsweredAndOtherRequestsRefused() throws Exception {
    var ready = new AtomicReference<Optional<String>>(Optional.empty());
    var live = new AtomicReference<Optional<String>>(Optional.empty());
    try (var ops = OpsServer.bind(new OpsSettings(0, "127.0.0.1"))) {
      ops.start(new OpsServer.Probes() {
        @Override
        public Optional<String> notLive() {
          return live.get();
        }

        @Override
        public Optional<String> notReady() {
          return ready.get();
        }

        @Override
        public String metrics() {
          return "# HELP x X.\n# TYPE x gauge\nx 1\n";
        }
      });
      assertTrue(ops.address().getPort() > 0, "port 0 is bound to a real port");
      String base = ops.url();
      assertTrue(base.startsWith("http://127.0.0.1:"), base);

      assertResponse(200, "ok\n", get(base + "/livez"));
      assertResponse(200, "ok\n", get(base + "/readyz"));
      ready.set(Optional.of("stopping: draining\nrunning requests"));
      assertResponse(503, "stopping: draining running requests\n", get(base + "/readyz"));
      live.set(Optional.of("intake failed: boom"));
      assertResponse(503, "intake failed: boom\n", get(base + "/livez"));

      var metrics = get(base + "/metrics");
      assertResponse(200, "# HELP x X.\n# TYPE x gauge\nx 1\n", metrics);
      assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.headers().firstValue("Content-Type").orElse(""));

      assertEquals(404, get(base + "/").statusCode());
      assertEquals(404, get(base + "/metrics/extra").statusCode());
      var post = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
    }
  }

  @Test
  void aPortInUseIsNamedAndServeExitsTwoWithOneLine() {
    try (var taken = OpsServer.bind(new OpsSettings(0, "0.0.0.0"))) {
      int port = taken.address().getPort();
      var e = assertThrows(UncheckedIOException.class, () -> OpsServer.bind(new OpsSettings(port, "0.0.0.0")));
      assertTrue(e.getMessage().startsWith("ops endpoint: cannot listen on 0.0.0.0:" + port), e.getMessage());

      // The endpoint is claimed before any Kafka client starts, so no broker is needed here.
      var err = new ByteArrayOutputStream();
      PrintStream saved = System.err;
      int code;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        code = Main.run("serve", "--model", "scripted", "--no-reload", "--bootstrap", "127.0.0.1:1",
            "--ops-port", Integer.toString(port));
      } finally {
        System.setErr(saved);
      }
      String said = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, code, said);
      assertTrue(said.startsWith("lp serve: ops endpoint: cannot listen on 0.0.0.0:" + port + " "), said);
      assertFalse(said.contains("\tat "), "no stack trace: " + said);
    }
    assertThrows(IllegalArgumentException.class, () -> new OpsSettings(70_000, "0.0.0.0"));
    assertEquals(2, Main.run("serve", "--model", "scripted", "--no-reload", "--ops-port", "-2"));
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertResponse(int status, String body, HttpResponse<String> r) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(body, r.body());
  }
}
