package dev.lp.checkpoint;

/** A checkpoint that cannot be written or trusted; the message says which and why. */
public final class CheckpointException extends RuntimeException {

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
