package dev.lp.dsl;

import java.util.ArrayList;
import java.util.List;

/**
 * The readable text form of programs, e.g.
 * {@code GetToken(PROP_CASE, 2) | ConstStr(' ') | Compose(ToCase(LOWER), SubStr(1, 3))}.
 *
 * <p>Grammar (whitespace is allowed between any two tokens):
 * <pre>
 *   program := expr ( '|' expr )*
 *   expr    := Op '(' [ arg ( ',' arg )* ] ')'          -- Trim()
 *            | 'Compose' '(' expr ',' expr ')'
 *   arg     := char | Type | Case | Boundary | int        -- as the op's signature requires
 *   char    := '\'' ( c | '\\\'' | '\\\\' ) '\''           -- c any alphabet char but ' and \
 *   int     := '-'? [0-9]+
 * </pre>
 * Op names are the record names (ConstStr, SubStr, GetSpan, ...); Type, Case and Boundary are the enum
 * constant names (ALL_CAPS is a Type or a Case by position). A regex argument is a Type name or a
 * delimiter char. {@link #print} emits exactly this form with ", " between arguments and " | " between
 * expressions, and {@code parse(print(p)).equals(p)}. Parse errors are DslExceptions positioned at the
 * character offset where the text goes wrong.
 */
public final class ProgramText {
  private ProgramText() {}

  /** The text form of a program: expressions separated by " | ". */
  public static String print(Program p) {
    if (p == null) {
      throw new DslException("cannot print a null program");
    }
    StringBuilder sb = new StringBuilder();
    for (Expr e : p.expressions()) {
      if (sb.length() > 0) {
        sb.append(" | ");
      }
      print(e, sb);
    }
    return sb.toString();
  }

  /** The text form of one expression. */
  public static String print(Expr e) {
    if (e == null) {
      throw new DslException("cannot print a null expression");
    }
    StringBuilder sb = new StringBuilder();
    print(e, sb);
    return sb.toString();
  }

  /** A char as a quoted literal, escaping ' and \ with a backslash. */
  public static String charLiteral(char c) {
    if (c == '\'' || c == '\\') {
      return "'\\" + c + "'";
    }
    return "'" + c + "'";
  }

  private static void print(Expr e, StringBuilder sb) {
    sb.append(e.getClass().getSimpleName()).append('(');
    if (e instanceof Compose x) {
      print(x.outer(), sb);
      sb.append(", ");
      print(x.inner(), sb);
    } else if (e instanceof ConstStr x) {
      sb.append(charLiteral(x.c()));
    } else if (e instanceof SubStr x) {
      sb.append(x.k1()).append(", ").append(x.k2());
    } else if (e instanceof GetSpan x) {
      sb.append(regex(x.r1())).append(", ").append(x.i1()).append(", ").append(x.b1()).append(", ")
          .append(regex(x.r2())).append(", ").append(x.i2()).append(", ").append(x.b2());
    } else if (e instanceof GetToken x) {
      sb.append(x.t()).append(", ").append(x.i());
    } else if (e instanceof ToCase x) {
      sb.append(x.c());
    } else if (e instanceof Replace x) {
      sb.append(charLiteral(x.d1())).append(", ").append(charLiteral(x.d2()));
    } else if (e instanceof Trim) {
      // no arguments
    } else if (e instanceof GetUpto x) {
      sb.append(regex(x.r()));
    } else if (e instanceof GetFrom x) {
      sb.append(regex(x.r()));
    } else if (e instanceof GetFirst x) {
      sb.append(x.t()).append(", ").append(x.i());
    } else if (e instanceof GetAll x) {
      sb.append(x.t());
    } else if (e instanceof Substitute x) {
      sb.append(x.t()).append(", ").append(x.i()).append(", ").append(charLiteral(x.c()));
    } else if (e instanceof SubstituteAll x) {
      sb.append(x.t()).append(", ").append(charLiteral(x.c()));
    } else if (e instanceof Remove x) {
      sb.append(x.t()).append(", ").append(x.i());
    } else if (e instanceof RemoveAll x) {
      sb.append(x.t());
    }
    sb.append(')');
  }

