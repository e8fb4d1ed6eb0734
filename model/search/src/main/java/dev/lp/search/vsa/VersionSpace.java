package dev.lp.search.vsa;

import dev.lp.dsl.Expr;
import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import dev.lp.search.TokenConstraint;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The version space of one programming-by-example task: every program (Concat of expressions) of the
 * DSL, within the argument bounds of {@link Universe}, that maps each input to its output.
 *
 * <p>Construction ({@link #build}): every expression reads only the input, so it has one output
 * vector (one string per example) wherever it stands in a program. Expressions are enumerated and
 * grouped by output vector, keeping the vectors whose part for each example is non-empty and occurs in
 * that example's output. The DAG
 * has a node per position tuple (one position per example's output); a vector labels an edge from
 * (p1..pn) to (p1+|o1|..pn+|on|) where each output has that part at that position. Only nodes on a
 * path from the start (all 0) to the end (all complete) are kept. Which expressions give which vector
 * is an {@link Automaton} over their tokens, built after the DAG for the vectors on its kept paths only
 * (on long tasks about half the vectors, and most of the Compose relations, lie on none) (see {@link Enumeration} for how the enumeration stays
 * cheap: FlashFill-style position vectors for GetSpan, span algebra for Compose over substrings).
 *
 * <p>Bounds beyond {@link Universe}'s argument ranges, each keeping every program the sampler can draw:
 * <ul>
 *   <li>Every expression must be non-empty on every example. The sampler only draws such programs
 *       (inputs are non-empty; extracting expressions are redrawn until non-empty on every input).
 *       Allowing an expression empty on some examples lets the DAG move along one example's output
 *       alone, and the position tuples then fill the product space (measured: over 200,000 DAG nodes
 *       and 20 s on most paper tasks); programs using such an expression are not in the space.
 *   <li>Substitute, SubstituteAll, Remove and RemoveAll (never drawn by the sampler, used by golden
 *       tasks) as Compose's outer op are composed only with inner outputs some basic nesting op
 *       (GetToken..GetAll) produces, and Substitute/SubstituteAll are not Compose inners.
 * </ul>
 *
 * <p>Budget: enumeration, vector count and DAG size are bounded by a {@link Budget}; when a limit is
 * hit, {@link #cut()} is true, {@link #cutReason()} says which, and the space keeps what was built
 * (it stays sound: every program it admits is consistent; it may miss some or all).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class VersionSpace {

  /**
   * Limits of one build: time, distinct output vectors kept, DAG nodes explored.
   *
   * @param time limit of {@link #build} in CPU time of the building thread (wall time where the JVM
   *     cannot measure it), so a build cuts the same on a loaded machine as on an idle one; positive
   * @param maxVectors the most distinct output vectors, positive
   * @param maxNodes the most DAG nodes explored, positive
   */
  public record Budget(Duration time, long maxVectors, long maxNodes) {
    /** One second, 200,000 vectors, 200,000 nodes. */
    public static final Budget DEFAULT = new Budget(Duration.ofSeconds(1), 200_000, 200_000);

    public Budget {
      if (time == null || time.isNegative() || time.isZero()) {
        throw new IllegalArgumentException("budget time must be positive, got " + time);
      }
      if (maxVectors <= 0 || maxNodes <= 0) {
        throw new IllegalArgumentException("budget maxVectors and maxNodes must be positive, got "
            + maxVectors + " and " + maxNodes);
      }
    }

    /** A copy with another time limit. */
    public Budget withTime(Duration t) {
      return new Budget(t, maxVectors, maxNodes);
    }
  }

  private final int examples;
  private final String inconsistent;
  private final String cutReason;
  private final long buildNanos;
  private final long buildCpuNanos;
  private final Automaton automaton;
  private final int root;
  private final int vectorCount;
  private final List<String[]> vectors;
  // kept DAG: node 0 is the start (when expressible), end is the node with every output complete
  private final int nodes;
  private final int end;
  private final int[][] outVec;
  private final int[][] outTarget;
  private final int[] minTokensToEnd;
  private final int[] minExprsToEnd;
  /** Fewest tokens among the paths to the end with the fewest expressions. */
  private final int[] shortestTokens;
  private final BigInteger programs;
  private final long[] vecCount;
  private final int[] vecMinTokens;
  private final int edges;
  private final int exploredNodes;

  private VersionSpace(Builder b) {
    this.examples = b.examples;
    this.inconsistent = b.inconsistent;
    this.cutReason = b.cut;
    this.buildNanos = b.nanos;
    this.buildCpuNanos = b.cpuNanos;
    this.automaton = b.automaton;
    this.root = b.root;
    this.vectorCount = b.vectorCount;
    this.vectors = b.vectors;
    this.nodes = b.nodes;
    this.end = b.end;
    this.outVec = b.outVec;
    this.outTarget = b.outTarget;
    this.minTokensToEnd = b.minTokensToEnd;
    this.minExprsToEnd = b.minExprsToEnd;
    this.shortestTokens = b.shortestTokens;
    this.programs = b.programs;
    this.vecCount = b.vecCount;
    this.vecMinTokens = b.vecMinTokens;
    this.edges = b.edges;
    this.exploredNodes = b.explored;
  }

  /**
   * Builds the version space of the task inputs[k] -> outputs[k].
   *
   * @throws IllegalArgumentException for null or mismatched lists, no examples, a null string, all
   *     outputs empty, or outputs so long together that position tuples do not fit a long
   */
  public static VersionSpace build(List<String> inputs, List<String> outputs, Budget budget) {
    return build(inputs, outputs, budget, () -> false);
  }

  /**
   * As {@link #build(List, List, Budget)}, stopping early once {@code cancelled} returns true (checked as
   * often as the time budget; e.g. the request that wanted the space has ended): the space is then cut,
   * its reason says "cancelled", and it admits nothing.
   */
  public static VersionSpace build(List<String> inputs, List<String> outputs, Budget budget,
      java.util.function.BooleanSupplier cancelled) {
    return build(inputs, outputs, budget, cancelled, false);
  }

  /** As above; with fullAutomaton the automaton also holds vectors no program uses (for tests). */
  static VersionSpace build(List<String> inputs, List<String> outputs, Budget budget,
      java.util.function.BooleanSupplier cancelled, boolean fullAutomaton) {
    if (cancelled == null) {
      throw new IllegalArgumentException("cancelled is null");
    }
    long t0 = System.nanoTime();
    long c0 = BuildClock.now();
    Builder b = new Builder();
    b.examples = validate(inputs, outputs, budget);
    Map<String, String> seen = new HashMap<>();
    for (int e = 0; e < inputs.size(); e++) {
      String prev = seen.putIfAbsent(inputs.get(e), outputs.get(e));
      if (prev != null && !prev.equals(outputs.get(e))) {
        b.inconsistent = "examples contradict: input \"" + inputs.get(e) + "\" has outputs \"" + prev
            + "\" and \"" + outputs.get(e) + "\"";
        b.nanos = System.nanoTime() - t0;
        b.cpuNanos = BuildClock.now() - c0;
        return new VersionSpace(b);
      }
    }
    long deadline = BuildClock.now() + budget.time().toNanos();
    Enumeration en = new Enumeration(inputs, outputs, deadline, budget.maxVectors(), cancelled);
    en.run();
    if (!en.abandoned) {
      // The DAG first, over the vectors the enumeration placed, then the automaton over the vectors on a
      // start-to-end path only (fullAutomaton: over all, for tests that compare every vector).
      boolean[] placed = en.placed();
      boolean[] live = b.explore(en, outputs, budget.maxNodes(), placed) ? b.live(en.vectors.size()) : null;
      if (live != null || fullAutomaton) {
        en.buildAutomaton(fullAutomaton ? null : live);
        b.automaton = en.automaton;
        b.root = en.root;
        if (b.root >= 0) {
          b.counts(en.vectors.size());
          if (live != null && b.missing(live)) {
            // the automaton was cut before every live vector got its expressions: the DAG again without them
            boolean[] have = new boolean[en.vectors.size()];
            for (int v = 0; v < have.length; v++) {
              have[v] = b.vecCount[v] > 0;
            }
            live = b.explore(en, outputs, budget.maxNodes(), have) ? live : null;
          }
          if (live != null) {
            b.finish();
          }
        }
      }
    }
    b.cut = en.cut != null ? en.cut : b.cut;
    b.vectorCount = en.vectors.size();
    b.vectors = en.vectors;
    b.nanos = System.nanoTime() - t0;
    b.cpuNanos = BuildClock.now() - c0;
    return new VersionSpace(b);
  }

  /** {@link #build} with {@link Budget#DEFAULT}. */
  public static VersionSpace build(List<String> inputs, List<String> outputs) {
    return build(inputs, outputs, Budget.DEFAULT);
  }

  private static int validate(List<String> inputs, List<String> outputs, Budget budget) {
    if (inputs == null || outputs == null) {
      throw new IllegalArgumentException("inputs and outputs must not be null");
    }
    if (budget == null) {
      throw new IllegalArgumentException("budget must not be null");
    }
    if (inputs.size() != outputs.size()) {
      throw new IllegalArgumentException(inputs.size() + " inputs but " + outputs.size() + " outputs");
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a task needs at least one example");
    }
    boolean anyOutput = false;
    long tuples = 1;
    for (int e = 0; e < inputs.size(); e++) {
      if (inputs.get(e) == null || outputs.get(e) == null) {
        throw new IllegalArgumentException("example " + e + " has a null " + (inputs.get(e) == null ? "input" : "output"));
      }
      anyOutput |= !outputs.get(e).isEmpty();
      try {
        tuples = Math.multiplyExact(tuples, outputs.get(e).length() + 1L);
      } catch (ArithmeticException overflow) {
        throw new IllegalArgumentException("outputs too long together: the position tuples of "
            + inputs.size() + " outputs do not fit a long");
      }
    }
    if (!anyOutput) {
      throw new IllegalArgumentException("every output is empty: no program of at least one non-empty "
          + "expression can produce that");
    }
    return inputs.size();
  }

  // ------------------------------------------------------------------ answers

  /** Whether the examples contradict each other (same input, different outputs); then nothing else holds. */
  public boolean inconsistent() {
    return inconsistent != null;
  }

  /** Why the examples contradict, or empty. */
  public Optional<String> inconsistency() {
    return Optional.ofNullable(inconsistent);
  }

  /** Whether a budget limit stopped the build early (what was built is still sound). */
  public boolean cut() {
    return cutReason != null;
  }

  /** Which limit stopped the build, or empty. */
  public Optional<String> cutReason() {
    return Optional.ofNullable(cutReason);
  }

  /** Whether some consistent program is in the space. */
  public boolean expressible() {
    return nodes > 0;
  }

  /** Whether some consistent program of at most maxExpressions expressions is in the space. */
  public boolean expressibleWithin(int maxExpressions) {
    if (maxExpressions < 1) {
      throw new IllegalArgumentException("maxExpressions must be >= 1, got " + maxExpressions);
    }
    return nodes > 0 && minExprsToEnd[0] <= maxExpressions;
  }

  /** The number of consistent programs as token sequences (every expression counted apart), any length. */
  public BigInteger programCount() {
    return programs;
  }

  /** A consistent program with the fewest expressions, ties broken by fewest tokens; empty if none. */
  public Optional<Program> shortest() {
    if (nodes == 0) {
      return Optional.empty();
    }
    List<Expr> exprs = new ArrayList<>();
    int node = 0;
    while (node != end) {
      int next = -1;
      for (int j = 0; j < outVec[node].length && next < 0; j++) {
        int v = outVec[node][j];
        int t = outTarget[node][j];
        if (minExprsToEnd[t] + 1 == minExprsToEnd[node]
            && shortestTokens[t] + vecMinTokens[v] == shortestTokens[node]) {
          exprs.add(cheapest(v));
          next = t;
        }
      }
      node = next;
    }
    return Optional.of(new Program(exprs));
  }

  /** The expression of vector v with the fewest tokens, read off the automaton. */
  private Expr cheapest(int v) {
    int[] seq = new int[vecMinTokens[v] + 1];
    int node = root;
    for (int p = 0; p < vecMinTokens[v]; p++) {
      int[] kids = automaton.children(node);
      int[] toks = automaton.tokens(node);
      int want = vecMinTokens(node, v) - 1;
      for (int j = 0; j < kids.length; j++) {
        if (vecMinTokens(kids[j], v) == want) {
          seq[p] = toks[j];
          node = kids[j];
          break;
        }
      }
    }
    seq[seq.length - 1] = Tokens.EOS;
    return Tokens.decode(seq).expressions().get(0);
  }

  private int vecMinTokens(int node, int v) {
    int at = Arrays.binarySearch(automaton.vectors(node), v);
    return at < 0 ? Integer.MAX_VALUE : automaton.minTokens(node)[at];
  }

  /**
   * Which tokens may follow a program prefix so that it stays a prefix of a program in this space that
   * ends within the token budget. Per task: built for this one task, read-only (thread-safe for
   * concurrent beams), unlike the stateless {@link TokenConstraint#programGrammar()}. Use it with
   * {@code BeamSearch.Settings.withConstraint(vs.constraint())}.
   */
  public TokenConstraint constraint() {
    return new VersionSpaceConstraint(this);
  }

  /** Wall time of {@link #build}, in nanoseconds. */
  public long buildNanos() {
    return buildNanos;
  }

  /**
   * CPU time of the building thread during {@link #build}, in nanoseconds (the clock the time budget
   * is counted on; wall time where the JVM cannot read thread CPU time): what the build costs,
   * whatever else the machine runs.
   */
  public long buildCpuNanos() {
    return buildCpuNanos;
  }

  /** Kept DAG nodes (0 when not expressible). */
  public int nodeCount() {
    return nodes;
  }

  /** Kept DAG edges (one per node and output vector). */
  public int edgeCount() {
    return edges;
  }

  /** DAG nodes explored before pruning, a measure of the work and memory. */
  public int exploredNodeCount() {
    return exploredNodes;
  }

  /** Distinct output vectors of consistent-looking expressions. */
  public int vectorCount() {
    return vectorCount;
  }

  /** Nodes of the expression automaton (shared sub-automata counted once). */
  public int automatonSize() {
    return automaton == null ? 0 : automaton.size();
  }

  /** Number of examples. */
  public int examples() {
    return examples;
  }

  @Override
  public String toString() {
    if (inconsistent()) {
      return "VersionSpace[inconsistent: " + inconsistent + "]";
    }
    return "VersionSpace[expressible=" + expressible() + ", programs=" + programs + ", nodes=" + nodes
        + ", edges=" + edges + ", vectors=" + vectorCount + (cut() ? ", cut: " + cutReason : "") + "]";
  }

  // ------------------------------------------------------------------ package access for the constraint

  /** Expressions per output vector (every vector the automaton reaches), for tests. */
  Map<List<String>, Long> vectorCounts() {
    Map<List<String>, Long> out = new HashMap<>();
    if (root < 0) {
      return out;
    }
    int[] v = automaton.vectors(root);
    for (int j = 0; j < v.length; j++) {
      out.put(List.of(vectors.get(v[j])), automaton.counts(root)[j]);
    }
    return out;
  }

  Automaton automaton() {
    return automaton;
  }

  int root() {
    return root;
  }

  int end() {
    return end;
  }

  int[] outVectors(int node) {
    return outVec[node];
  }

  int[] outTargets(int node) {
    return outTarget[node];
  }

  int minTokensToEnd(int node) {
    return minTokensToEnd[node];
  }

  /** Mutable fields of a build in progress. */
  private static final class Builder {
    int examples;
    String inconsistent;
    String cut;
    long nanos;
    long cpuNanos;
    Automaton automaton;
    int root = -1;
    int vectorCount;
    List<String[]> vectors = List.of();
    int nodes;
    int end = -1;
    int[][] outVec = new int[0][];
    int[][] outTarget = new int[0][];
    int[] minTokensToEnd = new int[0];
    int[] minExprsToEnd = new int[0];
    int[] shortestTokens = new int[0];
    BigInteger programs = BigInteger.ZERO;
    long[] vecCount = new long[0];
    int[] vecMinTokens = new int[0];
    int edges;
    int explored;

    // explored DAG, between explore and finish
    private int n;
    private int[] outLen;
    private List<Long> keys;
    private List<int[]> edgeV;
    private List<int[]> edgeT;
    private int endId;

    /** Per vector: expressions and fewest tokens, read off the automaton's root. */
    void counts(int vn) {
      vecCount = new long[vn];
      vecMinTokens = new int[vn];
      int[] rv = automaton.vectors(root);
      for (int j = 0; j < rv.length; j++) {
        vecCount[rv[j]] = automaton.counts(root)[j];
        vecMinTokens[rv[j]] = automaton.minTokens(root)[j];
      }
    }

    /** Whether some live vector has no expression in the automaton (its build was cut). */
    boolean missing(boolean[] live) {
      for (int v = 0; v < live.length; v++) {
        if (live[v] && vecCount[v] == 0) {
          return true;
        }
      }
      return false;
    }

    /**
     * Explores the DAG forward from the start over the usable vectors; true when the end is reached (some
     * program exists). Leaves the explored graph for {@link #live} and {@link #finish}.
     */
    boolean explore(Enumeration en, List<String> outputs, long maxNodes, boolean[] usable) {
      n = en.n;
      int vn = usable.length;
      outLen = new int[n];
      long[] radix = new long[n];
      long r = 1;
      for (int e = 0; e < n; e++) {
        outLen[e] = outputs.get(e).length();
        radix[e] = r;
        r *= outLen[e] + 1;
      }
      int words = (vn + 63) >>> 6;
      // occ[e][p]: vectors whose part for example e starts at position p of that output
      long[][][] occ = new long[n][][];
      for (int e = 0; e < n; e++) {
        occ[e] = new long[outLen[e] + 1][words];
        String o = outputs.get(e);
        for (int v = 0; v < vn; v++) {
          if (!usable[v]) {
            continue; // registered before a cut but never placed, or no expression in the automaton
          }
          String part = en.vectors.get(v)[e];
          if (part.isEmpty()) {
            for (int p = 0; p <= outLen[e]; p++) {
              occ[e][p][v >>> 6] |= 1L << v;
            }
          } else {
            for (int p = o.indexOf(part); p >= 0; p = o.indexOf(part, p + 1)) {
              occ[e][p][v >>> 6] |= 1L << v;
            }
          }
        }
      }
      int[][] lens = new int[vn][n];
      for (int v = 0; v < vn; v++) {
        for (int e = 0; e < n; e++) {
          lens[v][e] = en.vectors.get(v)[e].length();
        }
      }
      // Forward: explore by increasing position sum (every edge strictly increases it).
      int maxSum = 0;
      for (int len : outLen) {
        maxSum += len;
      }
      List<List<Long>> buckets = new ArrayList<>(maxSum + 1);
      for (int s = 0; s <= maxSum; s++) {
        buckets.add(new ArrayList<>());
      }
      Map<Long, Integer> ids = new HashMap<>();
      keys = new ArrayList<>();
      edgeV = new ArrayList<>();
      edgeT = new ArrayList<>();
      ids.put(0L, 0);
      keys.add(0L);
      buckets.get(0).add(0L);
      long endKey = r - 1;
      int[] pos = new int[n];
      long[] and = new long[words];
      outer:
      for (int s = 0; s <= maxSum; s++) {
        for (long key : buckets.get(s)) {
          if (en.late()) {
            cut = en.lateReason("while building the DAG");
            break outer;
          }
          long rest = key;
          for (int e = 0; e < n; e++) {
            pos[e] = (int) (rest % (outLen[e] + 1));
            rest /= outLen[e] + 1;
          }
          Arrays.fill(and, -1L);
          for (int e = 0; e < n; e++) {
            long[] o = occ[e][pos[e]];
            for (int w = 0; w < words; w++) {
              and[w] &= o[w];
            }
          }
          int[] vs = new int[8];
          int[] ts = new int[8];
          int c = 0;
          for (int w = 0; w < words; w++) {
            for (long bits = and[w]; bits != 0; bits &= bits - 1) {
              int v = (w << 6) + Long.numberOfTrailingZeros(bits);
              long target = key;
              int sum = s;
              for (int e = 0; e < n; e++) {
                target += lens[v][e] * radix[e];
                sum += lens[v][e];
              }
              Integer t = ids.get(target);
              if (t == null) {
                if (keys.size() >= maxNodes) {
                  cut = "node budget (" + maxNodes + " DAG nodes) spent";
                  break outer;
                }
                t = keys.size();
                ids.put(target, t);
                keys.add(target);
                buckets.get(sum).add(target);
              }
              if (c == vs.length) {
                vs = Arrays.copyOf(vs, c * 2);
                ts = Arrays.copyOf(ts, c * 2);
              }
              vs[c] = v;
              ts[c++] = t;
            }
          }
          int id = ids.get(key);
          while (edgeV.size() <= id) {
            edgeV.add(null);
            edgeT.add(null);
          }
          edgeV.set(id, Arrays.copyOf(vs, c));
          edgeT.set(id, Arrays.copyOf(ts, c));
        }
      }
      explored = keys.size();
      Integer endAt = ids.get(endKey);
      endId = endAt == null ? -1 : endAt;
      return endAt != null;
    }

    /** Explored nodes by decreasing position sum: a reverse topological order (every edge increases it). */
    private Integer[] reverseOrder() {
      int all = keys.size();
      Integer[] order = new Integer[all];
      int[] sums = new int[all];
      for (int id = 0; id < all; id++) {
        order[id] = id;
        long rest = keys.get(id);
        for (int e = 0; e < n; e++) {
          sums[id] += (int) (rest % (outLen[e] + 1));
          rest /= outLen[e] + 1;
        }
      }
      Arrays.sort(order, (x, y) -> Integer.compare(sums[y], sums[x]));
      return order;
    }

    /** The vectors on some start-to-end path of the explored DAG. */
    boolean[] live(int vn) {
      boolean[] reach = new boolean[keys.size()];
      reach[endId] = true;
      boolean[] live = new boolean[vn];
      for (int id : reverseOrder()) {
        if (id == endId || id >= edgeV.size() || edgeV.get(id) == null) {
          continue;
        }
        int[] vs = edgeV.get(id);
        int[] ts = edgeT.get(id);
        for (int j = 0; j < vs.length; j++) {
          if (reach[ts[j]]) {
            reach[id] = true;
            live[vs[j]] = true;
          }
        }
      }
      return live;
    }

    /** The backward pass over the explored DAG: kept nodes, shortest paths and program counts. */
    void finish() {
      int all = keys.size();
      Integer[] order = reverseOrder();
      int[] minE = new int[all];
      int[] minT = new int[all];
      int[] lexT = new int[all];
      BigInteger[] ways = new BigInteger[all];
      Arrays.fill(minE, Integer.MAX_VALUE);
      Arrays.fill(minT, Integer.MAX_VALUE);
      minE[endId] = 0;
      minT[endId] = 0;
      ways[endId] = BigInteger.ONE;
      for (int id : order) {
        if (id == endId || id >= edgeV.size() || edgeV.get(id) == null) {
          continue;
        }
        int[] vs = edgeV.get(id);
        int[] ts = edgeT.get(id);
        BigInteger w = BigInteger.ZERO;
        for (int j = 0; j < vs.length; j++) {
          int t = ts[j];
          if (minE[t] == Integer.MAX_VALUE) {
            continue;
          }
          if (minE[t] + 1 < minE[id] || (minE[t] + 1 == minE[id] && lexT[t] + vecMinTokens[vs[j]] < lexT[id])) {
            minE[id] = minE[t] + 1;
            lexT[id] = lexT[t] + vecMinTokens[vs[j]];
          }
          minT[id] = Math.min(minT[id], minT[t] + vecMinTokens[vs[j]]);
          w = w.add(ways[t].multiply(BigInteger.valueOf(vecCount[vs[j]])));
        }
        ways[id] = w;
      }
      if (minE[0] == Integer.MAX_VALUE) {
        return;
      }
      // Keep the nodes on a start-to-end path (all explored nodes are reachable from the start).
      int[] newId = new int[all];
      Arrays.fill(newId, -1);
      int kept = 0;
      for (int id = 0; id < all; id++) {
        if (minE[id] != Integer.MAX_VALUE) {
          newId[id] = kept++;
        }
      }
      nodes = kept;
      end = newId[endId];
      outVec = new int[kept][];
      outTarget = new int[kept][];
      minTokensToEnd = new int[kept];
      minExprsToEnd = new int[kept];
      shortestTokens = new int[kept];
      for (int id = 0; id < all; id++) {
        int k = newId[id];
        if (k < 0) {
          continue;
        }
        minTokensToEnd[k] = minT[id];
        minExprsToEnd[k] = minE[id];
        shortestTokens[k] = lexT[id];
        int[] vs = id < edgeV.size() && edgeV.get(id) != null ? edgeV.get(id) : new int[0];
        int[] ts = id < edgeT.size() && edgeT.get(id) != null ? edgeT.get(id) : new int[0];
        int c = 0;
        int[] v2 = new int[vs.length];
        int[] t2 = new int[vs.length];
        for (int j = 0; j < vs.length; j++) {
          if (newId[ts[j]] >= 0) {
            v2[c] = vs[j]; // vs is ascending: bits were read in order
            t2[c++] = newId[ts[j]];
          }
        }
        outVec[k] = Arrays.copyOf(v2, c);
        outTarget[k] = Arrays.copyOf(t2, c);
        edges += c;
      }
      programs = ways[0];
    }
  }
}
