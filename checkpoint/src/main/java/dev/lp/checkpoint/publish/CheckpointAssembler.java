package dev.lp.checkpoint.publish;

import dev.lp.protocol.CheckpointChunk;
import dev.lp.protocol.Topics;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.CheckpointStore;
import dev.lp.checkpoint.Manifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Collects {@link CheckpointChunk}s per version and, once all of a version's chunks are there,
 * writes a verified checkpoint directory that {@code ModelLoader} can load.
 *
 * <p>Contract: chunks may arrive in any order, repeated, and interleaved with other versions. A
 * chunk that contradicts the ones already held for its version (header, count, total size, other
 * bytes at the same index) or its own manifest is {@link Result.Rejected rejected} with the reason
 * and the version's partial state is dropped; so is a complete version whose bytes do not hash to
 * the announced sha256. A completed checkpoint is written to {@code root/<sha prefix>/<name>}
 * through a temporary directory and a rename, then opened with {@link CheckpointStore#open}, so
 * its directory name (and hence the model version on events) is the publisher's. Not thread-safe:
 * one consumer thread feeds it. Pure: no Kafka import.
 */
public final class CheckpointAssembler {

  /** Largest weights file accepted (a guard against a header that would exhaust memory). */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  /** Incomplete versions held at once; the oldest is dropped beyond this. */
  public static final int DEFAULT_MAX_PENDING = 8;

  /** What one chunk did. */
  public sealed interface Result {
    /** The version the chunk belongs to. */
    String version();

    /** The chunk was stored (or was a byte-identical repeat); {@code have} of {@code count} held. */
    record Incomplete(String version, int have, int count) implements Result {}

    /** The chunk completed its version: the verified checkpoint on disk. */
    record Complete(String version, CheckpointStore.Checkpoint checkpoint) implements Result {}

    /** The chunk (and with it what was held of its version) was refused; {@code reason} says why. */
    record Rejected(String version, String reason) implements Result {}
  }

  private final Path root;
  private final long maxBytes;
  private final int maxPending;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  /** An assembler writing under {@code root} with the default limits. */
  public CheckpointAssembler(Path root) {
    this(root, DEFAULT_MAX_BYTES, DEFAULT_MAX_PENDING);
  }

  /**
   * @param root directory the completed checkpoints are written under (created when missing)
   * @param maxBytes largest weights file accepted
   * @param maxPending incomplete versions held at once
   */
  public CheckpointAssembler(Path root, long maxBytes, int maxPending) {
    if (root == null) {
      throw new IllegalArgumentException("the assembler needs a root directory");
    }
    if (maxBytes < 1 || maxPending < 1) {
      throw new IllegalArgumentException("maxBytes and maxPending must be >= 1, got " + maxBytes + ", " + maxPending);
    }
    this.root = root;
    this.maxBytes = maxBytes;
    this.maxPending = maxPending;
  }

  /** Checkpoints ({@link Topics#checkpointId}) with chunks held but not yet complete, oldest first. */
  public java.util.List<String> pendingVersions() {
    return java.util.List.copyOf(pending.keySet());
  }

  /** Drops what is held of checkpoint {@code id} ({@link #idOf}), e.g. one the caller does not want. */
  public void forget(String id) {
    pending.remove(id);
  }

  /**
   * The checkpoint a chunk belongs to: kind, version and weights hash ({@link Topics#checkpointId}),
   * so two runs' checkpoints of one step are assembled apart; a chunk too malformed to name one gets
   * its version alone (and is refused).
   */
  public static String idOf(CheckpointChunk chunk) {
    try {
      return Topics.checkpointId(chunk.getKind(), chunk.getVersion(), chunk.getWeightsSha256());
    } catch (IllegalArgumentException malformed) {
      return chunk.getVersion();
    }
  }

  /** Takes one chunk; never throws for a bad chunk (that is a {@link Result.Rejected}). */
  public Result accept(CheckpointChunk chunk) {
    if (chunk == null) {
      throw new IllegalArgumentException("chunk must not be null");
    }
    String version = chunk.getVersion();
    String id = idOf(chunk);
    String bad = checkAlone(chunk);
    if (bad != null) {
      pending.remove(id);
      return new Result.Rejected(version, bad);
    }
    Pending p = pending.get(id);
    if (p == null) {
      Manifest m;
      try {
        m = Manifest.fromJson(chunk.getManifestJson());
      } catch (CheckpointException e) {
        return new Result.Rejected(version, "chunk " + chunk.getIndex() + ": " + e.getMessage());
      }
      bad = checkAgainstManifest(chunk, m);
      if (bad != null) {
        return new Result.Rejected(version, bad);
      }
      while (pending.size() >= maxPending) {
        pending.remove(pending.keySet().iterator().next());
      }
      p = new Pending(chunk, m);
      pending.put(id, p);
    } else {
      bad = p.checkSameHeader(chunk);
      if (bad != null) {
        pending.remove(id);
        return new Result.Rejected(version, bad);
      }
    }
    byte[] data = chunk.getData().toByteArray();
    byte[] held = p.parts[chunk.getIndex()];
    if (held != null) {
      if (!Arrays.equals(held, data)) {
        pending.remove(id);
        return new Result.Rejected(version, "chunk " + chunk.getIndex() + " arrived twice with different bytes");
      }
      return new Result.Incomplete(version, p.have, p.parts.length);
    }
    p.bytes += data.length;
    if (p.bytes > p.header.getTotalBytes()) {
      pending.remove(id);
      return new Result.Rejected(version, "chunks hold more than total_bytes " + p.header.getTotalBytes());
    }
    p.parts[chunk.getIndex()] = data;
    p.have++;
    if (p.have < p.parts.length) {
      return new Result.Incomplete(version, p.have, p.parts.length);
    }
    pending.remove(id);
    return complete(p);
  }

  private String checkAlone(CheckpointChunk c) {
    String at = "chunk " + c.getIndex() + " of '" + c.getVersion() + "': ";
    if (c.getProtocolVersion() != Topics.PROTOCOL_VERSION) {
      return at + "protocol_version " + c.getProtocolVersion() + " is not supported (expected " + Topics.PROTOCOL_VERSION + ")";
    }
    if (!c.getName().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      return at + "name '" + c.getName() + "' is not a plain directory name";
    }
    if (!c.getVersion().equals(c.getName() + "@" + c.getStep())) {
      return at + "version must be name@step = '" + c.getName() + "@" + c.getStep() + "'";
    }
    if (c.getCount() < 1) {
      return at + "count " + c.getCount() + " must be >= 1";
    }
    if (c.getIndex() < 0 || c.getIndex() >= c.getCount()) {
      return at + "index " + c.getIndex() + " is outside 0.." + (c.getCount() - 1);
    }
    if (c.getTotalBytes() < 1 || c.getTotalBytes() > maxBytes) {
      return at + "total_bytes " + c.getTotalBytes() + " is outside 1.." + maxBytes;
    }
    if (c.getCount() > c.getTotalBytes()) {
      return at + "count " + c.getCount() + " exceeds total_bytes " + c.getTotalBytes();
    }
    if (c.getData().isEmpty()) {
      return at + "carries no bytes";
    }
    return null;
  }

  private static String checkAgainstManifest(CheckpointChunk c, Manifest m) {
    String at = "chunk " + c.getIndex() + " of '" + c.getVersion() + "': ";
    if (!m.kind().equals(c.getKind())) {
      return at + "kind '" + c.getKind() + "' differs from the manifest's '" + m.kind() + "'";
    }
    if (m.step() != c.getStep()) {
      return at + "step " + c.getStep() + " differs from the manifest's " + m.step();
    }
    if (!m.weightsSha256().equals(c.getWeightsSha256())) {
      return at + "weights_sha256 differs from the manifest's";
    }
    if (m.weightsBytes() != c.getTotalBytes()) {
      return at + "total_bytes " + c.getTotalBytes() + " differs from the manifest's " + m.weightsBytes();
    }
    return null;
  }

  private Result complete(Pending p) {
    CheckpointChunk h = p.header;
    if (p.bytes != h.getTotalBytes()) {
      return new Result.Rejected(h.getVersion(), "the " + p.parts.length + " chunks hold " + p.bytes
          + " bytes but total_bytes is " + h.getTotalBytes());
    }
    MessageDigest md = sha256();
    for (byte[] part : p.parts) {
      md.update(part);
    }
    String actual = HexFormat.of().formatHex(md.digest());
    if (!actual.equals(h.getWeightsSha256())) {
      return new Result.Rejected(h.getVersion(), "the assembled weights have sha256 " + actual
          + " but the checkpoint says " + h.getWeightsSha256() + " (a chunk was corrupted)");
    }
    // Keyed by the manifest (which names the weights' sha256), not by the weights alone: the same
    // weights published again under another manifest (another step) are another checkpoint.
    Path parent = root.resolve(HexFormat.of().formatHex(
        sha256().digest(h.getManifestJson().getBytes(StandardCharsets.UTF_8))).substring(0, 16));
    Path dir = parent.resolve(h.getName());
    try {
      if (Files.isRegularFile(dir.resolve(CheckpointStore.MANIFEST))) {
        try {
          return new Result.Complete(h.getVersion(), CheckpointStore.open(dir));
        } catch (CheckpointException stale) {
          deleteTree(dir);
        }
      }
      Files.createDirectories(parent);
      Path tmp = Files.createTempDirectory(parent, "." + h.getName() + ".tmp-");
      try {
        try (OutputStream out = Files.newOutputStream(tmp.resolve(p.manifest.weightsFile()))) {
          for (byte[] part : p.parts) {
            out.write(part);
          }
        }
        Files.writeString(tmp.resolve(CheckpointStore.MANIFEST), h.getManifestJson(), StandardCharsets.UTF_8);
        CheckpointStore.open(tmp);
        try {
          Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, dir);
        }
      } finally {
        if (Files.exists(tmp)) {
          deleteTree(tmp);
        }
      }
      return new Result.Complete(h.getVersion(), CheckpointStore.open(dir));
    } catch (IOException e) {
      return new Result.Rejected(h.getVersion(), "cannot write the checkpoint under " + parent + ": " + e.getMessage());
    } catch (CheckpointException e) {
      return new Result.Rejected(h.getVersion(), "the written checkpoint does not verify: " + e.getMessage());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** What is held of one version: the first chunk's header and the parts by index. */
  private static final class Pending {
    final CheckpointChunk header;
    final Manifest manifest;
    final byte[][] parts;
    int have;
    long bytes;

    Pending(CheckpointChunk first, Manifest manifest) {
      this.header = first.toBuilder().clearData().build();
      this.manifest = manifest;
      this.parts = new byte[first.getCount()][];
    }

    String checkSameHeader(CheckpointChunk c) {
      String at = "chunk " + c.getIndex() + " of '" + c.getVersion() + "': ";
      if (c.getCount() != header.getCount()) {
        return at + "count " + c.getCount() + " differs from the " + header.getCount() + " of earlier chunks";
      }
      if (c.getTotalBytes() != header.getTotalBytes()) {
        return at + "total_bytes " + c.getTotalBytes() + " differs from the " + header.getTotalBytes() + " of earlier chunks";
      }
      if (!c.getWeightsSha256().equals(header.getWeightsSha256())) {
        return at + "weights_sha256 differs from earlier chunks'";
      }
      if (!c.getKind().equals(header.getKind()) || !c.getManifestJson().equals(header.getManifestJson())) {
        return at + "kind or manifest differs from earlier chunks'";
      }
      return null;
    }
  }
}
