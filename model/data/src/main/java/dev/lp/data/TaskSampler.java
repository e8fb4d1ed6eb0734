package dev.lp.data;

import dev.lp.dsl.*;
import dev.lp.dsl.Regex.OfDelimiter;
import dev.lp.dsl.Regex.OfType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Samples RobustFill tasks (4 inputs, their outputs, the program) from the Latent Programmer
 * training distribution, following docs/DSL.md "The task sampler" and the LP-era
 * reference sampler it describes.
 *
 * <p>Contract: {@link #sample(long, long)} is a pure function of (config, seed, index): it seeds
 * its own {@link SplittableRandom} from both, so any thread may sample any index and a run split
 * over threads yields exactly the tasks of a single-threaded run. Every task returned has
 * {@code examples} inputs of 1..maxInputLength characters, non-empty outputs of at most
 * maxOutputLength characters, all in {@link Alphabet#CHARACTERS}, minExpressions..maxExpressions
 * expressions, and its program re-executes to its outputs. Instances are immutable and
 * thread-safe.
 *
 * <p>Inputs: draw minInputTokens..maxInputTokens "tokens"; with p=1/3 a token is one random
 * delimiter repeated 1..maxRepeats times (the same in every example), else one random type
 * repeated 1..maxRepeats times where each repeat in each example is a fresh string of one random
 * delimiter and 1..maxTokenLength characters of the type (NUMBER and DIGIT: digits; WORD:
 * letters; ALPHANUM and CHAR: letters and digits; ALL_CAPS: capitals; LOWER: lower-case;
 * PROP_CASE: a capital then 1..maxTokenLength lower-case letters). Adding stops once the running
 * length (sum over tokens of the longest example's string) reaches {@link
 * SamplerConfig#stopLength()}; each example's list is shuffled on its own and joined; inputs
 * with any example longer than maxInputLength are redrawn whole.
 *
 * <p>Program: n is uniform in minExpressions..maxExpressions; each expression is uniform over
 * {substring, nesting, compose, ConstStr}; substring is SubStr or GetSpan (1/2 each); nesting is
 * one of GetToken, ToCase, Replace, Trim, GetUpto, GetFrom, GetFirst, GetAll (1/8 each); compose
 * is Compose(nesting, inner) with inner's kind (nesting or substring, 1/2 each) drawn once and
 * both parts redrawn until the composition is non-empty on every input. SubStr, GetSpan,
 * GetToken, GetUpto, GetFrom, GetFirst and GetAll are redrawn until non-empty on every input;
 * ToCase, Replace, Trim and ConstStr are not checked, as in the reference. The whole program
 * (same n, same inputs) is redrawn until every output is non-empty and at most maxOutputLength.
 *
 * <p>Arguments come from what the inputs contain, as the reference counts it: delimiters that
 * occur as delimiter tokens or as the leading character of a type string (counted once per
 * example, so the count can exceed the occurrences in one input), types drawn as tokens plus
 * CHAR (whose count is the longest input's length). A regex is a delimiter or a type with p=1/2
 * each (GetSpan ends, GetUpto, GetFrom); an index is uniform over ±1..±min(5, count); Replace's
 * target is any delimiter; SubStr draws k1 uniform in [1-m, m] (m = shortest input's length),
 * then k2 uniform in [k1, m] when k1 > 0, else in [k1, 0]. Choices among present delimiters or
 * types are uniform in order of first appearance.
 *
 * <p>Choices DSL.md leaves open: (1) a program attempt is abandoned as soon as a partial output
 * exceeds maxOutputLength, which rejects exactly the programs the reference rejects and so leaves
 * the distribution unchanged; (2) every redraw loop is capped ({@value #MAX_ATTEMPTS} attempts),
 * after which the inputs are redrawn with the same n: the reference would loop forever on inputs
 * where, say, no SubStr is non-empty (a one-character input), and keeping n keeps the expression
 * count uniform; (3) after {@value #MAX_RESTARTS} such restarts the sampler gives up with an
 * {@link IllegalStateException} naming the config, which no valid config reached in testing.
 */
public final class TaskSampler {

  /** Attempts of one redraw loop before the inputs are redrawn. */
  public static final int MAX_ATTEMPTS = 1_000;

  /** Input redraws of one task before the sampler gives up. */
  public static final int MAX_RESTARTS = 1_000;

  private static final char[] DELIMITERS = Alphabet.DELIMITERS.toCharArray();
  private static final char[] CHARACTERS = Alphabet.CHARACTERS.toCharArray();
  private static final Type[] TYPES = Type.values();
  private static final Case[] CASES = Case.values();
  private static final String DIGITS = "0123456789";
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String LETTERS = LOWER + UPPER;
  private static final String ALPHANUMERIC = LETTERS + DIGITS;

  /** Thrown inside one task's sampling to redraw its inputs; shared and stackless because it is control flow. */
  private static final class Restart extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Restart INSTANCE = new Restart();

    private Restart() {
      super("restart", null, false, false);
    }
  }

  private final SamplerConfig config;

  public TaskSampler(SamplerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public SamplerConfig config() {
    return config;
  }

  /** The task at {@code index} of the stream named {@code seed}; the same arguments give the same task. */
  public Task sample(long seed, long index) {
    return sample(new SplittableRandom(streamSeed(seed, index)));
  }

  /** The tasks at indices {@code from .. from+count-1} of the stream {@code seed}, in index order, lazily. */
  public Stream<Task> stream(long seed, long from, long count) {
    if (from < 0 || count < 0) {
      throw new IllegalArgumentException(
          "task range must have from >= 0 and count >= 0, got from=" + from + " count=" + count);
    }
    return LongStream.range(from, from + count).mapToObj(i -> sample(seed, i));
  }

  /**
   * As {@link #stream}, each task with {@code hidden} more examples of the same program that a
   * synthesizer is not shown ({@link Task#hideLast}): all are sampled as one task of {@code
   * examples + hidden} examples, so the program's arguments fit every input, hidden ones included.
   * With {@code hidden} 0 these are exactly {@link #stream}'s tasks.
   */
  public Stream<Task> streamWithHidden(long seed, long from, long count, int hidden) {
    if (hidden < 0) {
      throw new IllegalArgumentException("hidden examples must be >= 0, got " + hidden);
    }
    if (hidden == 0) {
      return stream(seed, from, count);
    }
    TaskSampler wide = new TaskSampler(config.withExamples(config.examples() + hidden));
    return wide.stream(seed, from, count).map(t -> t.hideLast(hidden));
  }

  /** One task drawn from {@code random}; for callers that manage their own random stream. */
  public Task sample(SplittableRandom random) {
    Objects.requireNonNull(random, "random");
    int n = uniform(random, config.minExpressions(), config.maxExpressions());
    for (int restart = 0; restart < MAX_RESTARTS; restart++) {
      try {
        Context ctx = sampleInputs(random);
        return sampleProgram(ctx, n);
      } catch (Restart again) {
        // the inputs could not carry a program of n expressions: draw new ones
      }
    }
    throw new IllegalStateException("could not sample a task with " + n + " expressions after "
        + MAX_RESTARTS + " input draws; the limits are too tight: " + config);
  }

  /** Mixes seed and index with SplitMix64 so neighbouring (seed, index) pairs get unrelated streams. */
  static long streamSeed(long seed, long index) {
    return mix64(mix64(seed) ^ (index * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ---------------------------------------------------------------- inputs

  private Context sampleInputs(SplittableRandom rnd) {
    int examples = config.examples();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Context ctx = new Context(rnd, examples);
      List<List<String>> parts = new ArrayList<>(examples);
      for (int j = 0; j < examples; j++) {
        parts.add(new ArrayList<>());
      }
      int tokens = uniform(rnd, config.minInputTokens(), config.maxInputTokens());
      int length = 0;
      for (int t = 0; t < tokens; t++) {
        if (rnd.nextInt(3) == 0) {
          char d = DELIMITERS[rnd.nextInt(DELIMITERS.length)];
          int k = uniform(rnd, 1, config.maxRepeats());
          ctx.addDelimiter(d, k);
          String s = String.valueOf(d);
          for (int r = 0; r < k; r++) {
            for (List<String> p : parts) {
              p.add(s);
            }
          }
          length += k;
        } else {
          Type type = TYPES[rnd.nextInt(TYPES.length)];
          int k = uniform(rnd, 1, config.maxRepeats());
          ctx.addType(type, k);
          for (int r = 0; r < k; r++) {
            int longest = 0;
            for (List<String> p : parts) {
              String s = typeString(rnd, type);
              p.add(s);
              ctx.addDelimiter(s.charAt(0), 1);
              longest = Math.max(longest, s.length());
            }
            length += longest;
          }
        }
        if (length >= config.stopLength()) {
          break;
        }
      }
      boolean fits = true;
      for (int j = 0; j < examples; j++) {
        List<String> p = parts.get(j);
        shuffle(rnd, p);
        String input = String.join("", p);
        ctx.inputs[j] = input;
        fits &= input.length() <= config.maxInputLength();
      }
      if (fits) {
        ctx.finishInputs();
        return ctx;
      }
    }
    throw Restart.INSTANCE;
  }

  private String typeString(SplittableRandom rnd, Type type) {
    StringBuilder sb = new StringBuilder(config.maxTokenLength() + 2);
    sb.append(DELIMITERS[rnd.nextInt(DELIMITERS.length)]);
    int len = uniform(rnd, 1, config.maxTokenLength());
    String pool = switch (type) {
      case NUMBER, DIGIT -> DIGITS;
      case WORD -> LETTERS;
      case ALPHANUM, CHAR -> ALPHANUMERIC;
      case ALL_CAPS -> UPPER;
      case LOWER -> LOWER;
      case PROP_CASE -> {
        sb.append(UPPER.charAt(rnd.nextInt(UPPER.length())));
        yield LOWER;
      }
    };
    for (int i = 0; i < len; i++) {
      sb.append(pool.charAt(rnd.nextInt(pool.length())));
    }
    return sb.toString();
  }

  private static <T> void shuffle(SplittableRandom rnd, List<T> list) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      T tmp = list.get(i);
      list.set(i, list.get(j));
      list.set(j, tmp);
    }
  }

  // ---------------------------------------------------------------- program

  private Task sampleProgram(Context ctx, int n) {
    int examples = config.examples();
    int maxOut = config.maxOutputLength();
    StringBuilder[] out = new StringBuilder[examples];
    for (int j = 0; j < examples; j++) {
      out[j] = new StringBuilder(maxOut + 1);
    }
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      for (StringBuilder sb : out) {
        sb.setLength(0);
      }
      List<Expr> expressions = new ArrayList<>(n);
      boolean tooLong = false;
      for (int e = 0; e < n && !tooLong; e++) {
        ctx.checked = null;
        Expr expr = randomExpression(ctx);
        expressions.add(expr);
        String[] values = ctx.checked != null ? ctx.checked : ctx.apply(expr);
        for (int j = 0; j < examples; j++) {
          out[j].append(values[j]);
          tooLong |= out[j].length() > maxOut;
        }
      }
      if (tooLong) {
        continue;
      }
      List<String> outputs = new ArrayList<>(examples);
      boolean empty = false;
      for (StringBuilder sb : out) {
        empty |= sb.length() == 0;
        outputs.add(sb.toString());
      }
      if (!empty) {
        return new Task(List.of(ctx.inputs), List.copyOf(outputs), new Program(List.copyOf(expressions)));
      }
    }
    throw Restart.INSTANCE;
  }

  private Expr randomExpression(Context ctx) {
    return switch (ctx.rnd.nextInt(4)) {
      case 0 -> randomSubstring(ctx);
      case 1 -> randomNesting(ctx);
      case 2 -> randomCompose(ctx);
      default -> new ConstStr(CHARACTERS[ctx.rnd.nextInt(CHARACTERS.length)]);
    };
  }

  private Expr randomSubstring(Context ctx) {
    return ctx.rnd.nextInt(2) == 0 ? randomSubStr(ctx) : randomGetSpan(ctx);
  }

  private Expr randomNesting(Context ctx) {
    SplittableRandom rnd = ctx.rnd;
    return switch (rnd.nextInt(8)) {
      case 0 -> nonEmpty(ctx, c -> {
        Type t = c.randomType();
        return new GetToken(t, c.randomIndex(c.typeCount(t)));
      });
      case 1 -> new ToCase(CASES[rnd.nextInt(CASES.length)]);
      case 2 -> new Replace(ctx.randomDelimiter(), DELIMITERS[rnd.nextInt(DELIMITERS.length)]);
      case 3 -> new Trim();
      case 4 -> nonEmpty(ctx, c -> new GetUpto(c.randomRegex()));
      case 5 -> nonEmpty(ctx, c -> new GetFrom(c.randomRegex()));
      case 6 -> nonEmpty(ctx, c -> {
        Type t = c.randomType();
        return new GetFirst(t, c.randomIndex(c.typeCount(t)));
      });
      default -> nonEmpty(ctx, c -> new GetAll(c.randomType()));
    };
  }

  private Expr randomCompose(Context ctx) {
    boolean innerIsNesting = ctx.rnd.nextInt(2) == 0;
    return nonEmpty(ctx, c -> {
      Expr outer = randomNesting(c);
      Expr inner = innerIsNesting ? randomNesting(c) : randomSubstring(c);
      return new Compose(outer, inner);
    });
  }

  private Expr randomSubStr(Context ctx) {
    int m = ctx.minLength;
    return nonEmpty(ctx, c -> {
      int k1 = uniform(c.rnd, 1 - m, m);
      int k2 = k1 > 0 ? uniform(c.rnd, k1, m) : uniform(c.rnd, k1, 0);
      return new SubStr(k1, k2);
    });
  }

  private Expr randomGetSpan(Context ctx) {
    return nonEmpty(ctx, c -> {
      boolean firstIsDelimiter = c.rnd.nextInt(2) == 0;
      boolean secondIsDelimiter = c.rnd.nextInt(2) == 0;
      Regex r1 = c.regex(firstIsDelimiter);
      int i1 = c.randomIndex(c.count(r1));
      Regex r2 = c.regex(secondIsDelimiter);
      int i2 = c.randomIndex(c.count(r2));
      Boundary b1 = c.rnd.nextInt(2) == 0 ? Boundary.START : Boundary.END;
      Boundary b2 = c.rnd.nextInt(2) == 0 ? Boundary.START : Boundary.END;
      return new GetSpan(r1, i1, b1, r2, i2, b2);
    });
  }

  /** Redraws {@code draw} until its expression is non-empty on every input, leaving those outputs in ctx.checked. */
  private static Expr nonEmpty(Context ctx, Draw draw) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Expr expr = draw.next(ctx);
      String[] values = ctx.applyIfNonEmpty(expr);
      if (values != null) {
        ctx.checked = values;
        return expr;
      }
    }
    throw Restart.INSTANCE;
  }

  @FunctionalInterface
  private interface Draw {
    Expr next(Context ctx);
  }

  static int uniform(SplittableRandom rnd, int lo, int hi) {
    return lo + rnd.nextInt(hi - lo + 1);
  }

  /** One task's sampling state: the random stream, the inputs and what they contain. */
  private static final class Context {
    final SplittableRandom rnd;
    final String[] inputs;
    /** Occurrence counts by character, and the delimiters in order of first appearance. */
    final int[] delimiterCount = new int[128];
    final char[] delimiterOrder = new char[DELIMITERS.length];
    int delimiters;
    final int[] typeCount = new int[TYPES.length];
    final Type[] typeOrder = new Type[TYPES.length];
    int types;
    int minLength;
    /** Outputs of the expression last accepted by a non-empty check, reused by the program loop. */
    String[] checked;

    Context(SplittableRandom rnd, int examples) {
      this.rnd = rnd;
      this.inputs = new String[examples];
    }

    void addDelimiter(char d, int k) {
      if (delimiterCount[d] == 0) {
        delimiterOrder[delimiters++] = d;
      }
      delimiterCount[d] += k;
    }

    void addType(Type t, int k) {
      if (typeCount[t.ordinal()] == 0) {
        typeOrder[types++] = t;
      }
      typeCount[t.ordinal()] += k;
    }

    /** Everything is a character: CHAR's count is the longest input, as in the reference. */
    void finishInputs() {
      int longest = 0;
      int shortest = Integer.MAX_VALUE;
      for (String s : inputs) {
        longest = Math.max(longest, s.length());
        shortest = Math.min(shortest, s.length());
      }
      if (typeCount[Type.CHAR.ordinal()] == 0) {
        typeOrder[types++] = Type.CHAR;
      }
      typeCount[Type.CHAR.ordinal()] = longest;
      minLength = shortest;
    }

    Type randomType() {
      return typeOrder[rnd.nextInt(types)];
    }

    int typeCount(Type t) {
      return typeCount[t.ordinal()];
    }

    char randomDelimiter() {
      if (delimiters == 0) {
        throw Restart.INSTANCE;
      }
      return delimiterOrder[rnd.nextInt(delimiters)];
    }

    /** A delimiter with p=1/2 when any is present, else a type. */
    Regex randomRegex() {
      return regex(rnd.nextInt(2) == 0);
    }

    Regex regex(boolean delimiter) {
      return delimiter && delimiters > 0 ? new OfDelimiter(randomDelimiter()) : new OfType(randomType());
    }

    int count(Regex r) {
      if (r instanceof OfDelimiter d) {
        return delimiterCount[d.delimiter()];
      }
      return typeCount[((OfType) r).type().ordinal()];
    }

    /** Uniform over ±1..±min(5, count): the DSL's indices whose magnitude is within the count. */
    int randomIndex(int count) {
      int m = Math.min(5, count);
      int r = rnd.nextInt(2 * m);
      return r < m ? r - m : r - m + 1;
    }

    String[] apply(Expr expr) {
      String[] out = new String[inputs.length];
      for (int j = 0; j < inputs.length; j++) {
        out[j] = expr.apply(inputs[j]);
      }
      return out;
    }

    String[] applyIfNonEmpty(Expr expr) {
      String[] out = new String[inputs.length];
      for (int j = 0; j < inputs.length; j++) {
        String v = expr.apply(inputs[j]);
        if (v.isEmpty()) {
          return null;
        }
        out[j] = v;
      }
      return out;
    }
  }
}
