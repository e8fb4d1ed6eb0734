package dev.lp.dsl;

import java.util.ArrayList;
import java.util.List;

/**
 * The 316-id program vocabulary of DSL.md and the prefix encoding of programs.
 *
 * <p>Ids: 0 PAD, 1 BOS, 2 EOS; 3..18 the ops Compose, ConstStr, SubStr, GetSpan, GetToken, ToCase,
 * Replace, Trim, GetUpto, GetFrom, GetFirst, GetAll, Substitute, SubstituteAll, Remove, RemoveAll;
 * 19..101 the 83 characters; 102..109 types; 110..112 cases; 113..114 boundaries; 115..315 the
 * integers -100..100. An expression is its op id followed by its arguments (Compose: its id, then the
 * outer and inner expressions); a program is its expressions back to back, then EOS.
 *
 * <p>{@link #decode} reports every malformed sequence as a {@link DslException} whose position is the
 * offending token index; {@link #fromGolden} reports character offsets in the golden string.
 */
public final class Tokens {
  public static final int PAD = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  public static final int VOCAB = 316;

  public static final int COMPOSE = 3;
  public static final int CONST_STR = 4;
  public static final int SUB_STR = 5;
  public static final int GET_SPAN = 6;
  public static final int GET_TOKEN = 7;
  public static final int TO_CASE = 8;
  public static final int REPLACE = 9;
  public static final int TRIM = 10;
  public static final int GET_UPTO = 11;
  public static final int GET_FROM = 12;
  public static final int GET_FIRST = 13;
  public static final int GET_ALL = 14;
  public static final int SUBSTITUTE = 15;
  public static final int SUBSTITUTE_ALL = 16;
  public static final int REMOVE = 17;
  public static final int REMOVE_ALL = 18;
  /** Id of the first character ('a'); character k of {@link Alphabet#CHARACTERS} is FIRST_CHAR + k. */
  public static final int FIRST_CHAR = 19;
  public static final int FIRST_TYPE = 102;
  public static final int FIRST_CASE = 110;
  public static final int FIRST_BOUNDARY = 113;
  /** Id of the integer -100; integer v is INT_ZERO + v. */
  public static final int FIRST_INT = 115;
  public static final int INT_ZERO = 215;

  private static final String[] OP_NAMES = {
    "Compose", "ConstStr", "SubStr", "GetSpan", "GetToken", "ToCase", "Replace", "Trim", "GetUpto",
    "GetFrom", "GetFirst", "GetAll", "Substitute", "SubstituteAll", "Remove", "RemoveAll"
  };

  /** Argument kinds, so decode can check each token before building the record. */
  enum Arg {
    CHAR("a character"), DELIMITER("a delimiter"), REGEX("a type or delimiter"), TYPE("a type"),
    CASE("a case"), BOUNDARY("a boundary"), POSITION("an integer -100..100"), INDEX("an index -5..-1 or 1..5");

    final String description;

    Arg(String description) {
      this.description = description;
    }
  }

  /** ARGS[op - COMPOSE]: the argument kinds of each op (Compose's two expressions are handled apart). */
  static final Arg[][] ARGS = {
    {},
    {Arg.CHAR},
    {Arg.POSITION, Arg.POSITION},
    {Arg.REGEX, Arg.INDEX, Arg.BOUNDARY, Arg.REGEX, Arg.INDEX, Arg.BOUNDARY},
    {Arg.TYPE, Arg.INDEX},
    {Arg.CASE},
    {Arg.DELIMITER, Arg.DELIMITER},
    {},
    {Arg.REGEX},
    {Arg.REGEX},
    {Arg.TYPE, Arg.INDEX},
    {Arg.TYPE},
    {Arg.TYPE, Arg.INDEX, Arg.CHAR},
    {Arg.TYPE, Arg.CHAR},
    {Arg.TYPE, Arg.INDEX},
    {Arg.TYPE},
  };

  private Tokens() {}

  // ---- ids of argument values -------------------------------------------------------------

  /** Token id of an alphabet character; DslException otherwise. */
  public static int charId(char c) {
    return FIRST_CHAR + Alphabet.id(c) - 1;
  }

  public static int typeId(Type t) {
    return FIRST_TYPE + t.ordinal();
  }

