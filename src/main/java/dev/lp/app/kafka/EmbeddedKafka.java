package dev.lp.app.kafka;

import dev.lp.app.common.TempDirs;
import dev.lp.protocol.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft: broker and controller in one) inside this JVM, on 127.0.0.1
 * only, with the application's topics created.
 *
 * <p>Contract: {@link #start} returns once the broker accepts clients and lp.requests, lp.results
 * (both {@code partitions} partitions) and the compacted lp.checkpoints exist; {@link #close}
 * stops it and deletes its log directory if this object created it. Base settings come from
 * broker.properties on the classpath (config/); ports and log.dirs are set here.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;
  private final boolean ownsLogDir;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private EmbeddedKafka(KafkaRaftServer server, String bootstrap, Path logDir, boolean owns) {
    this.server = server;
    this.bootstrapServers = bootstrap;
    this.logDir = logDir;
    this.ownsLogDir = owns;
  }

  /** Starts a broker on a free port with a temporary log directory and 4 partitions per topic. */
  public static EmbeddedKafka start() {
    return start(0, null, 4);
  }

  /**
   * Starts a broker.
   *
   * @param port the client port, or 0 for a free one (the controller takes another free port)
   * @param dataDir the log directory (kept on close; formatted if empty), or null for a temporary
   *     one deleted on close
   * @param partitions partitions of lp.requests and lp.results, 1..1000
   */
  public static EmbeddedKafka start(int port, Path dataDir, int partitions) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (free port) or 1..65535, got " + port);
    }
    if (partitions < 1 || partitions > 1000) {
      throw new IllegalArgumentException("partitions must be 1..1000, got " + partitions);
    }
    boolean owns = dataDir == null;
    Path dir;
    try {
      dir = owns ? TempDirs.create("lp-kafka-") : Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker log directory " + dataDir, e);
    }
    int clientPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    Properties props = baseProperties();
    String host = "127.0.0.1";
    props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    props.put("listeners", "PLAINTEXT://" + host + ":" + clientPort + ",CONTROLLER://" + host + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + clientPort);
    props.put("log.dirs", dir.toString());
    try {
      if (!Files.exists(dir.resolve("meta.properties"))) {
        format(props, dir);
      }
      var server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
      server.startup();
      var kafka = new EmbeddedKafka(server, host + ":" + clientPort, dir, owns);
      try {
        kafka.createTopics(partitions);
      } catch (RuntimeException e) {
        kafka.close();
        throw e;
      }
      log.info("embedded Kafka ready at {} (log dir {})", kafka.bootstrapServers, dir);
      return kafka;
    } catch (RuntimeException e) {
      if (owns) {
        TempDirs.deleteTree(dir);
      }
      throw new IllegalStateException("the embedded Kafka broker failed to start on port " + clientPort + ": " + e.getMessage(), e);
    }
  }

  /** {@code host:port} for clients. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The broker's log directory. */
  public Path logDir() {
    return logDir;
  }

  /** Stops the broker; idempotent (a test may stop it early to see what a worker does without one). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    if (ownsLogDir) {
      TempDirs.deleteTree(logDir);
    }
    log.info("embedded Kafka at {} stopped", bootstrapServers);
  }

  private void createTopics(int partitions) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      var topics = List.of(
          new NewTopic(Topics.REQUESTS, partitions, (short) 1),
          new NewTopic(Topics.RESULTS, partitions, (short) 1),
          new NewTopic(Topics.CHECKPOINTS, 1, (short) 1).configs(Topics.CHECKPOINTS_CONFIG));
      for (var t : topics) {
        try {
          admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + t.name() + ": " + e.getCause(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topics timed out after 30 s", e);
    }
  }

  private static Properties baseProperties() {
    var props = new Properties();
    try (InputStream in = EmbeddedKafka.class.getClassLoader().getResourceAsStream("broker.properties")) {
      if (in == null) {
        throw new IllegalStateException("broker.properties is missing from the classpath (config/)");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read broker.properties", e);
    }
    return props;
  }

  /** Formats the log directory like `kafka-storage format`, without System.exit on error. */
  private static void format(Properties props, Path dir) {
    Path file = null;
    var buffer = new ByteArrayOutputStream();
    try {
      file = Files.createTempFile("lp-broker-", ".properties");
      try (OutputStream out = Files.newOutputStream(file)) {
        props.store(out, "embedded broker");
      }
      int rc;
      try (var print = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
        rc = kafka.tools.StorageTool$.MODULE$.execute(
            new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString()}, print);
      }
      if (rc != 0) {
        throw new IllegalStateException("exit code " + rc);
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          "formatting " + dir + " failed: " + e.getMessage() + " " + buffer.toString(StandardCharsets.UTF_8), e);
    } finally {
      if (file != null) {
        file.toFile().delete();
      }
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }
}
