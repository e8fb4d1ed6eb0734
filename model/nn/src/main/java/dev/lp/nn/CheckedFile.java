package dev.lp.nn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;

/**
 * The self-checking container of the weights and optimizer-state files: a body that starts with
 * a 4-byte magic, followed by a CRC32 of the body, written atomically (temp file, then rename) so
 * truncation and corruption are caught before anything is decoded.
 */
final class CheckedFile {

  private CheckedFile() {}

  /** Writes {@code body} plus its CRC32 trailer to {@code file}, atomically. */
  static void write(Path file, byte[] body) throws IOException {
    CRC32 crc = new CRC32();
    crc.update(body);
    byte[] all = ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue()).array();
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, all);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads {@code file} and checks its length, magic and checksum; returns all its bytes (the body
   * is everything but the last 8). Errors name the file as {@code what}, e.g. "weights file X".
   *
   * @param kind what the magic stands for, in "not an lp-nn KIND file"
   */
  static byte[] read(Path file, String what, int magic, String kind, int minLength) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + ": " + e.getMessage(), e);
    }
    if (all.length < minLength) {
      throw new IllegalArgumentException(what + " is truncated (" + all.length + " bytes)");
    }
    if (ByteBuffer.wrap(all, 0, 4).getInt() != magic) {
      throw new IllegalArgumentException(what + " is not an lp-nn " + kind + " file (bad magic)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong()) {
      throw new IllegalArgumentException(what + " is truncated or corrupt (checksum mismatch, " + all.length + " bytes)");
    }
    return all;
  }
}