  public static int caseId(Case c) {
    return FIRST_CASE + c.ordinal();
  }

  public static int boundaryId(Boundary b) {
    return FIRST_BOUNDARY + b.ordinal();
  }

  /** Token id of an integer -100..100; DslException otherwise. */
  public static int intId(int v) {
    if (v < Check.MIN_POSITION || v > Check.MAX_POSITION) {
      throw new DslException("integer " + v + " has no token (range -100..100)");
    }
    return INT_ZERO + v;
  }

  /** Token id of an op given its record class (e.g. GetToken.class). */
  public static int opId(Class<? extends Expr> op) {
    for (int k = 0; k < OP_NAMES.length; k++) {
      if (OP_NAMES[k].equals(op.getSimpleName())) {
        return COMPOSE + k;
      }
    }
    throw new DslException("not a DSL op class: " + op.getName());
  }

  /** Whether id is an op id (3..18). */
  public static boolean isOp(int id) {
    return id >= COMPOSE && id <= REMOVE_ALL;
  }

  /** Number of argument tokens that follow op id (Compose: -1, its arguments are expressions). */
  public static int arity(int opId) {
    if (!isOp(opId)) {
      throw new DslException("token id " + opId + " is not an op (3..18)");
    }
    return opId == COMPOSE ? -1 : ARGS[opId - COMPOSE].length;
  }

  // ---- encoding ---------------------------------------------------------------------------

  /** Prefix encoding of every expression, then EOS. */
  public static int[] encode(Program p) {
    if (p == null) {
      throw new DslException("cannot encode a null program");
    }
    IntBuf buf = new IntBuf(p.size() * 4 + 1);
    for (Expr e : p.expressions()) {
      encodeInto(e, buf);
    }
    buf.add(EOS);
    return buf.toArray();
  }

  /** Prefix encoding of one expression, no EOS. */
  public static int[] encode(Expr e) {
    if (e == null) {
      throw new DslException("cannot encode a null expression");
    }
    IntBuf buf = new IntBuf(8);
    encodeInto(e, buf);
    return buf.toArray();
  }

  private static void encodeInto(Expr e, IntBuf b) {
    if (e instanceof Compose x) {
      b.add(COMPOSE);
      encodeInto(x.outer(), b);
      encodeInto(x.inner(), b);
    } else if (e instanceof ConstStr x) {
      b.add(CONST_STR, charId(x.c()));
    } else if (e instanceof SubStr x) {
      b.add(SUB_STR, intId(x.k1()), intId(x.k2()));
    } else if (e instanceof GetSpan x) {
      b.add(GET_SPAN, regexId(x.r1()), intId(x.i1()), boundaryId(x.b1()));
      b.add(regexId(x.r2()), intId(x.i2()), boundaryId(x.b2()));
    } else if (e instanceof GetToken x) {
      b.add(GET_TOKEN, typeId(x.t()), intId(x.i()));
    } else if (e instanceof ToCase x) {
      b.add(TO_CASE, caseId(x.c()));
    } else if (e instanceof Replace x) {
      b.add(REPLACE, charId(x.d1()), charId(x.d2()));
    } else if (e instanceof Trim) {
      b.add(TRIM);
    } else if (e instanceof GetUpto x) {
      b.add(GET_UPTO, regexId(x.r()));
    } else if (e instanceof GetFrom x) {
      b.add(GET_FROM, regexId(x.r()));
    } else if (e instanceof GetFirst x) {
      b.add(GET_FIRST, typeId(x.t()), intId(x.i()));
    } else if (e instanceof GetAll x) {
      b.add(GET_ALL, typeId(x.t()));
    } else if (e instanceof Substitute x) {
      b.add(SUBSTITUTE, typeId(x.t()), intId(x.i()), charId(x.c()));
    } else if (e instanceof SubstituteAll x) {
      b.add(SUBSTITUTE_ALL, typeId(x.t()), charId(x.c()));
    } else if (e instanceof Remove x) {
      b.add(REMOVE, typeId(x.t()), intId(x.i()));
    } else if (e instanceof RemoveAll x) {
      b.add(REMOVE_ALL, typeId(x.t()));
    } else {
      throw new AssertionError("unhandled expression " + e); // the sealed hierarchy is exhausted above
    }
  }

