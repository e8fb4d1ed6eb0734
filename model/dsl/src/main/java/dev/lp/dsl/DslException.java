package dev.lp.dsl;

/**
 * Signals a malformed DSL value: a bad token sequence, program text, argument or I/O string.
 * The message names what is wrong; {@link #position()} locates it (a token index or a character
 * offset, as the throwing method documents) or is -1 when no single position applies.
 */
public final class DslException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final int position;

  public DslException(String message) {
    this(message, -1);
  }

  public DslException(String message, int position) {
    super(message);
    this.position = position;
  }

  /** The offending token index or character offset, or -1 if none applies. */
  public int position() {
    return position;
  }
}