  private static String regex(Regex r) {
    return r instanceof Regex.OfType t ? t.type().name() : charLiteral(((Regex.OfDelimiter) r).delimiter());
  }

  /** Parses the text form; DslException with the character offset of the first error. */
  public static Program parse(String text) {
    if (text == null) {
      throw new DslException("cannot parse null program text");
    }
    Parser p = new Parser(text);
    List<Expr> exprs = new ArrayList<>();
    p.skipWs();
    if (p.pos >= text.length()) {
      throw new DslException("empty program text: expected at least one expression", p.pos);
    }
    exprs.add(p.expr());
    p.skipWs();
    while (p.pos < text.length()) {
      p.expect('|', "'|' between expressions or the end of the text");
      exprs.add(p.expr());
      p.skipWs();
    }
    return new Program(exprs);
  }

  /** Parses one expression; DslException with the character offset of the first error. */
  public static Expr parseExpr(String text) {
    if (text == null) {
      throw new DslException("cannot parse null expression text");
    }
    Parser p = new Parser(text);
    Expr e = p.expr();
    p.skipWs();
    if (p.pos < text.length()) {
      throw p.fail("unexpected text after the expression", p.pos);
    }
    return e;
  }

  /** Recursive-descent parser over the text; every error names the offset and what was expected. */
  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    DslException fail(String message, int at) {
      String got = at >= s.length() ? "end of text" : "'" + s.charAt(at) + "'";
      return new DslException(message + " at character " + at + " (got " + got + ") in \"" + s + "\"", at);
    }