  private static int regexId(Regex r) {
    return r instanceof Regex.OfType t ? typeId(t.type()) : charId(((Regex.OfDelimiter) r).delimiter());
  }

  // ---- decoding ---------------------------------------------------------------------------

  /**
   * Decodes ids up to and including EOS (PADs only may follow). DslException, positioned at the
   * offending token, for: an id outside 0..315, an op or argument of the wrong kind, a truncated
   * expression, nothing after Compose, a missing EOS, an empty program, a non-PAD after EOS.
   */
  public static Program decode(int[] ids) {
    if (ids == null) {
      throw new DslException("cannot decode null token ids");
    }
    Reader r = new Reader(ids, 0, ids.length, null);
    List<Expr> exprs = new ArrayList<>();
    while (true) {
      if (r.pos >= r.end) {
        throw r.fail(exprs.isEmpty() ? "empty program: no tokens" : "no EOS: the sequence ends after "
            + exprs.size() + " expression(s) without EOS", r.pos);
      }
      int id = r.peek();
      if (id == EOS) {
        if (exprs.isEmpty()) {
          throw r.fail("empty program: EOS " + r.where(r.pos) + " before any expression", r.pos);
        }
        for (int k = r.pos + 1; k < r.end; k++) {
          if (r.id(k) != PAD) {
            throw r.fail("token " + name(r.id(k)) + " (id " + r.id(k) + ") " + r.where(k)
                + " after EOS; only PAD may follow EOS", k);
          }
        }
        return new Program(exprs);
      }
      if (id == PAD) {
        throw r.fail("no EOS: PAD " + r.where(r.pos) + " before EOS", r.pos);
      }
      exprs.add(r.expr());
    }
  }

  /** Golden-file form: each expression's ids separated by spaces, '|' between expressions, no EOS. */
  public static String toGolden(Program p) {
    if (p == null) {
      throw new DslException("cannot encode a null program");
    }
    StringBuilder sb = new StringBuilder();
    for (Expr e : p.expressions()) {
      if (sb.length() > 0) {
        sb.append('|');
      }
      int[] ids = encode(e);
      for (int k = 0; k < ids.length; k++) {
        if (k > 0) {
          sb.append(' ');
        }
        sb.append(ids[k]);
      }
    }
    return sb.toString();
  }

  /**
   * Parses the golden-file form; each '|'-separated segment must be exactly one expression.
   * DslException positions are character offsets in s.
   */
  public static Program fromGolden(String s) {
    if (s == null) {
      throw new DslException("golden program string is null");
    }
    List<Expr> exprs = new ArrayList<>();
    int segStart = 0;
    while (true) {
      int bar = s.indexOf('|', segStart);
      int segEnd = bar < 0 ? s.length() : bar;
      IntBuf ids = new IntBuf(8);
      IntBuf offsets = new IntBuf(8);
      int k = segStart;
      while (k < segEnd) {
        char c = s.charAt(k);
        if (c == ' ') {
          k++;
          continue;
        }
        int start = k;
        if (c == '-') {
          k++;
        }
        while (k < segEnd && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
          k++;
        }
        if (k == start || (c == '-' && k == start + 1) || k - start > 9) {
          throw new DslException("golden program: expected a token id at character " + start + " of \"" + s
              + "\", got '" + s.charAt(start) + "'", start);
        }
        if (k < segEnd && s.charAt(k) != ' ') {
          throw new DslException("golden program: unexpected character '" + s.charAt(k) + "' at character "
              + k + " of \"" + s + "\"", k);
        }
        ids.add(Integer.parseInt(s, start, k, 10));
        offsets.add(start);
      }
      if (ids.size == 0) {
        throw new DslException("golden program: empty expression at character " + segStart + " of \"" + s
            + "\"", segStart);
      }
      Reader r = new Reader(ids.toArray(), 0, ids.size, offsets.toArray());
      r.context = " of \"" + s + "\"";
      r.endOffset = segEnd;
      exprs.add(r.expr());
      if (r.pos != r.end) {
        throw r.fail("golden program: extra token " + name(r.id(r.pos)) + " after a complete expression "
            + r.where(r.pos) + " (expressions are separated by '|')", r.pos);
      }
      if (bar < 0) {
        break;
      }
      segStart = bar + 1;
    }
    return new Program(exprs);
  }

