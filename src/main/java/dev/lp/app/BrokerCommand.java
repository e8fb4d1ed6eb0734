package dev.lp.app;

import dev.lp.app.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lp broker}: a single-node Kafka broker in this JVM, until SIGTERM or Ctrl-C. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Runs a single-node Kafka broker (KRaft) on 127.0.0.1 with the lp topics, until stopped.")
public final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--port", description = "Client port (0 = a free one). Default: ${DEFAULT-VALUE}.")
  int port = 9092;

  @Option(names = "--data-dir", description = "Log directory, kept across runs (default: a temporary one, deleted on exit).")
  Path dataDir;

  @Option(names = "--partitions", description = "Partitions of lp.requests and lp.results. Default: ${DEFAULT-VALUE}.")
  int partitions = 4;

  @Override
  public Integer call() throws Exception {
    var stopped = new CountDownLatch(1);
    var kafka = EmbeddedKafka.start(port, dataDir, partitions);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      kafka.close();
      stopped.countDown();
    }, "lp-broker-stop"));
    System.out.println("broker ready at " + kafka.bootstrapServers() + " (log dir " + kafka.logDir() + "); Ctrl-C stops it");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