    void skipWs() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    void expect(char c, String what) {
      skipWs();
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw fail("expected " + what, pos);
      }
      pos++;
    }

    String ident() {
      skipWs();
      int start = pos;
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos) {
        throw fail("expected a name", start);
      }
      return s.substring(start, pos);
    }

    Expr expr() {
      skipWs();
      int at = pos;
      String name = ident();
      int op = -1;
      for (int id = Tokens.COMPOSE; id <= Tokens.REMOVE_ALL; id++) {
        if (Tokens.opName(id).equals(name)) {
          op = id;
        }
      }
      if (op < 0) {
        throw fail("unknown operation '" + name + "'", at);
      }
      expect('(', "'(' after " + name);
      try {
        if (op == Tokens.COMPOSE) {
          Expr outer = expr();
          expect(',', "',' between Compose's outer and inner expressions");
          Expr inner = expr();
          expect(')', "')' closing Compose");
          return new Compose(outer, inner);
        }
        Tokens.Arg[] kinds = Tokens.ARGS[op - Tokens.COMPOSE];
        Object[] a = new Object[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
          if (k > 0) {
            expect(',', "',' before argument " + (k + 1) + " of " + name);
          }
          a[k] = arg(kinds[k], name, k);
        }
        expect(')', "')' closing " + name + " (it takes " + kinds.length + " argument(s))");
        return build(op, a);
      } catch (DslException e) {
        if (e.position() >= 0) {
          throw e;
        }
        throw new DslException(e.getMessage() + " (expression at character " + at + " in \"" + s + "\")", at);
      }
    }

    private Object arg(Tokens.Arg kind, String op, int k) {
      skipWs();
      int at = pos;
      String what = kind.description + " as argument " + (k + 1) + " of " + op;
      switch (kind) {
        case CHAR:
        case DELIMITER:
          return charLit(kind, what);
        case REGEX:
          if (pos < s.length() && s.charAt(pos) == '\'') {
            return Regex.of(charLit(Tokens.Arg.DELIMITER, what));
          }
          return Regex.of(named(Type.class, what, at));
        case TYPE:
          return named(Type.class, what, at);
        case CASE:
          return named(Case.class, what, at);
        case BOUNDARY:
          return named(Boundary.class, what, at);
        case POSITION:
        case INDEX:
          int v = integer(what);
          if (kind == Tokens.Arg.INDEX ? !Check.isIndex(v) : v < Check.MIN_POSITION || v > Check.MAX_POSITION) {
            throw fail("expected " + what + ", " + v + " is out of range", at);
          }
          return v;
        default:
          throw new AssertionError(kind);
      }
    }

    private <E extends Enum<E>> E named(Class<E> type, String what, int at) {
      if (pos >= s.length() || !Character.isLetter(s.charAt(pos))) {
        throw fail("expected " + what, at);
      }
      String name = ident();
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(name)) {
          return e;
        }
      }
      throw fail("expected " + what + ", '" + name + "' is not a " + type.getSimpleName(), at);
    }

    private int integer(String what) {
      int start = pos;
      if (pos < s.length() && s.charAt(pos) == '-') {
        pos++;
      }
      int digits = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == digits || pos - digits > 9) {
        throw fail("expected " + what, start);
      }
      return Integer.parseInt(s, start, pos, 10);
    }

    private char charLit(Tokens.Arg kind, String what) {
      int at = pos;
      if (pos >= s.length() || s.charAt(pos) != '\'') {
        throw fail("expected " + what + " as a quoted char like 'a'", at);
      }
      pos++;
      if (pos >= s.length()) {
        throw fail("unterminated char literal", at);
      }
      char c = s.charAt(pos++);
      if (c == '\\') {
        if (pos >= s.length() || (s.charAt(pos) != '\'' && s.charAt(pos) != '\\')) {
          throw fail("bad escape in char literal (only \\' and \\\\)", pos);
        }
        c = s.charAt(pos++);
      } else if (c == '\'') {
        throw fail("empty char literal", at);
      }
      if (pos >= s.length() || s.charAt(pos) != '\'') {
        throw fail("unterminated char literal (one character between quotes)", pos);
      }
      pos++;
      boolean ok = kind == Tokens.Arg.DELIMITER ? Alphabet.isDelimiter(c) : Alphabet.contains(c);
      if (!ok) {
        throw fail("expected " + what + ", " + Alphabet.describe(c) + " is not "
            + (kind == Tokens.Arg.DELIMITER ? "a delimiter" : "in the alphabet"), at);
      }
      return c;
    }

    private static Expr build(int op, Object[] a) {
      switch (op) {
        case Tokens.CONST_STR: return new ConstStr((Character) a[0]);
        case Tokens.SUB_STR: return new SubStr((Integer) a[0], (Integer) a[1]);
        case Tokens.GET_SPAN: return new GetSpan((Regex) a[0], (Integer) a[1], (Boundary) a[2],
            (Regex) a[3], (Integer) a[4], (Boundary) a[5]);
        case Tokens.GET_TOKEN: return new GetToken((Type) a[0], (Integer) a[1]);
        case Tokens.TO_CASE: return new ToCase((Case) a[0]);
        case Tokens.REPLACE: return new Replace((Character) a[0], (Character) a[1]);
        case Tokens.TRIM: return new Trim();
        case Tokens.GET_UPTO: return new GetUpto((Regex) a[0]);
        case Tokens.GET_FROM: return new GetFrom((Regex) a[0]);
        case Tokens.GET_FIRST: return new GetFirst((Type) a[0], (Integer) a[1]);
        case Tokens.GET_ALL: return new GetAll((Type) a[0]);
        case Tokens.SUBSTITUTE: return new Substitute((Type) a[0], (Integer) a[1], (Character) a[2]);
        case Tokens.SUBSTITUTE_ALL: return new SubstituteAll((Type) a[0], (Character) a[1]);
        case Tokens.REMOVE: return new Remove((Type) a[0], (Integer) a[1]);
        case Tokens.REMOVE_ALL: return new RemoveAll((Type) a[0]);
        default: throw new AssertionError("not a simple op: " + op);
      }
    }
  }
}
