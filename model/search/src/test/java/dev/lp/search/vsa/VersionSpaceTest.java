package dev.lp.search.vsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Boundary;
import dev.lp.dsl.Compose;
import dev.lp.dsl.ConstStr;
import dev.lp.dsl.Expr;
import dev.lp.dsl.GetSpan;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Regex;
import dev.lp.dsl.SubStr;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Type;
import dev.lp.search.TokenConstraint;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VersionSpaceTest {

  /** Generous: these tests check answers, not speed (the machine may be shared and cold). */
  static final VersionSpace.Budget GENEROUS = VersionSpace.Budget.DEFAULT.withTime(Duration.ofSeconds(60));

  private static VersionSpace build(List<String> in, List<String> out) {
    return VersionSpace.build(in, out, GENEROUS);
  }

  /**
   * Every expression of the {@link Universe} for these inputs, evaluated directly with Expr.apply: the
   * brute force the version space must agree with. Compose's inners are grouped by output vector
   * (an outer sees only its inner's output), which is semantics, not the version space's algebra.
   */
  static Map<List<String>, Long> bruteForce(List<String> in, List<String> out) {
    Universe u = new Universe(in);
    List<Expr> atoms = new ArrayList<>();
    List<Expr> basic = u.basicNesting();
    atoms.addAll(basic);
    atoms.addAll(Universe.laterNesting());
    int m = Math.min(100, u.minLength);
    for (int k1 = 1 - m; k1 <= m; k1++) {
      for (int k2 = 1 - m; k2 <= m; k2++) {
        atoms.add(new SubStr(k1, k2));
      }
    }
    List<Object[]> ends = new ArrayList<>();
    for (Regex r : u.regexes) {
      for (int i : Universe.INDICES) {
        for (Boundary b : Boundary.values()) {
          ends.add(new Object[] {r, i, b});
        }
      }
    }
    for (Object[] s : ends) {
      for (Object[] e : ends) {
        atoms.add(new GetSpan((Regex) s[0], (int) s[1], (Boundary) s[2], (Regex) e[0], (int) e[1], (Boundary) e[2]));
      }
    }
    Map<List<String>, Long> counts = new HashMap<>();
    Map<List<String>, Long> innerCounts = new HashMap<>();
    Map<List<String>, Boolean> basicMade = new HashMap<>();
    for (Expr x : atoms) {
      List<String> v = eval(x, in);
      count(counts, v, out, 1);
      boolean inner = !(x instanceof dev.lp.dsl.Substitute || x instanceof dev.lp.dsl.SubstituteAll);
      if (inner && v.stream().noneMatch(String::isEmpty)) {
        innerCounts.merge(v, 1L, Long::sum);
        if (basic.contains(x)) {
          basicMade.put(v, true);
        }
      }
    }
    for (char c : Alphabet.CHARACTERS.toCharArray()) {
      count(counts, eval(new ConstStr(c), in), out, 1);
    }
    List<Expr> outers = new ArrayList<>(basic);
    outers.addAll(Universe.laterNesting());
    for (Map.Entry<List<String>, Long> inner : innerCounts.entrySet()) {
      for (Expr o : outers) {
        boolean later = !basic.contains(o);
        if (later && !basicMade.containsKey(inner.getKey())) {
          continue; // documented bound: later ops compose only over basic-nesting outputs
        }
        List<String> v = new ArrayList<>();
        for (String s : inner.getKey()) {
          v.add(o.apply(s));
        }
        count(counts, v, out, inner.getValue());
      }
    }
    return counts;
  }

  private static List<String> eval(Expr x, List<String> in) {
    List<String> v = new ArrayList<>();
    for (String s : in) {
      v.add(x.apply(s));
    }
    return v;
  }

  private static void count(Map<List<String>, Long> counts, List<String> v, List<String> out, long k) {
    for (int e = 0; e < v.size(); e++) {
      if (v.get(e).isEmpty() || !out.get(e).contains(v.get(e))) {
        return;
      }
    }
    counts.merge(v, k, Long::sum);
  }

  /** Programs by brute force: concatenations of brute-force vectors that spell the outputs exactly. */
  static BigInteger bruteForcePrograms(Map<List<String>, Long> vectors, List<String> out) {
    Map<List<Integer>, BigInteger> memo = new HashMap<>();
    List<Integer> start = new ArrayList<>();
    for (int e = 0; e < out.size(); e++) {
      start.add(0);
    }
    return ways(start, vectors, out, memo);
  }

  private static BigInteger ways(List<Integer> pos, Map<List<String>, Long> vectors, List<String> out,
      Map<List<Integer>, BigInteger> memo) {
    boolean done = true;
    for (int e = 0; e < out.size(); e++) {
      done &= pos.get(e) == out.get(e).length();
    }
    if (done) {
      return BigInteger.ONE;
    }
    BigInteger known = memo.get(pos);
    if (known != null) {
      return known;
    }
    BigInteger w = BigInteger.ZERO;
    for (Map.Entry<List<String>, Long> v : vectors.entrySet()) {
      List<Integer> next = new ArrayList<>();
      boolean fits = true;
      for (int e = 0; e < out.size() && fits; e++) {
        fits = out.get(e).startsWith(v.getKey().get(e), pos.get(e));
        next.add(pos.get(e) + v.getKey().get(e).length());
      }
      if (fits) {
        w = w.add(BigInteger.valueOf(v.getValue()).multiply(ways(next, vectors, out, memo)));
      }
    }
    memo.put(pos, w);
    return w;
  }

  private static void assertAgreesWithBruteForce(List<String> in, List<String> out) {
    // the full automaton holds every vector; the served build keeps only those some program uses
    VersionSpace full = VersionSpace.build(in, out, GENEROUS, () -> false, true);
    VersionSpace vs = build(in, out);
    assertFalse(full.cut());
    assertFalse(vs.cut());
    Map<List<String>, Long> brute = bruteForce(in, out);
    assertEquals(brute, full.vectorCounts(), "expressions per output vector for " + in + " -> " + out);
    BigInteger programs = bruteForcePrograms(brute, out);
    assertEquals(programs, full.programCount(), "programs for " + in + " -> " + out);
    assertEquals(programs, vs.programCount(), "programs (live vectors only) for " + in + " -> " + out);
    assertEquals(full.shortest(), vs.shortest(), "shortest program for " + in + " -> " + out);
    assertEquals(full.nodeCount(), vs.nodeCount());
    assertEquals(full.edgeCount(), vs.edgeCount());
    for (Map.Entry<List<String>, Long> e : vs.vectorCounts().entrySet()) {
      assertEquals(brute.get(e.getKey()), e.getValue(), "expressions of live vector " + e.getKey());
    }
  }

  @Test
  void agreesWithBruteForceOnTinyTasks() {
    assertAgreesWithBruteForce(List.of("ab 12"), List.of("12"));
    assertAgreesWithBruteForce(List.of("Ab,c"), List.of("AB,C"));
    assertAgreesWithBruteForce(List.of("xY 7"), List.of("7-xy"));
    assertAgreesWithBruteForce(List.of("a.bC", "dd.E"), List.of("bc", "e"));
    assertAgreesWithBruteForce(List.of("Hi 42", "Yo 7"), List.of("42!", "7!"));
  }

  @Test
  void scanFindsTheMatchesGetTokenReturns() {
    for (String s : List.of("ab 12 cd 345 ef", "DEf.Gh  ij,KLm", "x", "", "9a9A,,Bc")) {
      for (Type t : Type.values()) {
        long[] m = Scan.matches(Regex.of(t), s);
        for (int k = 0; k < 5; k++) {
          String want = new GetToken(t, k + 1).apply(s);
          String got = k < m.length ? s.substring((int) (m[k] >>> 32), (int) m[k]) : "";
          assertEquals(want, got, t + " match " + k + " of \"" + s + "\"");
        }
      }
    }
  }

  @Test
  void shortestIsAConsistentProgramWithTheFewestExpressions() {
    List<String> in = List.of("ab 12 cd", "x 3 yz");
    List<String> out = List.of("12.ab", "3.x");
    VersionSpace vs = build(in, out);
    Program p = vs.shortest().orElseThrow();
    // Compose(Replace(' ', '.'), <span "12 " / "3 ">) | <first word>: the number and dot come as one piece
    assertEquals(2, p.size(), p.toString());
    for (int e = 0; e < in.size(); e++) {
      assertEquals(out.get(e), p.apply(in.get(e)));
    }
    assertTrue(vs.expressibleWithin(2));
    assertFalse(vs.expressibleWithin(1));
    VersionSpaceSampledTest.assertAdmits(vs, Program.of(new GetToken(Type.NUMBER, 1), new ConstStr('.'),
        new GetToken(Type.WORD, 1)), "number dot word");
  }

  @Test
  void composeOverASubstringIsInTheSpace() {
    List<String> in = List.of("abc def", "ghi jkl");
    Program p = Program.of(new Compose(new dev.lp.dsl.ToCase(dev.lp.dsl.Case.ALL_CAPS), new SubStr(2, 3)));
    List<String> out = List.of(p.apply(in.get(0)), p.apply(in.get(1)));
    VersionSpaceSampledTest.assertAdmits(build(in, out), p, "compose");
  }

  @Test
  void tokenBudgetIsRespected() {
    List<String> in = List.of("ab 12 cd", "x 3 yz");
    List<String> out = List.of("12.ab", "3.x");
    VersionSpace vs = build(in, out);
    TokenConstraint c = vs.constraint();
    boolean[] allowed = new boolean[Tokens.VOCAB];
    int fewest = vs.minTokensToEnd(0) + 1; // fewest tokens of any program, EOS included
    c.allowed(c.start(), fewest - 1, allowed);
    for (boolean a : allowed) {
      assertFalse(a, "a budget below the shortest program allows nothing");
    }
    c.allowed(c.start(), fewest, allowed);
    assertEquals(7, fewest);
    assertTrue(allowed[Tokens.GET_ALL], "GetAll(NUMBER) | ConstStr('.') | GetUpto(WORD) | EOS is 7 tokens");
    assertFalse(allowed[Tokens.GET_TOKEN], "GetToken(NUMBER, 1) is one token longer than GetAll(NUMBER)");
    assertFalse(allowed[Tokens.COMPOSE], "any program starting with Compose is longer");
    assertFalse(allowed[Tokens.EOS]);
    c.allowed(c.start(), fewest + 1, allowed);
    assertTrue(allowed[Tokens.GET_TOKEN]);
  }

  @Test
  void unexpressibleTaskStartsInADeadState() {
    VersionSpace vs = build(List.of("abc"), List.of("\u00e9"));
    assertFalse(vs.expressible());
    assertEquals(BigInteger.ZERO, vs.programCount());
    assertTrue(vs.shortest().isEmpty());
    TokenConstraint c = vs.constraint();
    boolean[] allowed = new boolean[Tokens.VOCAB];
    c.allowed(c.start(), 50, allowed);
    for (boolean a : allowed) {
      assertFalse(a);
    }
    assertThrows(IllegalArgumentException.class, () -> c.advance(c.start(), Tokens.CONST_STR));
  }

  @Test
  void advanceRejectsATokenNoProgramTakes() {
    VersionSpace vs = build(List.of("ab 12"), List.of("12"));
    TokenConstraint c = vs.constraint();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.advance(c.start(), Tokens.EOS));
    assertTrue(e.getMessage().contains("EOS"), e.getMessage());
  }

  @Test
  void contradictingExamplesAreInconsistent() {
    VersionSpace vs = build(List.of("ab", "ab"), List.of("a", "b"));
    assertTrue(vs.inconsistent());
    assertTrue(vs.inconsistency().orElseThrow().contains("\"ab\""));
    assertFalse(vs.expressible());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> VersionSpace.build(null, List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> VersionSpace.build(List.of("a"), List.of("a", "b")));
    assertThrows(IllegalArgumentException.class, () -> VersionSpace.build(List.of(), List.of()));
    assertThrows(IllegalArgumentException.class, () -> VersionSpace.build(List.of("a"), List.of("")));
    assertThrows(IllegalArgumentException.class,
        () -> VersionSpace.build(List.of("a"), List.of("a"), null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VersionSpace.Budget(Duration.ZERO, 1, 1));
    assertTrue(e.getMessage().contains("time"));
    assertThrows(IllegalArgumentException.class, () -> new VersionSpace.Budget(Duration.ofSeconds(1), 0, 1));
  }

  // Long outputs of repeated characters: the DAG explodes (position tuples fill the product space).
  private static final String AS = "aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa";
  private static final List<String> PATHOLOGICAL_INPUTS =
      List.of(AS, AS.substring(5), AS.substring(11), AS.substring(20));
  private static final List<String> PATHOLOGICAL_OUTPUTS = List.of("a".repeat(100), "a".repeat(97), "a".repeat(93),
      "a".repeat(60));

  /** Long outputs of repeated characters: the DAG explodes; the build stops at the budget and says so. */
  @Test
  void pathologicalTaskIsCutWithinTheBudget() {
    List<String> ins = PATHOLOGICAL_INPUTS;
    List<String> outs = PATHOLOGICAL_OUTPUTS;
    Duration limit = Duration.ofMillis(300);
    long t0 = System.nanoTime();
    VersionSpace vs = VersionSpace.build(ins, outs, VersionSpace.Budget.DEFAULT.withTime(limit));
    long took = System.nanoTime() - t0;
    assertTrue(vs.cut(), vs.toString());
    assertTrue(vs.cutReason().orElseThrow().contains("budget"));
    assertTrue(took < limit.toNanos() * 4 + 2_000_000_000L, "took " + took / 1_000_000 + " ms");
    assertTrue(Arrays.asList(vs.toString().split(",")).stream().anyMatch(s -> s.contains("cut")));
  }

  /**
   * A build whose request has ended stops at its next budget check, whatever time is left: it is cut,
   * says it was cancelled, and admits nothing (nobody will decode in it).
   */
  @Test
  void cancelledBuildStopsAndSaysSo() {
    List<String> ins = PATHOLOGICAL_INPUTS;
    List<String> outs = PATHOLOGICAL_OUTPUTS;
    java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
    // cancelled after a few checks: mid-enumeration, with a time budget that alone would run for a minute
    VersionSpace vs = VersionSpace.build(ins, outs, VersionSpace.Budget.DEFAULT.withTime(Duration.ofSeconds(60)),
        () -> checks.incrementAndGet() > 5);
    assertTrue(vs.cut(), vs.toString());
    assertTrue(vs.cutReason().orElseThrow().startsWith("cancelled"), vs.cutReason().orElseThrow());
    assertFalse(vs.expressible());
    assertTrue(checks.get() < 50, "checked " + checks.get() + " times after cancelling");

    VersionSpace before = VersionSpace.build(List.of("Paris (France)"), List.of("France"), VersionSpace.Budget.DEFAULT,
        () -> true);
    assertTrue(before.cut() && !before.expressible(), before.toString());
    VersionSpace never = VersionSpace.build(List.of("Paris (France)"), List.of("France"), VersionSpace.Budget.DEFAULT,
        () -> false);
    assertFalse(never.cut(), never.toString());
    assertTrue(never.expressible());
  }
}
