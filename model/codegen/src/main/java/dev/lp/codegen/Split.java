package dev.lp.codegen;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The three parts of the corpus. A function's part is decided by its source file alone (the
 * SHA-256 of the file's path relative to its source folder, so it does not depend on where the
 * sources are installed): every function of a file lands in the same part, and no function of a
 * test file is in training.
 */
public enum Split {
  TRAIN, VALID, TEST;

  /** The file name of this part's JSONL file ({@code train.jsonl} ...). */
  public String fileName() {
    return label() + ".jsonl";
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The part of {@code relativePath} when {@code validPercent} and {@code testPercent} of the files
   * (by hash, in steps of 0.1%) go to validation and test.
   */
  public static Split of(String relativePath, double validPercent, double testPercent) {
    if (validPercent < 0 || testPercent < 0 || validPercent + testPercent > 100) {
      throw new IllegalArgumentException("split percentages must be >= 0 and sum to <= 100, got valid "
          + validPercent + " and test " + testPercent);
    }
    int bucket = bucket(relativePath);
    if (bucket < Math.round(testPercent * 10)) {
      return TEST;
    }
    if (bucket < Math.round((testPercent + validPercent) * 10)) {
      return VALID;
    }
    return TRAIN;
  }

  /** 0..999 from the first 8 bytes of the path's SHA-256. */
  static int bucket(String relativePath) {
    byte[] h = sha256().digest(relativePath.getBytes(StandardCharsets.UTF_8));
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (h[i] & 0xff);
    }
    return (int) Long.remainderUnsigned(v, 1000);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