  /** A readable name for a token id, e.g. "GetToken", "'a'", "PROP_CASE", "START", "-3"; "<bad id N>" if out of range. */
  public static String name(int id) {
    if (id == PAD) {
      return "PAD";
    } else if (id == BOS) {
      return "BOS";
    } else if (id == EOS) {
      return "EOS";
    } else if (isOp(id)) {
      return OP_NAMES[id - COMPOSE];
    } else if (id >= FIRST_CHAR && id < FIRST_TYPE) {
      return ProgramText.charLiteral(Alphabet.CHARACTERS.charAt(id - FIRST_CHAR));
    } else if (id >= FIRST_TYPE && id < FIRST_CASE) {
      return Type.values()[id - FIRST_TYPE].name();
    } else if (id >= FIRST_CASE && id < FIRST_BOUNDARY) {
      return Case.values()[id - FIRST_CASE].name();
    } else if (id >= FIRST_BOUNDARY && id < FIRST_INT) {
      return Boundary.values()[id - FIRST_BOUNDARY].name();
    } else if (id >= FIRST_INT && id < VOCAB) {
      return Integer.toString(id - INT_ZERO);
    }
    return "<bad id " + id + ">";
  }

  /** Op name of an op id (3..18). */
  static String opName(int opId) {
    return OP_NAMES[opId - COMPOSE];
  }

  /** Whether token id is a valid value of the argument kind. */
  static boolean accepts(Arg kind, int id) {
    switch (kind) {
      case CHAR:
        return id >= FIRST_CHAR && id < FIRST_TYPE;
      case DELIMITER:
        return id >= FIRST_CHAR && id < FIRST_TYPE && Alphabet.isDelimiter(Alphabet.CHARACTERS.charAt(id - FIRST_CHAR));
      case REGEX:
        return (id >= FIRST_TYPE && id < FIRST_CASE) || accepts(Arg.DELIMITER, id);
      case TYPE:
        return id >= FIRST_TYPE && id < FIRST_CASE;
      case CASE:
        return id >= FIRST_CASE && id < FIRST_BOUNDARY;
      case BOUNDARY:
        return id >= FIRST_BOUNDARY && id < FIRST_INT;
      case POSITION:
        return id >= FIRST_INT && id < VOCAB;
      case INDEX:
        return id >= FIRST_INT && id < VOCAB && Check.isIndex(id - INT_ZERO);
      default:
        throw new AssertionError(kind);
    }
  }

  /** A cursor over ids[pos..end) that builds expressions and positions its errors. */
  private static final class Reader {
    final int[] ids;
    int pos;
    final int end;
    /** Character offset of each token (golden strings), or null to report token indices. */
    final int[] offsets;
    String context = "";
    int endOffset;

    Reader(int[] ids, int pos, int end, int[] offsets) {
      this.ids = ids;
      this.pos = pos;
      this.end = end;
      this.offsets = offsets;
    }

    /** The id at index k, checked against the vocabulary. */
    int id(int k) {
      int id = ids[k];
      if (id < 0 || id >= VOCAB) {
        throw fail("token id " + id + " " + where(k) + " is out of range 0.." + (VOCAB - 1), k);
      }
      return id;
    }

    int peek() {
      return id(pos);
    }

    String where(int k) {
      if (offsets == null) {
        return "at position " + k;
      }
      return "at character " + (k < offsets.length ? offsets[k] : endOffset) + context;
    }

    DslException fail(String message, int k) {
      int position = offsets == null ? k : (k < offsets.length ? offsets[k] : endOffset);
      return new DslException(message, position);
    }

