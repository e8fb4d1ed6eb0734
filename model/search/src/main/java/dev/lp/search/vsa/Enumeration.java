package dev.lp.search.vsa;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Boundary;
import dev.lp.dsl.Expr;
import dev.lp.dsl.GetAll;
import dev.lp.dsl.GetFirst;
import dev.lp.dsl.GetFrom;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.GetUpto;
import dev.lp.dsl.Regex;
import dev.lp.dsl.Remove;
import dev.lp.dsl.RemoveAll;
import dev.lp.dsl.Replace;
import dev.lp.dsl.SubStr;
import dev.lp.dsl.Substitute;
import dev.lp.dsl.SubstituteAll;
import dev.lp.dsl.ToCase;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Trim;
import dev.lp.dsl.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Enumerates the expressions of a {@link Universe} whose output on every example occurs in that example's
 * output, grouped by output vector, into an {@link Automaton}. Single-threaded, used once by
 * {@link VersionSpace#build}.
 *
 * <p>How the cost stays low:
 * <ul>
 *   <li>Every expression reads only the input, so it has one output vector; expressions are grouped by
 *       it and each group is checked and placed once.
 *   <li>GetSpan the FlashFill way: its 580-odd (regex, index, boundary) ends are grouped by the position
 *       vector they give on the inputs; a pair of position vectors is one span vector.
 *   <li>Outputs that are substrings of the inputs ("span-like": SubStr, GetSpan, and nesting outputs found
 *       in the input) are kept as spans. A Compose outer of GetToken, GetUpto, GetFrom, GetFirst, GetAll,
 *       Trim, ToCase or Replace is evaluated on a span per example once and for all (span algebra over
 *       the input's precomputed matches: the matches of a substring are the input's, the first possibly
 *       cut at the start, the last at the end), with the occurrence test an O(1) lookup in a
 *       longest-common-prefix table of input against output. Per inner vector the outers left are an
 *       AND of per-example bitsets.
 * </ul>
 */
final class Enumeration {

  /** Thrown inside enumeration when the budget is spent; stackless control flow. */
  static final class Cut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cut(String reason) {
      super(reason, null, false, false);
    }
  }

  /** One inner vector: a group of expressions (not ConstStr, not Compose) with one output vector. */
  static final class Inner {
    final String[] s;
    /** Per example span in the input (a == b for empty), or null when some output is no input substring. */
    final int[] a;
    final int[] b;
    final List<int[]> seqs = new ArrayList<>();
    /** GetSpan groups: pairs (start position vector, end position vector), expanded on use. */
    final List<int[]> spans = new ArrayList<>();
    boolean nesting;
    int top = -1;

    Inner(String[] s, int[] a, int[] b) {
      this.s = s;
      this.a = a;
      this.b = b;
    }
  }

  /** One example's precomputed tables. */
  private static final class Ex {
    final String in;
    final String out;
    final int len;
    /** Match starts and ends of each universe regex in the input. */
    final int[][] st;
    final int[][] en;
    /** maxLcp[a]: longest prefix of in[a:] that occurs in out; blind: same with case and delimiters blurred. */
    final int[] maxLcp;
    final int[] blindMaxLcp;
    final String blindOut;
    /** Span table, index a*(len+1)+b: bits of the span outers whose result is non-empty and occurs in out. */
    final long[][] ok;
    final boolean[] outChars = new boolean[128];
    /** properMax[a]: the longest l such that ToCase(PROPER)(in[a:a+l]) occurs in out. */
    final int[] properMax;
    /** mapped[k][a]: maxLcp of (charwise outer k)(in) against out, computed on first use. */
    final int[][] mapped;
    /** mappedIn[k]: (charwise outer k)(in), with mapped[k]. */
    final String[] mappedIn;
    /** changed[k][j]: how many of in[0:j] outer k changes, with mapped[k]; null when it changes none. */
    final int[][] changed;

    Ex(String in, String out, Universe u) {
      this.in = in;
      this.out = out;
      this.len = in.length();
      int r = u.regexes.size();
      st = new int[r][];
      en = new int[r][];
      for (int k = 0; k < r; k++) {
        long[] m = Scan.matches(u.regexes.get(k), in);
        st[k] = new int[m.length];
        en[k] = new int[m.length];
        for (int j = 0; j < m.length; j++) {
          st[k][j] = (int) (m[j] >>> 32);
          en[k][j] = (int) m[j];
        }
      }
      maxLcp = maxLcp(in, out);
      blindOut = blind(out);
      blindMaxLcp = maxLcp(blind(in), blindOut);
      ok = new long[(len + 1) * (len + 1)][];
      properMax = properMax(in, out);
      mapped = new int[u.basicNesting().size()][];
      mappedIn = new String[mapped.length];
      changed = new int[mapped.length][];
      for (int j = 0; j < out.length(); j++) {
        char c = out.charAt(j);
        if (c < 128) {
          outChars[c] = true;
        }
      }
    }

    boolean occurs(int x, int y) {
      return y - x <= maxLcp[x];
    }
  }

  /** Case and delimiters blurred: what ToCase and Replace cannot change. */
  static String blind(String s) {
    char[] c = s.toCharArray();
    for (int j = 0; j < c.length; j++) {
      if (c[j] >= 'A' && c[j] <= 'Z') {
        c[j] = (char) (c[j] + 32);
      } else if (Alphabet.isDelimiter(c[j])) {
        c[j] = '&';
      }
    }
    return new String(c);
  }

  /** maxLcp[a] = the longest l such that in[a:a+l] occurs in out (index len: 0). */
  static int[] maxLcp(String in, String out) {
    return lcpScan(in, out, false);
  }

  /**
   * properMax[a] = the longest l such that ToCase(PROPER)(in[a:a+l]) = upper(in[a]) + lower(in[a+1:a+l])
   * occurs in out.
   */
  static int[] properMax(String in, String out) {
    return lcpScan(in, out, true);
  }

  /**
   * One pass over the rows lcp[a][p] (longest common prefix of s[a:] and out[p:], s = in or, for
   * PROPER, its ASCII lower case), from the last row up, keeping two rows.
   */
  private static int[] lcpScan(String in, String out, boolean proper) {
    int n = in.length();
    int m = out.length();
    int[] best = new int[n + 1];
    int[] next = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int a = n - 1; a >= 0; a--) {
      char ch = in.charAt(a);
      char c = proper && ch >= 'A' && ch <= 'Z' ? (char) (ch + 32) : ch;
      int mx = 0;
      if (proper) {
        char up = ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch;
        for (int p = 0; p < m; p++) {
          if (out.charAt(p) == up) {
            mx = Math.max(mx, 1 + next[p + 1]); // next is row a+1 of the lower-cased input
          }
        }
      }
      for (int p = m - 1; p >= 0; p--) {
        cur[p] = out.charAt(p) == c ? next[p + 1] + 1 : 0;
        if (!proper) {
          mx = Math.max(mx, cur[p]);
        }
      }
      cur[m] = 0;
      best[a] = mx;
      int[] t = next;
      next = cur;
      cur = t;
    }
    return best;
  }

  /** The maxLcp table of charwise outer k applied to the whole input of x (k maps each character alone). */
  private int[] mapped(Ex x, int k) {
    int[] t = x.mapped[k];
    if (t == null) {
      String m = outers.get(k).apply(x.in);
      t = m.equals(x.in) ? x.maxLcp : maxLcp(m, x.out);
      x.mappedIn[k] = m;
      if (t != x.maxLcp) {
        int[] c = new int[x.len + 1];
        for (int j = 0; j < x.len; j++) {
          c[j + 1] = c[j] + (m.charAt(j) != x.in.charAt(j) ? 1 : 0);
        }
        x.changed[k] = c;
      }
      x.mapped[k] = t;
    }
    return t;
  }

  /** Whether charwise outer k leaves in[a:b) of example x as it is. */
  private boolean unchanged(Ex x, int k, int a, int b) {
    mapped(x, k);
    int[] c = x.changed[k];
    return c == null || c[b] == c[a];
  }

  /** A 64-bit mix (splitmix64's finaliser, a bijection) so that boxed packed keys spread over a HashMap's buckets. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  // Span outer kinds.
  private static final int GET_TOKEN = 0;
  private static final int GET_UPTO = 1;
  private static final int GET_FROM = 2;
  private static final int GET_FIRST = 3;
  private static final int GET_ALL = 4;
  private static final int TRIM = 5;
  private static final int CHARWISE = 6;

  final String[] in;
  final String[] out;
  final int n;
  final Universe universe;
  private final Ex[] ex;
  private final long deadline;
  private final BooleanSupplier cancelled;
  private final long maxVectors;
  /** Whether span keys fit a long: at most 4 examples, inputs under 128 characters. */
  private final boolean packable;

  /** Top-level output vectors (each valid: every part non-empty and occurring in its output). */
  final List<String[]> vectors = new ArrayList<>();
  private final Map<List<String>, Integer> vectorIds = new HashMap<>();
  final List<Inner> inners = new ArrayList<>();
  /** Top-level expressions that are no inner (Substitute, SubstituteAll) and their vectors. */
  private final List<int[]> topSeqs = new ArrayList<>();
  private final List<Integer> topVecs = new ArrayList<>();
  private final Map<Object, Inner> innerIds = new HashMap<>();
  /** GetSpan ends grouped by position vector: the vectors and their (regex, index, boundary) tokens. */
  private final List<int[]> positions = new ArrayList<>();
  private final List<List<int[]>> positionTriples = new ArrayList<>();

  /** Compose outers: span outers first (kind, regex, index per outer), then the later ops. */
  private final List<Expr> outers = new ArrayList<>();
  private int spanOuters;
  private int[] kind;
  private int[] regexOf;
  private int[] indexOf;
  private int words;
  /** rel[k]: pairs (inner index, vector id) with outer k applied to that inner giving that vector. */
  private Pairs[] rel;
  /** Outers that leave every input unchanged; their relation is identityRel plus rel[k] (non-span inners). */
  private boolean[] identity;
  private final Pairs identityRel = new Pairs();
  /** Vector ids of span results already looked up, by packed span key (a cache in front of vector()). */
  private final Map<Long, Integer> spanVectors = new HashMap<>();

  /** A growable list of (inner, vector) int pairs. */
  static final class Pairs {
    int[] data = new int[8];
    int size;

    void add(int inner, int vector) {
      if (2 * size + 2 > data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[2 * size] = inner;
      data[2 * size + 1] = vector;
      size++;
    }

    int size() {
      return size;
    }

    boolean isEmpty() {
      return size == 0;
    }

    int inner(int j) {
      return data[2 * j];
    }

    int vector(int j) {
      return data[2 * j + 1];
    }
  }

  final Automaton automaton = new Automaton();
  int root = -1;
  String cut;

  // scratch for span matches
  private int[] mx;
  private int[] my;
  // scratch: per example result span of one span outer
  private int[] rxs;
  private int[] rys;

  Enumeration(List<String> inputs, List<String> outputs, long deadline, long maxVectors) {
    this(inputs, outputs, deadline, maxVectors, () -> false);
  }

  /** As above; the build stops as soon as {@code cancelled} says so (checked where the time budget is). */
  Enumeration(List<String> inputs, List<String> outputs, long deadline, long maxVectors, BooleanSupplier cancelled) {
    this.cancelled = cancelled;
    this.n = inputs.size();
    this.in = inputs.toArray(new String[0]);
    this.out = outputs.toArray(new String[0]);
    this.deadline = deadline;
    this.maxVectors = maxVectors;
    this.universe = new Universe(inputs);
    this.ex = new Ex[n];
    int longest = 1;
    for (int e = 0; e < n; e++) {
      ex[e] = new Ex(in[e], out[e], universe);
      longest = Math.max(longest, in[e].length() + 1);
    }
    packable = n <= 4 && longest <= 128;
    mx = new int[longest];
    my = new int[longest];
    rxs = new int[n];
    rys = new int[n];
  }

  /** Runs the enumeration; on a budget cut, keeps what was found and records why. */
  void run() {
    long t = System.nanoTime();
    try {
      nestingInners();
      phase("nesting", t);
      substrInners();
      phase("substr", t);
      getSpanInners();
      phase("getspan", t);
      topLevel();
      phase("top", t);
      compose();
      phase("compose", t);
    } catch (Cut c) {
      cut = c.getMessage();
    }
    if (cancelled.getAsBoolean()) {
      // nobody will use this space: no automaton (root stays -1, so no DAG either)
      cut = cut != null ? cut : "cancelled before the build ended";
      abandoned = true;
    }
  }

  /** Whether the build was cancelled during enumeration: nothing further is to be built. */
  boolean abandoned;

  /**
   * Which vectors some enumerated expression gives (a vector registered just before a budget cut may have
   * none): the edges the DAG may use before the automaton exists.
   */
  boolean[] placed() {
    boolean[] p = new boolean[vectors.size()];
    for (Inner w : inners) {
      if (w.top >= 0) {
        p[w.top] = true;
      }
    }
    for (int v : topVecs) {
      p[v] = true;
    }
    for (int j = 0; j < identityRel.size(); j++) {
      p[identityRel.vector(j)] = true; // under every identity outer (there are always some: Replace(d, d))
    }
    for (int k = 0; rel != null && k < rel.length; k++) {
      Pairs pairs = rel[k];
      for (int j = 0; j < pairs.size(); j++) {
        p[pairs.vector(j)] = true;
      }
    }
    String[] c1 = new String[n];
    for (char c : Alphabet.CHARACTERS.toCharArray()) {
      Arrays.fill(c1, String.valueOf(c));
      Integer v = vectorIds.get(Arrays.asList(c1));
      if (v != null) {
        p[v] = true;
      } else if (vectorOrCut(c1) >= 0) { // ConstStr vectors are registered here first when new
        p = Arrays.copyOf(p, vectors.size());
        p[vectors.size() - 1] = true;
      }
    }
    return p;
  }

  /**
   * Builds the expression automaton over the vectors in {@code live} (all when null): the Compose
   * relations of vectors no program uses are left out, which is most of the automaton's cost on long
   * tasks. A vector outside {@code live} is then unknown to the automaton.
   */
  void buildAutomaton(boolean[] live) {
    long t = System.nanoTime();
    this.live = live;
    buildAutomaton();
    phase("automaton", t);
  }

  private boolean[] live;

  private boolean live(int v) {
    return live == null || (v < live.length && live[v]);
  }

  private static final boolean PROFILE = Boolean.getBoolean("lp.vsa.profile");

  private void phase(String what, long t0) {
    if (PROFILE) {
      long pairs = identityRel.size();
      for (int k = 0; rel != null && k < rel.length; k++) {
        pairs += rel[k].size();
      }
      System.err.printf("  %s %.1f ms inners=%d vectors=%d pairs=%d automaton=%d%n", what, (System.nanoTime() - t0) / 1e6,
          inners.size(), vectors.size(), pairs, automaton.size());
    }
  }

  private void check() {
    if (late()) {
      throw new Cut(lateReason("during enumeration"));
    }
  }

  /** Whether the build must stop: its time budget is spent or it was cancelled. */
  boolean late() {
    return BuildClock.now() > deadline || cancelled.getAsBoolean();
  }

  /** Why {@link #late()} is true, for a cut reason: "time budget spent " + where, or the cancellation. */
  String lateReason(String where) {
    return cancelled.getAsBoolean() ? "cancelled " + where : "time budget spent " + where;
  }

  // ------------------------------------------------------------------ vectors

  /**
   * The id of a valid vector, registering it, or -1 if some part is empty or does not occur. Parts empty on
   * some example are left out on purpose, see {@link VersionSpace}.
   */
  int vector(String[] s) {
    for (int e = 0; e < n; e++) {
      if (s[e].isEmpty() || !out[e].contains(s[e])) {
        return -1;
      }
    }
    List<String> key = Arrays.asList(s);
    Integer id = vectorIds.get(key);
    if (id == null) {
      if (vectors.size() >= maxVectors) {
        throw new Cut("vector budget (" + maxVectors + " distinct output vectors) spent");
      }
      id = vectors.size();
      vectors.add(s);
      vectorIds.put(key, id);
    }
    return id;
  }

  // ------------------------------------------------------------------ inners

  private Inner spanInner(int[] a, int[] b) {
    for (int e = 0; e < n; e++) {
      if (a[e] == b[e]) {
        return null; // empty somewhere: useless as a part and as an inner (every outer keeps "" empty)
      }
    }
    Object key;
    if (packable) {
      long k = 0;
      for (int e = 0; e < n; e++) {
        k = (k << 14) | ((long) a[e] << 7) | b[e];
      }
      key = mix(k);
    } else {
      StringBuilder sb = new StringBuilder(2 * n + 1).append('S');
      for (int e = 0; e < n; e++) {
        sb.append((char) a[e]).append((char) b[e]);
      }
      key = sb.toString();
    }
    Inner w = innerIds.get(key);
    if (w == null) {
      String[] s = new String[n];
      for (int e = 0; e < n; e++) {
        s[e] = in[e].substring(a[e], b[e]);
      }
      w = new Inner(s, a.clone(), b.clone());
      innerIds.put(key, w);
      inners.add(w);
    }
    return w;
  }

  private Inner inner(String[] s) {
    int[] a = new int[n];
    int[] b = new int[n];
    for (int e = 0; e < n; e++) {
      if (s[e].isEmpty()) {
        return null;
      }
      int at = in[e].indexOf(s[e]);
      if (at < 0) {
        a = null;
        break;
      }
      a[e] = at;
      b[e] = at + s[e].length();
    }
    if (a != null) {
      return spanInner(a, b);
    }
    List<String> key = Arrays.asList(s);
    Inner w = innerIds.get(key);
    if (w == null) {
      w = new Inner(s, null, null);
      innerIds.put(key, w);
      inners.add(w);
    }
    return w;
  }

  /**
   * Basic nesting ops and Remove/RemoveAll become inners; Substitute and SubstituteAll only top-level
   * expressions (their outputs hold a character written into an input copy, rarely any use as an inner,
   * and 7,000 of them would dominate the Compose work).
   */
  private void nestingInners() {
    String[] s = new String[n];
    for (Expr x : universe.basicNesting()) {
      for (int e = 0; e < n; e++) {
        s[e] = x.apply(in[e]);
      }
      Inner w = inner(s.clone());
      if (w != null) {
        w.seqs.add(Tokens.encode(x));
        w.nesting = true;
      }
    }
    for (Type t : Type.values()) {
      long[][] matches = matches(in, t);
      for (int p = 0; p < 11; p++) {
        Expr x = p < 10 ? new Remove(t, Universe.INDICES[p]) : new RemoveAll(t);
        for (int e = 0; e < n; e++) {
          s[e] = x.apply(in[e]);
        }
        Inner w = inner(s.clone());
        if (w != null) {
          w.seqs.add(Tokens.encode(x));
        }
        int probe = p;
        substitute(in, t, p, matches, (c, u) -> {
          int v = vector(u.clone());
          if (v >= 0) {
            topSeqs.add(Tokens.encode(probe < 10 ? new Substitute(t, Universe.INDICES[probe], c)
                : new SubstituteAll(t, c)));
            topVecs.add(v);
          }
        });
      }
    }
    check();
  }

  private long[][] matches(String[] w, Type t) {
    long[][] m = new long[n][];
    for (int e = 0; e < n; e++) {
      m[e] = Scan.matches(Regex.of(t), w[e]);
    }
    return m;
  }

  /** Receives a Substitute character and the output vector it gives. */
  @FunctionalInterface
  private interface SubstituteResult {
    void accept(char c, String[] u);
  }

  /**
   * Substitute(t, INDICES[p], c) (p < 10) or SubstituteAll(t, c) (p == 10) on w, for the characters c that
   * can give a vector whose parts occur in the outputs: all 83 with w itself where nothing is replaced on
   * any example; otherwise only characters found in each changed example's output where the replaced
   * piece would stand (Substitute) or anywhere (SubstituteAll). Results are not checked further.
   */
  private void substitute(String[] w, Type t, int p, long[][] matches, SubstituteResult sink) {
    boolean[] changed = new boolean[n];
    boolean any = false;
    String[] pre = new String[n];
    String[] suf = new String[n];
    for (int e = 0; e < n; e++) {
      long[] m = matches[e];
      int k = p == 10 ? 0 : Universe.INDICES[p] > 0 ? Universe.INDICES[p] - 1 : m.length + Universe.INDICES[p];
      changed[e] = k >= 0 && k < m.length;
      any |= changed[e];
      if (changed[e]) {
        String text = w[e].substring((int) (m[k] >>> 32), (int) m[k]);
        int q = w[e].indexOf(text); // the first textual occurrence is replaced (reference quirk)
        pre[e] = w[e].substring(0, q);
        // SubstituteAll: only the first replacement's place is known without c; the rest may be anything
        suf[e] = p < 10 ? w[e].substring(q + text.length()) : "";
      }
    }
    if (!any) {
      for (char c : Alphabet.CHARACTERS.toCharArray()) {
        sink.accept(c, w);
      }
      return;
    }
    boolean[] cand = new boolean[128];
    Arrays.fill(cand, true);
    for (int e = 0; e < n; e++) {
      if (!changed[e]) {
        continue;
      }
      boolean[] here = new boolean[128];
      String o = out[e];
      int q = pre[e].length();
      for (int at = o.indexOf(pre[e]); at >= 0 && at + q < o.length(); at = o.indexOf(pre[e], at + 1)) {
        if (o.startsWith(suf[e], at + q + 1) && o.charAt(at + q) < 128) {
          here[o.charAt(at + q)] = true;
        }
      }
      for (int c = 0; c < 128; c++) {
        cand[c] &= here[c];
      }
    }
    // SubstituteAll: the result with a placeholder for c, checked against the output before any string is
    // built (most characters give a result that occurs nowhere). Exact where c occurs in no replaced text,
    // so that inserting c cannot create an occurrence the reference loop would find (those c are computed).
    String[] template = p < 10 ? null : new String[n];
    boolean[][] inTexts = p < 10 ? null : new boolean[n][];
    for (int e = 0; p == 10 && e < n; e++) {
      if (changed[e] && w[e].indexOf(PLACEHOLDER) < 0) {
        template[e] = substituteAll(w[e], matches[e], PLACEHOLDER);
        inTexts[e] = new boolean[128];
        for (long m : matches[e]) {
          for (int j = (int) (m >>> 32); j < (int) m; j++) {
            char ch = w[e].charAt(j);
            if (ch < 128) {
              inTexts[e][ch] = true;
            }
          }
        }
      }
    }
    String[] u = new String[n];
    for (char c : Alphabet.CHARACTERS.toCharArray()) {
      if (!cand[c]) {
        continue;
      }
      boolean occurs = true;
      for (int e = 0; e < n && occurs && p == 10; e++) {
        if (template[e] != null && !inTexts[e][c]) {
          occurs = occursWith(template[e], c, out[e]);
        }
      }
      if (!occurs) {
        continue;
      }
      for (int e = 0; e < n; e++) {
        u[e] = !changed[e] ? w[e] : p < 10 ? pre[e] + c + suf[e]
            : template[e] != null && !inTexts[e][c] ? template[e].replace(PLACEHOLDER, c)
            : substituteAll(w[e], matches[e], c);
      }
      sink.accept(c, u);
    }
  }

  /** Stands for the SubstituteAll character in a template; never a DSL character. */
  static final char PLACEHOLDER = '\uFFFF';

  /** Whether {@code template} with every {@link #PLACEHOLDER} read as {@code c} occurs in {@code out}. */
  static boolean occursWith(String template, char c, String out) {
    int t = template.length();
    for (int at = 0; at + t <= out.length(); at++) {
      int j = 0;
      while (j < t) {
        char x = template.charAt(j);
        if ((x == PLACEHOLDER ? c : x) != out.charAt(at + j)) {
          break;
        }
        j++;
      }
      if (j == t) {
        return true;
      }
    }
    return false;
  }

  /**
   * SubstituteAll(t, c) on w given t's matches in w (as {@link Scan#matches} gives them): the
   * reference loop (each match's text replaced where it first occurs in the string changed so far)
   * without scanning w for the matches again for every character c.
   */
  static String substituteAll(String w, long[] matches, char c) {
    // one buffer changed in place (a match's text is replaced by one character, so it never grows)
    char[] value = w.toCharArray();
    int len = value.length;
    for (long m : matches) {
      int from = (int) (m >>> 32);
      int tl = (int) m - from;
      int at = indexOf(value, len, w, from, tl);
      if (at >= 0) {
        value[at] = c;
        System.arraycopy(value, at + tl, value, at + 1, len - at - tl);
        len -= tl - 1;
      }
    }
    return new String(value, 0, len);
  }

  /** The first index of w[from:from+tl] in value[0:len], or -1 (String.indexOf on a buffer); tl >= 1, as Scan's matches are. */
  private static int indexOf(char[] value, int len, String w, int from, int tl) {
    char first = w.charAt(from);
    for (int at = 0; at + tl <= len; at++) {
      if (value[at] != first) {
        continue;
      }
      int j = 1;
      while (j < tl && value[at + j] == w.charAt(from + j)) {
        j++;
      }
      if (j == tl) {
        return at;
      }
    }
    return -1;
  }

  private void substrInners() {
    int m = universe.minLength;
    int[] a = new int[n];
    int[] b = new int[n];
    for (int k1 = 1 - m; k1 <= m; k1++) {
      for (int k2 = 1 - m; k2 <= m; k2++) {
        for (int e = 0; e < n; e++) {
          substrSpan(in[e].length(), k1, k2, a, b, e);
        }
        Inner w = spanInner(a, b);
        if (w != null) {
          w.seqs.add(new int[] {Tokens.SUB_STR, Tokens.intId(k1), Tokens.intId(k2)});
        }
      }
      check();
    }
  }

  /** SubStr(k1,k2) on a string of length len as the span [a[e], b[e]) (a == b when empty), per DSL.md. */
  static void substrSpan(int len, int k1, int k2, int[] a, int[] b, int e) {
    int p1 = k1 > 0 ? k1 - 1 : len + k1;
    int p2 = k2 > 0 ? k2 - 1 : len + k2;
    a[e] = 0;
    b[e] = 0;
    if (p1 >= p2) {
      return;
    }
    int lo = pyBound(p1, len);
    int hi = pyBound(p2 == len ? len : p2 + 1, len);
    if (hi > lo) {
      a[e] = lo;
      b[e] = hi;
    }
  }

  private static int pyBound(int x, int len) {
    if (x < 0) {
      return Math.max(0, x + len);
    }
    return Math.min(x, len);
  }

  private void getSpanInners() {
    Map<List<Integer>, Integer> ids = new HashMap<>();
    List<Regex> rs = universe.regexes;
    for (int r = 0; r < rs.size(); r++) {
      for (int i : Universe.INDICES) {
        for (Boundary bd : Boundary.values()) {
          Integer[] pos = new Integer[n];
          for (int e = 0; e < n; e++) {
            pos[e] = end(ex[e].st[r], ex[e].en[r], i, bd);
          }
          List<Integer> key = Arrays.asList(pos);
          Integer id = ids.get(key);
          if (id == null) {
            id = positions.size();
            ids.put(key, id);
            int[] p = new int[n];
            for (int e = 0; e < n; e++) {
              p[e] = pos[e];
            }
            positions.add(p);
            positionTriples.add(new ArrayList<>());
          }
          positionTriples.get(id).add(new int[] {universe.regexTokens[r], Tokens.intId(i), Tokens.boundaryId(bd)});
        }
      }
    }
    int[] a = new int[n];
    int[] b = new int[n];
    for (int s = 0; s < positions.size(); s++) {
      int[] ps = positions.get(s);
      for (int t = 0; t < positions.size(); t++) {
        int[] pe = positions.get(t);
        for (int e = 0; e < n; e++) {
          a[e] = 0;
          b[e] = 0;
          if (ps[e] >= 0 && pe[e] >= 0) {
            int hi = Math.min(pe[e], ex[e].len);
            if (hi > ps[e]) {
              a[e] = ps[e];
              b[e] = hi;
            }
          }
        }
        Inner w = spanInner(a, b);
        if (w != null) {
          w.spans.add(new int[] {s, t});
        }
      }
      check();
    }
  }

  /** One GetSpan end per DSL.md: -1 when the regex has no match. */
  private static int end(int[] st, int[] en, int index, Boundary bd) {
    int count = st.length;
    if (count == 0) {
      return -1;
    }
    int k = index > 0 ? index - 1 : count + index;
    if (k >= count) {
      return count - 1;
    }
    if (k < 0) {
      return 0;
    }
    return bd == Boundary.START ? st[k] : en[k];
  }

  private void topLevel() {
    for (Inner w : inners) {
      w.top = vector(w.s);
    }
    check();
  }

  // ------------------------------------------------------------------ compose

  @SuppressWarnings("unchecked")
  private void compose() {
    List<Expr> basic = universe.basicNesting();
    kind = new int[basic.size()];
    regexOf = new int[basic.size()];
    indexOf = new int[basic.size()];
    List<Regex> rs = universe.regexes;
    for (int k = 0; k < basic.size(); k++) {
      Expr o = basic.get(k);
      if (o instanceof GetToken g) {
        set(k, GET_TOKEN, g.t().ordinal(), g.i());
      } else if (o instanceof GetUpto g) {
        set(k, GET_UPTO, rs.indexOf(g.r()), 0);
      } else if (o instanceof GetFrom g) {
        set(k, GET_FROM, rs.indexOf(g.r()), 0);
      } else if (o instanceof GetFirst g) {
        set(k, GET_FIRST, g.t().ordinal(), g.i());
      } else if (o instanceof GetAll g) {
        set(k, GET_ALL, g.t().ordinal(), 0);
      } else if (o instanceof Trim) {
        set(k, TRIM, -1, 0);
      } else {
        set(k, CHARWISE, -1, 0); // ToCase, Replace
      }
    }
    outers.addAll(basic);
    spanOuters = basic.size();
    outers.addAll(Universe.laterNesting());
    words = (spanOuters + 63) >>> 6;
    rel = new Pairs[outers.size()];
    for (int k = 0; k < rel.length; k++) {
      rel[k] = new Pairs();
    }
    // ToCase/Replace outers that leave every input unchanged leave every span-like inner unchanged too
    // (they map each character alone): one shared relation instead of thousands of evaluations each
    identity = new boolean[spanOuters];
    long[] keep = new long[words];
    Arrays.fill(keep, -1L);
    for (int k = 0; k < spanOuters; k++) {
      Expr o = outers.get(k);
      boolean id = kind[k] == CHARWISE && !(o instanceof ToCase tc && tc.c() == dev.lp.dsl.Case.PROPER);
      for (int e = 0; e < n && id; e++) {
        id = o.apply(in[e]).equals(in[e]);
      }
      identity[k] = id;
      if (id) {
        keep[k >>> 6] &= ~(1L << k);
      }
    }
    long[] and = new long[words];
    String[] u = new String[n];
    for (int wi = 0; wi < inners.size(); wi++) {
      check(); // per inner: one inner's outers can take milliseconds (the later ops)
      Inner w = inners.get(wi);
      if (w.a != null) {
        Arrays.fill(and, -1L);
        for (int e = 0; e < n; e++) {
          int idx = w.a[e] * (ex[e].len + 1) + w.b[e];
          if (ex[e].ok[idx] == null) {
            spanTable(e, w.a[e], w.b[e], idx);
          }
          long[] ok = ex[e].ok[idx];
          for (int j = 0; j < words; j++) {
            and[j] &= ok[j] & keep[j];
          }
        }
        if (w.top >= 0) {
          identityRel.add(wi, w.top);
        }
        for (int j = 0; j < words; j++) {
          for (long bits = and[j]; bits != 0; bits &= bits - 1) {
            int k = (j << 6) + Long.numberOfTrailingZeros(bits);
            spanOuterValue(k, wi, w, u);
          }
        }
      } else {
        // ToCase and Replace keep what blind() blurs, so they need the blurred inner in the blurred output
        boolean charwise = true;
        for (int e = 0; e < n && charwise; e++) {
          charwise = ex[e].blindOut.contains(blind(w.s[e]));
        }
        for (int k = 0; k < spanOuters; k++) {
          if (charwise || kind[k] != CHARWISE) {
            directOuter(k, wi, w, u);
          }
        }
      }
      if (w.nesting) {
        laterOuters(wi, w, u);
      }
    }
  }

  /**
   * Relates span-like inner w under span outer k. Results that are input spans on every example are
   * looked up by their packed span key first, skipping the strings (the same span is the result of many
   * inners: GetToken(NUMBER, 1) of every span that starts before a number).
   */
  private void spanOuterValue(int k, int wi, Inner w, String[] u) {
    if (kind[k] == CHARWISE && !(outers.get(k) instanceof ToCase tc && tc.c() == dev.lp.dsl.Case.PROPER)) {
      // ToCase and Replace map each character alone: where they change nothing in the span on any
      // example the result is the inner's own vector, otherwise the span of the mapped input
      boolean same = true;
      for (int e = 0; e < n && same; e++) {
        same = unchanged(ex[e], k, w.a[e], w.b[e]);
      }
      if (same) {
        if (w.top >= 0) {
          rel[k].add(wi, w.top);
        }
        return;
      }
      for (int e = 0; e < n; e++) {
        u[e] = ex[e].mappedIn[k].substring(w.a[e], w.b[e]);
      }
      relate(k, wi, u);
      return;
    }
    long key = 0;
    boolean spans = packable;
    for (int e = 0; e < n && spans; e++) {
      Ex x = ex[e];
      int count = regexOf[k] >= 0 ? spanMatches(x, regexOf[k], w.a[e], w.b[e]) : 0;
      evalSpan(x, w.a[e], w.b[e], k, count, true);
      spans = rs == null;
      rxs[e] = rx;
      rys[e] = ry;
      key = (key << 14) | ((long) rx << 7) | ry;
    }
    if (spans) {
      key = mix(key);
      Integer v = spanVectors.get(key);
      if (v == null) {
        for (int e = 0; e < n; e++) {
          u[e] = ex[e].in.substring(rxs[e], rys[e]);
        }
        v = vector(u.clone());
        spanVectors.put(key, v);
      }
      if (v >= 0) {
        rel[k].add(wi, v);
      }
      return;
    }
    for (int e = 0; e < n; e++) {
      u[e] = spanValue(e, w.a[e], w.b[e], k);
    }
    relate(k, wi, u);
  }

  private void set(int k, int kd, int r, int i) {
    kind[k] = kd;
    regexOf[k] = r;
    indexOf[k] = i;
  }

  private void relate(int k, int wi, String[] u) {
    int v = vector(u.clone());
    if (v >= 0) {
      rel[k].add(wi, v);
    }
  }

  private void directOuter(int k, int wi, Inner w, String[] u) {
    Expr o = outers.get(k);
    for (int e = 0; e < n; e++) {
      u[e] = o.apply(w.s[e]);
      if (u[e].isEmpty() || !out[e].contains(u[e])) {
        return;
      }
    }
    relate(k, wi, u);
  }

  /**
   * The later ops as Compose outers over an inner vector some basic nesting op produces: Remove and
   * RemoveAll evaluated, Substitute and SubstituteAll through {@link #substitute}. Outer indices follow
   * {@link Universe#laterNesting()}: per type a block of {@link #LATER_BLOCK}, Remove(t, i) for the 10
   * indices, RemoveAll(t), then for each of the 83 characters Substitute(t, i, c) for the 10 indices and
   * SubstituteAll(t, c).
   */
  private void laterOuters(int wi, Inner w, String[] u) {
    int[] pre = new int[n];
    int[] suf = new int[n];
    for (int e = 0; e < n; e++) {
      pre[e] = longestOccurring(w.s[e], out[e], true);
      suf[e] = longestOccurring(w.s[e], out[e], false);
    }
    Type[] types = Type.values();
    for (int ti = 0; ti < types.length; ti++) {
      int block = spanOuters + ti * LATER_BLOCK;
      long[][] m = matches(w.s, types[ti]);
      for (int p = 0; p < 11; p++) {
        if (!keepsEnds(w.s, m, p, pre, suf)) {
          continue;
        }
        directOuter(block + p, wi, w, u);
        int probe = p;
        substitute(w.s, types[ti], p, m, (c, v) -> {
          int k = block + 11 + charIndex(c) * 11 + probe;
          if (v == w.s) {
            if (w.top >= 0) {
              rel[k].add(wi, w.top); // nothing replaced: the inner's own vector
            }
          } else {
            relate(k, wi, v);
          }
        });
      }
    }
  }

  /**
   * A cheap necessary condition for Remove/Substitute (p < 10: index INDICES[p]) or RemoveAll/
   * SubstituteAll (p == 10) on w to give parts that occur in the outputs: what precedes the first
   * change and what follows the last is unchanged, so it must be within the longest prefix (pre) and
   * suffix (suf) of w that occur in the output.
   */
  private boolean keepsEnds(String[] w, long[][] m, int p, int[] pre, int[] suf) {
    for (int e = 0; e < n; e++) {
      long[] me = m[e];
      int first;
      int last;
      if (p == 10) {
        if (me.length == 0) {
          continue;
        }
        first = 0;
        last = me.length - 1;
      } else {
        int k = Universe.INDICES[p] > 0 ? Universe.INDICES[p] - 1 : me.length + Universe.INDICES[p];
        if (k < 0 || k >= me.length) {
          continue;
        }
        first = k;
        last = k;
      }
      String text = w[e].substring((int) (me[first] >>> 32), (int) me[first]);
      int q = w[e].indexOf(text);
      int tail = p == 10 ? w[e].length() - (int) me[last] : w[e].length() - q - text.length();
      if (q > pre[e] || tail > suf[e]) {
        return false;
      }
    }
    return true;
  }

  /** The longest prefix (or suffix) of s that occurs in out; occurrence is monotone in length. */
  static int longestOccurring(String s, String out, boolean prefix) {
    int lo = 0;
    int hi = Math.min(s.length(), out.length());
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      String piece = prefix ? s.substring(0, mid) : s.substring(s.length() - mid);
      if (out.contains(piece)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static int charIndex(char c) {
    return Alphabet.CHARACTERS.indexOf(c);
  }

  /** Later ops per type: 10 Remove, RemoveAll, then 83 x (10 Substitute, SubstituteAll). */
  static final int LATER_BLOCK = 11 + 11 * 83;

  /** Fills the span table entry of example e, span [a, b), a < b. */
  private void spanTable(int e, int a, int b, int idx) {
    Ex x = ex[e];
    long[] ok = new long[words];
    int lastRegex = -2;
    int count = 0;
    for (int k = 0; k < spanOuters; k++) {
      int r = regexOf[k];
      if (r >= 0 && r != lastRegex) {
        count = spanMatches(x, r, a, b);
        lastRegex = r;
      }
      if (evalSpan(x, a, b, k, count, false) == OK) {
        ok[k >>> 6] |= 1L << k;
      }
    }
    x.ok[idx] = ok;
  }

  private static final int INVALID = -1;
  private static final int EMPTY = 0;
  private static final int OK = 1;
  // result of evalSpan when asked for the value
  private int rx;
  private int ry;
  private String rs;

  private String spanValue(int e, int a, int b, int k) {
    Ex x = ex[e];
    int count = regexOf[k] >= 0 ? spanMatches(x, regexOf[k], a, b) : 0;
    int code = evalSpan(x, a, b, k, count, true);
    if (code == EMPTY) {
      return "";
    }
    return rs != null ? rs : x.in.substring(rx, ry);
  }

  /**
   * Outer k on in[a:b) of example x, given its regex's matches in mx/my (count of them). Returns INVALID
   * when the result is non-empty and does not occur in the output, EMPTY, or OK; with value, rs holds a
   * built result or null when it is the input span [rx, ry).
   */
  private int evalSpan(Ex x, int a, int b, int k, int count, boolean value) {
    rs = null;
    int i = indexOf[k];
    switch (kind[k]) {
      case GET_TOKEN -> {
        int j = i > 0 ? i - 1 : count + i;
        return j < 0 || j >= count ? EMPTY : span(x, mx[j], my[j]);
      }
      case GET_UPTO -> {
        return count == 0 ? EMPTY : span(x, a, my[0]);
      }
      case GET_FROM -> {
        return count == 0 ? EMPTY : span(x, my[0], b);
      }
      case GET_FIRST, GET_ALL -> {
        int take = kind[k] == GET_ALL ? count : i > 0 ? Math.min(i, count) : Math.max(0, count + i);
        if (take == 0) {
          return EMPTY;
        }
        int first = span(x, mx[0], my[0]);
        if (take == 1 || first == INVALID) {
          return first;
        }
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < take; j++) {
          sb.append(x.in, mx[j], my[j]);
        }
        rs = sb.toString();
        return x.out.contains(rs) ? OK : INVALID;
      }
      case TRIM -> {
        int lo = a;
        int hi = b;
        while (lo < hi && x.in.charAt(lo) == ' ') {
          lo++;
        }
        while (hi > lo && x.in.charAt(hi - 1) == ' ') {
          hi--;
        }
        return lo == hi ? EMPTY : span(x, lo, hi);
      }
      default -> {
        // ToCase and Replace act on each character alone (PROPER: the first apart), so the result is
        // a span of the mapped input and one lcp lookup decides
        Expr o = outers.get(k);
        boolean occurs = o instanceof ToCase tc && tc.c() == dev.lp.dsl.Case.PROPER
            ? b - a <= x.properMax[a] : b - a <= mapped(x, k)[a];
        if (value) {
          rs = o.apply(x.in.substring(a, b));
        }
        return occurs ? OK : INVALID;
      }
    }
  }

  private int span(Ex x, int lo, int hi) {
    rx = lo;
    ry = hi;
    if (lo >= hi) {
      return EMPTY;
    }
    return x.occurs(lo, hi) ? OK : INVALID;
  }

  /**
   * The matches of regex r in in[a:b) into mx/my: the input's matches, the one straddling a cut to start
   * at a (a run type continues there; PROP_CASE cannot start inside its own lower-case tail) and the one
   * straddling b cut to end at b (PROP_CASE needs two characters left).
   */
  private int spanMatches(Ex x, int r, int a, int b) {
    int[] st = x.st[r];
    int[] en = x.en[r];
    Regex re = universe.regexes.get(r);
    boolean run = re instanceof Regex.OfType t && Scan.isRun(t.type());
    boolean prop = re instanceof Regex.OfType t && t.type() == Type.PROP_CASE;
    int j = firstEndingAfter(en, a);
    int c = 0;
    if (j < st.length && st[j] < a) {
      if (run) {
        mx[c] = a;
        my[c++] = Math.min(en[j], b);
      }
      j++;
    }
    for (; j < st.length && st[j] < b; j++) {
      int hi = Math.min(en[j], b);
      if (prop && hi - st[j] < 2) {
        break;
      }
      mx[c] = st[j];
      my[c++] = hi;
    }
    return c;
  }

  private static int firstEndingAfter(int[] en, int a) {
    int lo = 0;
    int hi = en.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (en[mid] > a) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  // ------------------------------------------------------------------ automaton

  private void buildAutomaton() {
    Automaton.Builder top = new Automaton.Builder();
    Map<Integer, List<int[]>> spansByStart = new HashMap<>();
    for (Inner w : inners) {
      if (w.top >= 0 && live(w.top)) {
        addInner(top, w, w.top, spansByStart);
      }
    }
    addSpans(top, spansByStart);
    for (int j = 0; j < topSeqs.size(); j++) {
      if (live(topVecs.get(j))) {
        top.add(topSeqs.get(j), 0, automaton.leaf(topVecs.get(j)));
      }
    }
    String[] c1 = new String[n];
    for (char c : Alphabet.CHARACTERS.toCharArray()) {
      Arrays.fill(c1, String.valueOf(c));
      int v = vectorOrCut(c1);
      if (v >= 0 && live(v)) {
        top.add(new int[] {Tokens.CONST_STR, Tokens.charId(c)}, 0, automaton.leaf(v));
      }
    }
    if (rel != null) {
      identityLive = live == null ? identityRel : liveOnly(identityRel);
      Map<IntsKey, Integer> shared = new HashMap<>();
      for (int k = 0; k < rel.length; k++) {
        if (late()) {
          cut = lateReason("while building the expression automaton");
          break; // Compose outers not added yet are left out: the space stays sound
        }
        Pairs pairs = live == null ? rel[k] : liveOnly(rel[k]);
        boolean id = k < spanOuters && identity[k];
        if (pairs.isEmpty() && !(id && !identityLive.isEmpty())) {
          continue;
        }
        int[] raw = Arrays.copyOf(pairs.data, 2 * pairs.size() + 1);
        raw[raw.length - 1] = id ? -1 : -2;
        IntsKey sig = new IntsKey(raw);
        Integer x = shared.get(sig);
        if (x == null) {
          Automaton.Builder b = new Automaton.Builder();
          Map<Integer, List<int[]>> byStart = new HashMap<>();
          boolean late = false;
          for (int j = 0; id && j < identityLive.size() && !late; j++) {
            addInner(b, inners.get(identityLive.inner(j)), identityLive.vector(j), byStart);
            late = (j & 511) == 511 && late();
          }
          for (int j = 0; j < pairs.size() && !late; j++) {
            addInner(b, inners.get(pairs.inner(j)), pairs.vector(j), byStart);
            late = (j & 511) == 511 && late();
          }
          if (late) {
            cut = lateReason("while building the expression automaton");
            break; // this outer's inners are only partly added: leave the outer out
          }
          addSpans(b, byStart);
          x = b.freeze(automaton);
          shared.put(sig, x);
        }
        top.add(new int[] {Tokens.COMPOSE}, Tokens.encode(outers.get(k)), x);
      }
    }
    root = top.isEmpty() ? -1 : top.freeze(automaton);
  }

  /** identityRel restricted to live vectors, during {@link #buildAutomaton()}. */
  private Pairs identityLive;

  /** The pairs whose vector is live. */
  private Pairs liveOnly(Pairs all) {
    Pairs p = new Pairs();
    for (int j = 0; j < all.size(); j++) {
      if (live(all.vector(j))) {
        p.add(all.inner(j), all.vector(j));
      }
    }
    return p;
  }

  /** An int[] as a map key by content. */
  private record IntsKey(int[] v) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IntsKey other && Arrays.equals(v, other.v);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(v);
    }
  }

  /** Adds w's expressions leading to vector v; its GetSpan pairs are collected by start for {@link #addSpans}. */
  private void addInner(Automaton.Builder b, Inner w, int v, Map<Integer, List<int[]>> spansByStart) {
    int leaf = automaton.leaf(v);
    for (int[] seq : w.seqs) {
      b.add(seq, 0, leaf);
    }
    for (int[] se : w.spans) {
      spansByStart.computeIfAbsent(se[0], k -> new ArrayList<>()).add(new int[] {se[1], v});
    }
  }

  /**
   * Adds GetSpan expressions as (start end) -> shared sub-automaton of (end end) -> vector, so a pair of
   * position-vector groups costs their sum, not their product. Each end triple belongs to one position
   * vector, so under one start every end triple leads to one vector.
   */
  private void addSpans(Automaton.Builder b, Map<Integer, List<int[]>> spansByStart) {
    for (Map.Entry<Integer, List<int[]>> entry : spansByStart.entrySet()) {
      Automaton.Builder ends = new Automaton.Builder();
      for (int[] ev : entry.getValue()) {
        int leaf = automaton.leaf(ev[1]);
        for (int[] t2 : positionTriples.get(ev[0])) {
          ends.add(t2, 0, leaf);
        }
      }
      int node = ends.freeze(automaton);
      for (int[] t1 : positionTriples.get(entry.getKey())) {
        b.add(new int[] {Tokens.GET_SPAN}, t1, node);
      }
    }
  }

  private int vectorOrCut(String[] s) {
    try {
      return vector(s.clone());
    } catch (Cut c) {
      cut = c.getMessage();
      return -1;
    }
  }

  /** Number of Compose outers, for reports. */
  int outerCount() {
    return outers.size();
  }
}
