package dev.lp.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints on disk: one directory per checkpoint ({@code manifest.json} + weights [+ optimizer
 * state]) under a root, plus a {@code LATEST} file naming the newest. Every write goes to a
 * temporary directory that is renamed into place, so a reader never sees half a checkpoint;
 * every read checks size and sha256, so a truncated or corrupted file is refused by name.
 *
 * <p>Free of DJL: the caller writes the weights through {@link WeightsWriter}.
 */
public final class CheckpointStore {

  public static final String MANIFEST = "manifest.json";
  public static final String WEIGHTS = "model.params";
  public static final String OPTIMIZER = "optimizer.bin";
  private static final String LATEST = "LATEST";

  private final Path root;

  public CheckpointStore(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** Writes one file of a checkpoint into the temporary directory. */
  @FunctionalInterface
  public interface WeightsWriter {
    void write(Path file) throws IOException;
  }

  /** A verified checkpoint directory. */
  public record Checkpoint(Path dir, Manifest manifest) {
    public Path weights() {
      return dir.resolve(manifest.weightsFile());
    }

    public Optional<Path> optimizerState() {
      return manifest.optimizerFile() == null
          ? Optional.empty()
          : Optional.of(dir.resolve(manifest.optimizerFile()));
    }

    /**
     * The optimizer state to resume from, checked against the size and sha256 the manifest
     * records (manifests written before those were recorded name the file only, and it is taken
     * as it is); a missing, truncated or replaced file is a {@link CheckpointException}.
     */
    public Optional<Path> verifiedOptimizerState() {
      Optional<Path> file = optimizerState();
      if (file.isPresent() && manifest.optimizerSha256() != null) {
        verify(dir, file.get(), "optimizer state", manifest.optimizerBytes(), manifest.optimizerSha256());
      } else if (file.isPresent() && !Files.isRegularFile(file.get())) {
        throw new CheckpointException("checkpoint " + dir + " has no optimizer state file " + manifest.optimizerFile());
      }
      return file;
    }

    /** "name@step", the version string carried on events. */
    public String version() {
      return dir.getFileName() + "@" + manifest.step();
    }
  }

  /**
   * Writes a checkpoint named {@code step-NNNNNNNNN} atomically and points LATEST at it.
   *
   * @param draft the manifest without the weights fields (they are filled in here)
   * @param optimizer writes the optimizer state, or null to save none
   */
  public Checkpoint write(Manifest draft, WeightsWriter weights, WeightsWriter optimizer) {
    String name = String.format("step-%09d", draft.step());
    try {
      Files.createDirectories(root);
      Path tmp = Files.createTempDirectory(root, "." + name + ".tmp-");
      weights.write(tmp.resolve(WEIGHTS));
      if (optimizer != null) {
        optimizer.write(tmp.resolve(OPTIMIZER));
      }
      Path w = tmp.resolve(WEIGHTS);
      if (!Files.isRegularFile(w) || Files.size(w) == 0) {
        throw new CheckpointException("the weights writer produced no file at " + w);
      }
      Path o = tmp.resolve(OPTIMIZER);
      if (optimizer != null && (!Files.isRegularFile(o) || Files.size(o) == 0)) {
        throw new CheckpointException("the optimizer state writer produced no file at " + o);
      }
      Manifest full = new Manifest(
          Manifest.FORMAT, draft.kind(), draft.config(), draft.step(), draft.tasksSeen(),
          draft.trainSeed(), draft.initSeed(), draft.training(), draft.recipe(), draft.metrics(),
          WEIGHTS, Files.size(w), sha256(w), optimizer == null ? null : OPTIMIZER,
          optimizer == null ? 0 : Files.size(o), optimizer == null ? null : sha256(o),
          draft.createdAt() == null ? Instant.now().toString() : draft.createdAt());
      Files.writeString(tmp.resolve(MANIFEST), full.toJson(), StandardCharsets.UTF_8);
      readableByAll(tmp);
      Path dir = root.resolve(name);
      if (Files.exists(dir)) {
        deleteTree(dir);
      }
      move(tmp, dir);
      Path latestTmp = Files.createTempFile(root, ".latest", ".tmp");
      Files.writeString(latestTmp, name + "\n", StandardCharsets.UTF_8);
      move(latestTmp, root.resolve(LATEST));
      return new Checkpoint(dir, full);
    } catch (IOException e) {
      throw new CheckpointException("cannot write checkpoint " + name + " under " + root + ": " + e.getMessage(), e);
    }
  }

  /** The checkpoint LATEST names, or else the highest step present; empty when there is none. */
  public Optional<Checkpoint> latest() {
    try {
      Path latest = root.resolve(LATEST);
      if (Files.isRegularFile(latest)) {
        return Optional.of(open(root.resolve(Files.readString(latest, StandardCharsets.UTF_8).strip())));
      }
      if (!Files.isDirectory(root)) {
        return Optional.empty();
      }
      try (Stream<Path> dirs = Files.list(root)) {
        Optional<Path> newest = dirs
            .filter(p -> p.getFileName().toString().startsWith("step-"))
            .filter(p -> Files.isRegularFile(p.resolve(MANIFEST)))
            .max(Comparator.comparing(p -> p.getFileName().toString()));
        return newest.map(CheckpointStore::open);
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoints under " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens and verifies a checkpoint directory: manifest present and valid, weights present with
   * the recorded size and sha256.
   */
  public static Checkpoint open(Path dir) {
    Path manifestFile = dir.resolve(MANIFEST);
    Manifest m;
    try {
      m = Manifest.fromJson(Files.readString(manifestFile, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new CheckpointException("not a checkpoint: " + manifestFile + " does not exist");
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + manifestFile + ": " + e.getMessage(), e);
    } catch (CheckpointException e) {
      throw new CheckpointException(manifestFile + ": " + e.getMessage());
    }
    verify(dir, dir.resolve(m.weightsFile()), "weights", m.weightsBytes(), m.weightsSha256());
    return new Checkpoint(dir, m);
  }

  /** Checks one file of checkpoint {@code dir} against the size and sha256 its manifest records. */
  private static void verify(Path dir, Path file, String what, long bytes, String sha) {
    try {
      long size = Files.size(file);
      if (size != bytes) {
        throw new CheckpointException(what + " " + file + ": " + size + " bytes but the manifest says " + bytes
            + " (truncated or replaced)");
      }
      String actual = sha256(file);
      if (!actual.equals(sha)) {
        throw new CheckpointException(what + " " + file + ": sha256 " + actual + " but the manifest says " + sha
            + " (corrupted or replaced)");
      }
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint " + dir + " has no " + what + " file " + file.getFileName());
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Lower-case hex sha256 of a file's bytes. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Temporary files and directories are created private (0600/0700); a checkpoint is read by
   * workers that may run as another user on a shared volume, so it is opened up before the rename.
   */
  private static void readableByAll(Path dir) throws IOException {
    if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (Files.isDirectory(f)) {
          deleteTree(f);
        } else {
          Files.delete(f);
        }
      }
    }
    Files.delete(dir);
  }

  @Override
  public String toString() {
    return "CheckpointStore[" + root + "]";
  }

}
