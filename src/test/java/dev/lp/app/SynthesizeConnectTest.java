package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * `lp synthesize` against addresses where no broker answers, over real sockets: an unknown host
 * and a refused connection fail at once and say so; a listener that accepts and never answers (a
 * broker too loaded to answer looks the same to a client) fails after --connect-timeout and says
 * that. All exit 3.
 */
class SynthesizeConnectTest {

  private record Run(int code, String err, long millis) {}

  /** `lp synthesize -e a=>b` with {@code args} after it. */
  private static Run synthesize(String... args) {
    var all = new ArrayList<>(List.of("synthesize", "-e", "a=>b"));
    all.addAll(List.of(args));
    return synthesizeExactly(all.toArray(String[]::new));
  }

  /** `lp` with exactly {@code args}, its exit code, standard error and how long it took. */
  private static Run synthesizeExactly(String... args) {
    var err = new ByteArrayOutputStream();
    var saved = System.err;
    long t0 = System.nanoTime();
    int code;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      code = Main.run(args);
    } finally {
      System.setErr(saved);
    }
    return new Run(code, err.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1_000_000);
  }

  /** An example whose text holds the separator is refused as ambiguous; --separator takes another. */
  @Test
  void anExampleWithTheSeparatorTwiceIsRefusedAndAnotherSeparatorTakesIt() throws Exception {
    var r = synthesizeExactly("synthesize", "-e", "a=>b=>c", "--bootstrap", "127.0.0.1:1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("has '=>' more than once") && r.err().contains("--separator"), r.err());
    int port;
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // parsed: it gets as far as the (refused) connection
    var ok = synthesizeExactly("synthesize", "--separator", " -> ", "-e", "a=>b -> c", "--bootstrap",
        "127.0.0.1:" + port);
    assertEquals(3, ok.code(), ok.err());
    var none = synthesizeExactly("synthesize", "--separator", "|", "-e", "a=>b", "--bootstrap", "127.0.0.1:" + port);
    assertEquals(2, none.code(), none.err());
    assertTrue(none.err().contains("has no '|' between input and output"), none.err());
  }

  @Test
  void anUnknownHostFailsAtOnceAndSaysSo() {
    var r = synthesize("--bootstrap", "no-such-host.invalid:9092");
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("unknown host 'no-such-host.invalid'"), r.err());
    assertTrue(!r.err().contains("within"), "no timeout is claimed: " + r.err());
    assertTrue(r.millis() < 10_000, "failed fast, took " + r.millis() + " ms");
  }

  @Test
  void aRefusedConnectionFailsAtOnceAndSaysSo() throws Exception {
    int port;
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // free again once closed: nothing listens there
    }
    var r = synthesize("--bootstrap", "127.0.0.1:" + port);
    assertEquals(3, r.code(), r.err());
    assertTrue(r.err().contains("connection refused by 127.0.0.1"), r.err());
    assertTrue(r.millis() < 10_000, "failed fast, took " + r.millis() + " ms (the default timeout is 30 s)");
  }

  @Test
  void aListenerThatNeverAnswersIsSlowNotUnreachable() throws Exception {
    try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      var held = new ArrayList<Socket>();
      var acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(silent.accept()); // accepted, never answered
          }
        } catch (Exception closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      var r = synthesize("--bootstrap", "127.0.0.1:" + silent.getLocalPort(), "--connect-timeout", "2s");
      assertEquals(3, r.code(), r.err());
      assertTrue(r.err().contains("accepts connections but did not answer within 2000 ms"), r.err());
      assertTrue(r.millis() >= 1_900, "waited for the timeout, took " + r.millis() + " ms");
      for (var s : held) {
        s.close();
      }
    }
  }

  @Test
  void badDurationsAreBadArguments() {
    assertEquals(2, synthesize("--bootstrap", "127.0.0.1:1", "--connect-timeout", "5").code(), "no unit");
    assertEquals(2, synthesize("--bootstrap", "127.0.0.1:1", "--wait", "0s").code(), "not positive");
    assertEquals(2, synthesize("--bootstrap", "127.0.0.1:1", "--wait", "soon").code(), "not a duration");
  }
}
