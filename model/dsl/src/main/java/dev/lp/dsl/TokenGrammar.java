package dev.lp.dsl;

import java.util.Arrays;

/**
 * The exact token-level grammar of programs as an incremental automaton: a state after any prefix
 * says which token ids may come next, so a decoder can mask every token that cannot continue a
 * program. The language is exactly what {@link Tokens#decode} accepts: one or more expressions in
 * prefix encoding, EOS, then only PAD.
 *
 * <p>A state is a {@code long} value (immutable, cheap to copy through beam reorders): a stack of
 * up to eight 4-bit slots of what the pending arguments must be (an argument kind, or Compose's
 * outer / inner op; top in the low bits), a flag "at least one expression started" and a flag
 * "EOS seen". {@link #start()} is the empty prefix. Every method that takes a state rejects a
 * malformed one (bits no prefix can set) with an {@link IllegalArgumentException}.
 *
 * <p>Lengths: each pending slot needs at least one more token (Trim fills an op slot alone), so a
 * prefix whose state has {@code d} slots needs {@link #minTokensToFinish} = {@code d} more tokens
 * plus EOS (plus one op if no expression has started). {@link #allowed(long, int, boolean[])} uses
 * that to admit only tokens after which the program can still end within a token budget.
 *
 * <p>Stateless and thread-safe; all methods are static.
 */
public final class TokenGrammar {

  // Slot kinds (0 = empty slot). Op slots first, then the argument kinds of Tokens.Arg.
  private static final int OUTER = 1;
  private static final int INNER = 2;
  private static final int TYPE = 3;
  private static final int REGEX = 4;
  private static final int INDEX = 5;
  private static final int POSITION = 6;
  private static final int CASE = 7;
  private static final int BOUNDARY = 8;
  private static final int DELIMITER = 9;
  private static final int CHAR = 10;
  private static final int LAST_KIND = CHAR;
  // Table rows for the states with no pending slot.
  private static final int TOP_FIRST = 11;
  private static final int TOP = 12;
  private static final int DONE = 13;
  private static final int SITUATIONS = 14;

  private static final String[] DESCRIPTION = {
    null, "a nesting op as Compose's outer expression (GetToken..RemoveAll, not ConstStr/SubStr/GetSpan/Compose)",
    "a nesting or substring op as Compose's inner expression (not ConstStr/Compose)", "a type",
    "a type or delimiter", "an index -5..-1 or 1..5", "an integer -100..100", "a case", "a boundary",
    "a delimiter", "a character", "an op (the first expression)", "an op or EOS", "only PAD after EOS"
  };

  private static final int SLOT_BITS = 4;
  private static final int MAX_DEPTH = 8;
  private static final long STACK_MASK = 0xFFFF_FFFFL;
  private static final long STARTED = 1L << 32;
  private static final long FINISHED = 1L << 33;
  private static final long KNOWN_BITS = STACK_MASK | STARTED | FINISHED;

  /** The largest number of slots one token pushes (GetSpan's six arguments). */
  private static final int MAX_PUSH = 6;

  /** ALLOWED[situation][id]: the grammar alone, without a length budget. */
  private static final boolean[][] ALLOWED = new boolean[SITUATIONS][Tokens.VOCAB];
  /**
   * WITHIN[situation][limit + 1][id]: ALLOWED restricted to tokens pushing at most {@code limit}
   * slots (EOS and PAD are kept; limit -1 keeps only them); index MAX_PUSH + 1 means no limit.
   */
  private static final boolean[][][] WITHIN = new boolean[SITUATIONS][MAX_PUSH + 2][];
  /** PUSHED[id]: slots pushed by id, top of stack first (empty for argument values). */
  private static final int[][] PUSHED = new int[Tokens.VOCAB][];

