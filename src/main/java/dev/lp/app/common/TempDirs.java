package dev.lp.app.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's working directories in the temp dir ({@code lp-model-}, {@code lp-checkpoints-},
 * {@code lp-kafka-}), named {@code PREFIX<pid>-<random>} so that a later process can tell whose
 * they are.
 *
 * <p>Why: a process killed with -9 runs no shutdown hook and no close, so every kill left its
 * unpacked model, staged checkpoints and broker log behind, and they piled up. Creating one
 * directory first removes the directories of the same prefix whose owning process is gone.
 *
 * <p>Contract: a directory is removed only when its name carries a pid and no live process has
 * that pid (a reused pid keeps a stale directory: safe, never the reverse); names without a pid
 * (written before this class) are left alone; failures to remove are logged, never thrown.
 */
public final class TempDirs {
  private static final Logger log = LoggerFactory.getLogger(TempDirs.class);

  private TempDirs() {}

  /** Removes stale {@code prefix} directories of dead processes, then creates this process's one. */
  public static Path create(String prefix) {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    removeStale(tmp, prefix);
    try {
      return Files.createTempDirectory(tmp, prefix + ProcessHandle.current().pid() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory " + prefix + "* in " + tmp, e);
    }
  }

  /** Removes the {@code prefix<pid>-*} directories under {@code parent} whose process is not alive; returns how many. */
  static int removeStale(Path parent, String prefix) {
    int removed = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, prefix + "*")) {
      for (Path dir : dirs) {
        var pid = ownerPid(dir.getFileName().toString(), prefix);
        if (pid.isEmpty() || !Files.isDirectory(dir)
            || ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        deleteTree(dir);
        if (!Files.exists(dir)) {
          removed++;
          log.info("removed {}, left behind by process {} which is gone", dir, pid.get());
        }
      }
    } catch (IOException | SecurityException e) {
      log.warn("could not look for stale {}* directories in {}: {}", prefix, parent, e.toString());
    }
    return removed;
  }

  /** The pid in {@code prefix<pid>-<random>}, if the name has that form. */
  static Optional<Long> ownerPid(String name, String prefix) {
    if (!name.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = name.substring(prefix.length());
    int dash = rest.indexOf('-');
    if (dash <= 0 || dash > 19) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(rest.substring(0, dash)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Deletes {@code dir} and everything under it; what cannot be deleted is logged and left. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      log.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