    /** Reads one top-level expression (an op or Compose). */
    Expr expr() {
      int at = pos;
      int op = peek();
      if (!isOp(op)) {
        throw fail("expected an op " + where(at) + ", got " + name(op) + " (id " + op + ")", at);
      }
      if (op != COMPOSE) {
        return simple();
      }
      pos++;
      if (pos >= end || ids[pos] == EOS || ids[pos] == PAD) {
        throw fail("nothing after Compose " + where(at) + ": it needs an outer and an inner expression", pos);
      }
      int outerAt = pos;
      int outerOp = peek();
      if (!isOp(outerOp) || outerOp == COMPOSE || outerOp == CONST_STR || outerOp == SUB_STR || outerOp == GET_SPAN) {
        throw fail("Compose " + where(at) + " needs a nesting op as outer " + where(outerAt) + ", got "
            + name(outerOp), outerAt);
      }
      Expr outer = simple();
      if (pos >= end || ids[pos] == EOS || ids[pos] == PAD) {
        throw fail("Compose " + where(at) + " is missing its inner expression " + where(pos), pos);
      }
      int innerAt = pos;
      int innerOp = peek();
      if (!isOp(innerOp) || innerOp == COMPOSE || innerOp == CONST_STR) {
        throw fail("Compose " + where(at) + " needs a nesting or substring op as inner " + where(innerAt)
            + ", got " + name(innerOp), innerAt);
      }
      Expr inner = simple();
      return new Compose(outer, inner);
    }

    /** Reads a non-Compose op and its arguments. */
    private Expr simple() {
      int at = pos;
      int op = peek();
      Arg[] kinds = ARGS[op - COMPOSE];
      int[] a = new int[kinds.length];
      for (int k = 0; k < kinds.length; k++) {
        int p = at + 1 + k;
        if (p >= end) {
          throw fail("truncated: " + opName(op) + " " + where(at) + " needs " + kinds.length
              + " argument(s) but the sequence ends " + where(p), p);
        }
        int id = id(p);
        if (!accepts(kinds[k], id)) {
          String what = id == EOS || id == PAD ? "truncated: " : "";
          throw fail(what + opName(op) + " " + where(at) + " expects " + kinds[k].description + " as argument "
              + (k + 1) + " " + where(p) + ", got " + name(id) + " (id " + id + ")", p);
        }
        a[k] = id;
      }
      pos = at + 1 + kinds.length;
      return build(op, a);
    }
  }

  private static char ch(int id) {
    return Alphabet.CHARACTERS.charAt(id - FIRST_CHAR);
  }

  private static Type type(int id) {
    return Matches.type(id - FIRST_TYPE);
  }

  private static int num(int id) {
    return id - INT_ZERO;
  }

  private static Regex regex(int id) {
    return id >= FIRST_TYPE ? new Regex.OfType(type(id)) : new Regex.OfDelimiter(ch(id));
  }

  /** Builds a non-Compose op from argument ids already checked by {@link #accepts}. */
  private static Expr build(int op, int[] a) {
    switch (op) {
      case CONST_STR: return new ConstStr(ch(a[0]));
      case SUB_STR: return new SubStr(num(a[0]), num(a[1]));
      case GET_SPAN: return new GetSpan(regex(a[0]), num(a[1]), Boundary.values()[a[2] - FIRST_BOUNDARY],
          regex(a[3]), num(a[4]), Boundary.values()[a[5] - FIRST_BOUNDARY]);
      case GET_TOKEN: return new GetToken(type(a[0]), num(a[1]));
      case TO_CASE: return new ToCase(Case.values()[a[0] - FIRST_CASE]);
      case REPLACE: return new Replace(ch(a[0]), ch(a[1]));
      case TRIM: return new Trim();
      case GET_UPTO: return new GetUpto(regex(a[0]));
      case GET_FROM: return new GetFrom(regex(a[0]));
      case GET_FIRST: return new GetFirst(type(a[0]), num(a[1]));
      case GET_ALL: return new GetAll(type(a[0]));
      case SUBSTITUTE: return new Substitute(type(a[0]), num(a[1]), ch(a[2]));
      case SUBSTITUTE_ALL: return new SubstituteAll(type(a[0]), ch(a[1]));
      case REMOVE: return new Remove(type(a[0]), num(a[1]));
      case REMOVE_ALL: return new RemoveAll(type(a[0]));
      default: throw new AssertionError("not a simple op: " + op);
    }
  }

  /** A growable int array (avoids boxing). */
  static final class IntBuf {
    int[] a;
    int size;

    IntBuf(int capacity) {
      a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (size == a.length) {
        a = java.util.Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }

    void add(int v1, int v2) {
      add(v1);
      add(v2);
    }

    void add(int v1, int v2, int v3) {
      add(v1);
      add(v2);
      add(v3);
    }

    void add(int v1, int v2, int v3, int v4) {
      add(v1, v2);
      add(v3, v4);
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(a, size);
    }
  }
}