  static {
    for (int id = 0; id < Tokens.VOCAB; id++) {
      if (id == Tokens.COMPOSE) {
        PUSHED[id] = new int[] {OUTER, INNER};
      } else if (Tokens.isOp(id)) {
        Tokens.Arg[] args = Tokens.ARGS[id - Tokens.COMPOSE];
        PUSHED[id] = new int[args.length];
        for (int k = 0; k < args.length; k++) {
          PUSHED[id][k] = kindOf(args[k]);
        }
      } else {
        PUSHED[id] = new int[0];
      }
    }
    for (int kind = 1; kind <= LAST_KIND; kind++) {
      for (int id = 0; id < Tokens.VOCAB; id++) {
        ALLOWED[kind][id] = slotAccepts(kind, id);
      }
    }
    for (int id = 0; id < Tokens.VOCAB; id++) {
      ALLOWED[TOP_FIRST][id] = Tokens.isOp(id);
      ALLOWED[TOP][id] = Tokens.isOp(id) || id == Tokens.EOS;
      ALLOWED[DONE][id] = id == Tokens.PAD;
    }
    for (int s = 1; s < SITUATIONS; s++) {
      for (int limit = -1; limit <= MAX_PUSH; limit++) {
        boolean[] row = new boolean[Tokens.VOCAB];
        for (int id = 0; id < Tokens.VOCAB; id++) {
          boolean free = id == Tokens.EOS || id == Tokens.PAD;
          row[id] = ALLOWED[s][id] && (free || PUSHED[id].length <= limit);
        }
        WITHIN[s][limit + 1] = row;
      }
    }
  }

  private TokenGrammar() {}

  private static int kindOf(Tokens.Arg arg) {
    switch (arg) {
      case CHAR: return CHAR;
      case DELIMITER: return DELIMITER;
      case REGEX: return REGEX;
      case TYPE: return TYPE;
      case CASE: return CASE;
      case BOUNDARY: return BOUNDARY;
      case POSITION: return POSITION;
      case INDEX: return INDEX;
      default: throw new AssertionError(arg);
    }
  }

  /** Whether a slot of this kind takes id; mirrors the checks of Tokens.decode. */
  private static boolean slotAccepts(int kind, int id) {
    switch (kind) {
      case OUTER: return Tokens.isOp(id) && id >= Tokens.GET_TOKEN;
      case INNER: return Tokens.isOp(id) && id != Tokens.COMPOSE && id != Tokens.CONST_STR;
      case TYPE: return Tokens.accepts(Tokens.Arg.TYPE, id);
      case REGEX: return Tokens.accepts(Tokens.Arg.REGEX, id);
      case INDEX: return Tokens.accepts(Tokens.Arg.INDEX, id);
      case POSITION: return Tokens.accepts(Tokens.Arg.POSITION, id);
      case CASE: return Tokens.accepts(Tokens.Arg.CASE, id);
      case BOUNDARY: return Tokens.accepts(Tokens.Arg.BOUNDARY, id);
      case DELIMITER: return Tokens.accepts(Tokens.Arg.DELIMITER, id);
      case CHAR: return Tokens.accepts(Tokens.Arg.CHAR, id);
      default: throw new AssertionError(kind);
    }
  }

  // ---- states -----------------------------------------------------------------------------

  /** The state of the empty prefix (BOS is not part of the language). */
  public static long start() {
    return 0L;
  }

  /**
   * The state after {@code token} follows a prefix in {@code state}.
   *
   * @throws IllegalArgumentException (a {@link DslException}) naming the token and what was
   *     expected, if the token cannot follow, or if the state or id is invalid
   */
  public static long advance(long state, int token) {
    int s = situation(state);
    checkId(token);
    if (!ALLOWED[s][token]) {
      throw new DslException("token " + Tokens.name(token) + " (id " + token + ") cannot come here: expected "
          + DESCRIPTION[s] + " (" + describe(state) + ")");
    }
    if (s == DONE) {
      return state;
    }
    if (token == Tokens.EOS) {
      return state | FINISHED;
    }
    long stack = (state & STACK_MASK) >>> (s <= LAST_KIND ? SLOT_BITS : 0);
    int[] push = PUSHED[token];
    for (int k = push.length - 1; k >= 0; k--) {
      stack = (stack << SLOT_BITS) | push[k];
    }
    if ((stack & ~STACK_MASK) != 0) {
      throw new AssertionError("grammar stack overflow"); // the deepest state holds 6 slots
    }
    return (state & ~STACK_MASK) | STARTED | stack;
  }

  /** Whether {@code token} may follow a prefix in {@code state} (false for ids outside 0..315). */
  public static boolean allowed(long state, int token) {
    int s = situation(state);
    return token >= 0 && token < Tokens.VOCAB && ALLOWED[s][token];
  }

