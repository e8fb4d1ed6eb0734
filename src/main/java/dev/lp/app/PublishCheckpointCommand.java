package dev.lp.app;

import dev.lp.app.models.ModelLoader;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.publish.CheckpointPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp publish-checkpoint}: verifies one checkpoint directory and publishes its weights on
 * lp.checkpoints, where every worker watching the topic hot-reloads it if it is newer than what it
 * serves. Exit 0 when published, 2 for bad arguments, 1 when the directory is not a valid
 * checkpoint or the broker does not take it.
 */
@Command(
    name = "publish-checkpoint",
    mixinStandardHelpOptions = true,
    description = "Publishes a checkpoint directory on lp.checkpoints for workers to hot-reload.")
public final class PublishCheckpointCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
  String bootstrap;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "A checkpoint directory (holding manifest.json), or a run directory: its newest checkpoint.")
  Path checkpoint;

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "How long publishing may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    if (!bootstrap.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
      throw new ParameterException(spec.commandLine(), "--bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
    }
    if (timeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout must be >= 1 second, got " + timeoutSeconds);
    }
    Path dir;
    try {
      dir = ModelLoader.resolve(checkpoint).dir();
    } catch (CheckpointException e) {
      System.err.println("lp publish-checkpoint: " + e.getMessage());
      return 1;
    }
    try (var publisher = new CheckpointPublisher(bootstrap, Duration.ofSeconds(timeoutSeconds))) {
      var p = publisher.publish(dir);
      System.out.printf("published %s (kind %s, step %d): %d chunks, %d bytes, sha256 %s, to lp.checkpoints on %s%n",
          p.version(), p.kind(), p.step(), p.chunks(), p.bytes(), p.sha256(), bootstrap);
      return 0;
    } catch (CheckpointException e) {
      System.err.println("lp publish-checkpoint: " + e.getMessage());
      return 1;
    } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
      System.err.println("lp publish-checkpoint: " + e.getMessage());
      return 1;
    }
  }
}
