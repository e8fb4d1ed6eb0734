package dev.lp.app.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tells "unreachable" from "slow" for a Kafka bootstrap list, by plain name resolution and TCP
 * connects.
 *
 * <p>Why: the Kafka clients retry a refused connection until their API timeout and then report
 * only a timeout, and fail at once on a name that does not resolve; either way the caller cannot
 * say what happened. Here an address that does not resolve or refuses the connection is named
 * with that reason at once, so a command fails fast and says so; when some address accepts a TCP
 * connection, the broker is reachable, and a later Kafka timeout means it is slow (or not Kafka).
 *
 * <p>Contract: stateless; {@link #unreachable} blocks for at most {@code connectTimeout} per
 * address (name lookups take what the resolver takes).
 */
public final class BrokerProbe {
  private BrokerProbe() {}

  /**
   * Why no address of {@code bootstrap} ({@code host:port[,host:port...]}) accepts a TCP
   * connection, or empty when one does.
   *
   * @return one line with the failure, e.g. {@code "connection refused by 127.0.0.1 (nothing listens
   *     on port 1)"}; with several addresses each is named before its failure
   */
  public static Optional<String> unreachable(String bootstrap, Duration connectTimeout) {
    if (bootstrap == null || bootstrap.isBlank()) {
      return Optional.of("no bootstrap address given");
    }
    int ms = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    List<String> addresses = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (String entry : bootstrap.split(",")) {
      String address = entry.strip();
      if (address.isEmpty()) {
        continue;
      }
      var why = probe(address, ms);
      if (why.isEmpty()) {
        return Optional.empty();
      }
      addresses.add(address);
      reasons.add(why.get());
    }
    if (reasons.size() <= 1) {
      return Optional.of(reasons.isEmpty() ? "no bootstrap address given" : reasons.get(0));
    }
    // Several addresses: name each one's failure.
    var each = new ArrayList<String>();
    for (int i = 0; i < reasons.size(); i++) {
      each.add(addresses.get(i) + ": " + reasons.get(i));
    }
    return Optional.of(String.join("; ", each));
  }

  /** Why {@code address} cannot be connected to, or empty when it accepted a connection. */
  private static Optional<String> probe(String address, int timeoutMs) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      return Optional.of("not HOST:PORT");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // [IPv6]:port
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      return Optional.of("port '" + address.substring(colon + 1) + "' is not a number");
    }
    if (port < 1 || port > 65_535) {
      return Optional.of("port " + port + " is outside 1..65535");
    }
    InetAddress[] ips;
    try {
      ips = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return Optional.of("unknown host '" + host + "' (the name does not resolve)");
    }
    String last = "no address";
    for (InetAddress ip : ips) {
      try (var socket = new Socket()) {
        socket.connect(new InetSocketAddress(ip, port), timeoutMs);
        return Optional.empty();
      } catch (ConnectException e) {
        last = "connection refused by " + ip.getHostAddress() + " (nothing listens on port " + port + ")";
      } catch (SocketTimeoutException e) {
        last = "no TCP answer from " + ip.getHostAddress() + ":" + port + " within " + timeoutMs + " ms";
      } catch (IOException e) {
        last = ip.getHostAddress() + ":" + port + " cannot be reached: " + e.getMessage();
      }
    }
    return Optional.of(last);
  }
}