  /**
   * Fills {@code out[id]} with whether id may follow a prefix in {@code state} such that the
   * program can still end (EOS included) within {@code budget} more tokens, this one included.
   * A budget below 1 allows nothing (except PAD after EOS, which is outside any budget).
   *
   * @throws IllegalArgumentException if {@code out} is not 316 long or the state is invalid
   */
  public static void allowed(long state, int budget, boolean[] out) {
    int s = situation(state);
    if (out == null || out.length != Tokens.VOCAB) {
      throw new IllegalArgumentException("allowed-token buffer must have " + Tokens.VOCAB + " entries, got "
          + (out == null ? "null" : out.length));
    }
    if (s != DONE && budget < 1) {
      Arrays.fill(out, false);
      return;
    }
    // After a non-EOS token the slots left plus the pushed ones, then EOS, must fit the budget.
    int remainingSlots = s <= LAST_KIND ? depth(state) - 1 : 0;
    long limit = s == DONE ? MAX_PUSH : (long) budget - 2 - remainingSlots;
    int row = (int) Math.max(-1, Math.min(MAX_PUSH, limit)) + 1;
    System.arraycopy(WITHIN[s][row], 0, out, 0, Tokens.VOCAB);
  }

  /** A fresh copy of the ids allowed after a prefix in {@code state}, without a length budget. */
  public static boolean[] allowedTokens(long state) {
    return ALLOWED[situation(state)].clone();
  }

  /** Whether the prefix is one or more complete expressions, so EOS may come now. */
  public static boolean accepting(long state) {
    return situation(state) == TOP;
  }

  /** Whether the prefix already ended with EOS (only PAD may follow). */
  public static boolean finished(long state) {
    return situation(state) == DONE;
  }

  /** Fewest tokens, EOS included, that complete a program from {@code state}; 0 once finished. */
  public static int minTokensToFinish(long state) {
    int s = situation(state);
    if (s == DONE) {
      return 0;
    }
    return depth(state) + (s == TOP_FIRST ? 1 : 0) + 1;
  }

  /** The state after the whole {@code ids}; DslException at the first token that cannot come. */
  public static long run(int[] ids) {
    if (ids == null) {
      throw new DslException("cannot run the grammar on null token ids");
    }
    long state = start();
    for (int k = 0; k < ids.length; k++) {
      if (!allowed(state, ids[k])) {
        throw new DslException("token " + Tokens.name(ids[k]) + " (id " + ids[k] + ") at position " + k
            + " cannot come here: expected " + DESCRIPTION[situation(state)], k);
      }
      state = advance(state, ids[k]);
    }
    return state;
  }

  /** Whether {@code ids} is a complete program (EOS, then only PAD): exactly when decode succeeds. */
  public static boolean accepts(int[] ids) {
    if (ids == null) {
      return false;
    }
    long state = start();
    for (int id : ids) {
      if (!allowed(state, id)) {
        return false;
      }
      state = advance(state, id);
    }
    return finished(state);
  }

  /** A readable form of a state, e.g. "pending, next first: [a type; an index -5..-1 or 1..5]". */
  public static String describe(long state) {
    int s = situation(state);
    if (s == DONE) {
      return "finished: EOS seen";
    }
    if (s == TOP_FIRST) {
      return "start: no expression yet";
    }
    if (s == TOP) {
      return "between expressions";
    }
    StringBuilder sb = new StringBuilder("pending, next first: [");
    long stack = state & STACK_MASK;
    for (boolean first = true; stack != 0; stack >>>= SLOT_BITS, first = false) {
      sb.append(first ? "" : "; ").append(DESCRIPTION[(int) (stack & 0xF)]);
    }
    return sb.append(']').toString();
  }

  private static int depth(long state) {
    long stack = state & STACK_MASK;
    return (64 - Long.numberOfLeadingZeros(stack) + SLOT_BITS - 1) / SLOT_BITS;
  }

  /** The ALLOWED row of a state, validating that some prefix produces it. */
  private static int situation(long state) {
    long stack = state & STACK_MASK;
    boolean valid = (state & ~KNOWN_BITS) == 0;
    boolean started = (state & STARTED) != 0;
    boolean finished = (state & FINISHED) != 0;
    if (valid && finished) {
      valid = started && stack == 0;
    } else if (valid && stack != 0) {
      valid = started && depth(state) <= MAX_DEPTH;
      for (long st = stack; valid && st != 0; st >>>= SLOT_BITS) {
        int kind = (int) (st & 0xF);
        valid = kind >= 1 && kind <= LAST_KIND;
      }
    }
    if (!valid) {
      throw new DslException("not a grammar state: 0x" + Long.toHexString(state));
    }
    if (finished) {
      return DONE;
    }
    if (stack == 0) {
      return started ? TOP : TOP_FIRST;
    }
    return (int) (stack & 0xF);
  }

  private static void checkId(int token) {
    if (token < 0 || token >= Tokens.VOCAB) {
      throw new DslException("token id " + token + " is out of range 0.." + (Tokens.VOCAB - 1));
    }
  }
}
