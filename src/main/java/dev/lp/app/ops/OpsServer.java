package dev.lp.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's operations endpoint on the JDK's HTTP server: {@code GET /livez}, {@code GET /readyz}
 * (200 "ok", or 503 with a one-line reason) and {@code GET /metrics} (Prometheus text 0.0.4).
 *
 * <p>Contract: {@link #bind} claims the port at once, so a port in use fails before the worker
 * starts anything else (UncheckedIOException naming the address); {@link #start} begins answering,
 * from one daemon thread; other paths get 404, other methods 405. {@link #close} is idempotent.
 */
public final class OpsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";

  /** What the endpoints report, asked afresh on every request. */
  public interface Probes {
    /** Why the process is broken beyond repair (a restart is due), or empty while it is alive. */
    Optional<String> notLive();

    /** Why the worker cannot take requests now, or empty when it can. */
    Optional<String> notReady();

    /** The metrics in the Prometheus text format 0.0.4. */
    String metrics();
  }

  private final HttpServer server;
  private final String host;
  private final ExecutorService executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OpsServer(HttpServer server, String host) {
    this.server = server;
    this.host = host;
    this.executor = Executors.newSingleThreadExecutor(r -> {
      var t = new Thread(r, "lp-ops");
      t.setDaemon(true);
      return t;
    });
  }

  /** Listens on the settings' address and port (not yet answering). */
  public static OpsServer bind(OpsSettings settings) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("the ops endpoint is off (lp.ops.http-port = -1)");
    }
    var address = new InetSocketAddress(settings.bindAddress(), settings.httpPort());
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("lp.ops.bind-address '" + settings.bindAddress() + "' does not resolve");
    }
    try {
      return new OpsServer(HttpServer.create(address, 0), settings.bindAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("ops endpoint: cannot listen on " + hostPort(settings.bindAddress(),
          settings.httpPort()) + " (lp.ops.http-port / --ops-port): " + e.getMessage(), e);
    }
  }

  /** The address listened on (with the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** {@code http://HOST:PORT}: the bind address as configured (0.0.0.0 stays so), the port as bound. */
  public String url() {
    return "http://" + hostPort(host, address().getPort());
  }

  /** Starts answering with {@code probes}. */
  public void start(Probes probes) {
    server.createContext("/", exchange -> handle(exchange, probes));
    server.setExecutor(executor);
    server.start();
    log.info("ops endpoint on {} (/livez, /readyz, /metrics)", url());
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private static void handle(HttpExchange exchange, Probes probes) {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/livez") && !path.equals("/readyz") && !path.equals("/metrics")) {
        respond(exchange, 404, TEXT, "not found: " + path + " (try /livez, /readyz or /metrics)");
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, TEXT, exchange.getRequestMethod() + " is not allowed; use GET");
        return;
      }
      switch (path) {
        case "/livez" -> probe(exchange, probes.notLive());
        case "/readyz" -> probe(exchange, probes.notReady());
        default -> respondMetrics(exchange, probes);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("ops request {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
    }
  }

  private static void probe(HttpExchange exchange, Optional<String> problem) throws IOException {
    if (problem.isPresent()) {
      respond(exchange, 503, TEXT, problem.get().replaceAll("[\\r\\n]+", " "));
    } else {
      respond(exchange, 200, TEXT, "ok");
    }
  }

  private static void respondMetrics(HttpExchange exchange, Probes probes) throws IOException {
    String text;
    try {
      text = probes.metrics();
    } catch (RuntimeException e) {
      log.warn("metrics could not be written", e);
      respond(exchange, 500, TEXT, "metrics failed: " + e);
      return;
    }
    respond(exchange, 200, ServingMetrics.CONTENT_TYPE, text);
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = (body.endsWith("\n") ? body : body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
