package dev.lp.search;

import dev.lp.dsl.DslException;
import dev.lp.dsl.Expr;
import dev.lp.dsl.TokenGrammar;
import dev.lp.dsl.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Execution guidance as a {@link TokenConstraint}: the DSL grammar, plus the check that every
 * complete expression keeps the program's output so far a prefix of every example's output.
 *
 * <p>Why it is sound: a program is Concat(e1, …, en) and every expression reads only the input,
 * so expression k writes the same text wherever it stands. If e1…ek's output on some example is
 * not a prefix of that example's output, no continuation can repair it. The check runs one token
 * ahead: a token that would complete an expression is allowed only if the expression's output on
 * every example continues that example's output at the position reached so far, and is non-empty
 * on at least one example (an expression empty everywhere changes nothing, so dropping it keeps
 * every consistent program consistent). EOS is allowed only where every output is complete, so
 * every hypothesis that ends in EOS reproduces every example.
 *
 * <p>Equivalent hypotheses: two prefixes at the same output positions in the middle of the same
 * expression tokens (or both between expressions) have exactly the same consistent completions;
 * {@link #equivalenceKey} gives them the same key, and {@link BeamSearch} keeps the better-scoring
 * one so the other's slot goes to a different candidate. Complete outputs are exempt: two
 * programs that both already reproduce every example are two answers, not one.
 *
 * <p>Per task and per beam: a state is an index into this object's own table of prefixes (output
 * positions and the tokens of the unfinished expression), which grows as the beam advances. One
 * owner at a time, like the {@link BeamSearch} that holds it; make one per beam with {@link
 * Guidance#constraint}.
 */
public final class PrefixGuidance implements TokenConstraint {

  /** One prefix: grammar state, output position per example, tokens of the unfinished expression. */
  private record Node(long grammar, int[] positions, int[] partial) {}

  private final List<String> inputs;
  private final List<String> outputs;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Long> keys = new HashMap<>();
  private final boolean[] grammarAllowed = new boolean[Tokens.VOCAB];
  // firstStep: a hypothesis ends after its first complete expression.
  private final boolean firstStep;
  private long pruned;
  private long executions;

  /**
   * Guidance for one task.
   *
   * @throws IllegalArgumentException for malformed examples ({@link Consistency#checkExamples})
   */
  public PrefixGuidance(List<String> inputs, List<String> outputs) {
    this(inputs, outputs, false);
  }

  private PrefixGuidance(List<String> inputs, List<String> outputs, boolean firstStep) {
    Consistency.checkExamples(inputs, outputs);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.firstStep = firstStep;
    nodes.add(new Node(TokenGrammar.start(), new int[inputs.size()], new int[0]));
  }

  /**
   * One step of step-wise search ({@link Guidance#STEPWISE}): the same check on the first
   * expression, and a hypothesis {@linkplain #endsHere ends} as soon as that expression is complete
   * (its output a prefix of every example's output, non-empty on one), so the beam returns
   * candidate first expressions, each ranked by its own tokens.
   *
   * @throws IllegalArgumentException for malformed examples ({@link Consistency#checkExamples})
   */
  public static PrefixGuidance firstStep(List<String> inputs, List<String> outputs) {
    return new PrefixGuidance(inputs, outputs, true);
  }

  @Override
  public int vocab() {
    return Tokens.VOCAB;
  }

  @Override
  public long start() {
    return 0L;
  }

  @Override
  public long advance(long state, int token) {
    Node n = node(state);
    long g = TokenGrammar.advance(n.grammar, token);
    int[] partial;
    int[] positions = n.positions;
    if (token == Tokens.EOS) {
      if (!complete(n)) {
        throw new IllegalArgumentException("EOS before every output is complete: " + describe(state));
      }
      partial = new int[0];
    } else {
      partial = Arrays.copyOf(n.partial, n.partial.length + 1);
      partial[partial.length - 1] = token;
      if (TokenGrammar.accepting(g)) {
        positions = extend(n.positions, partial);
        if (positions == null) {
          throw new IllegalArgumentException("token " + Tokens.name(token) + " completes an expression whose"
              + " output does not continue every example's output: " + describe(state));
        }
        partial = new int[0];
      }
    }
    nodes.add(new Node(g, positions, partial));
    return nodes.size() - 1;
  }

  @Override
  public void allowed(long state, int budget, boolean[] allowed) {
    Node n = node(state);
    TokenGrammar.allowed(n.grammar, budget, grammarAllowed);
    boolean atBoundary = n.partial.length == 0;
    boolean done = complete(n);
    for (int id = 0; id < Tokens.VOCAB; id++) {
      boolean ok = grammarAllowed[id];
      if (!ok || id == Tokens.PAD) {
        allowed[id] = ok;
        continue;
      }
      if (id == Tokens.EOS) {
        ok = atBoundary && done;
      } else if (done && atBoundary) {
        ok = false; // every output is complete: only EOS can follow
      } else if (TokenGrammar.accepting(TokenGrammar.advance(n.grammar, id))) {
        int[] partial = Arrays.copyOf(n.partial, n.partial.length + 1);
        partial[partial.length - 1] = id;
        ok = extend(n.positions, partial) != null;
        if (!ok) {
          pruned++;
        }
      }
      allowed[id] = ok;
    }
  }

  @Override
  public long equivalenceKey(long state) {
    Node n = node(state);
    if (n.partial.length == 0 && complete(n)) {
      // Finished programs with the same outputs are distinct answers (max_programs, hidden
      // examples): keep them all; only EOS can follow either.
      return NO_KEY;
    }
    String key = Arrays.toString(n.positions) + Arrays.toString(n.partial);
    return keys.computeIfAbsent(key, k -> (long) keys.size());
  }

  @Override
  public boolean endsHere(long state) {
    Node n = node(state);
    return firstStep && state != start() && n.partial.length == 0;
  }

  /** Expression completions refused so far because their output broke an example's output. */
  public long pruned() {
    return pruned;
  }

  /** Expressions executed so far (each on every example), for measuring guidance's cost. */
  public long executions() {
    return executions;
  }

  /** The output positions reached by a state's complete expressions, one per example. */
  public int[] positions(long state) {
    return node(state).positions.clone();
  }

  /** Whether a state's complete expressions already produce every example's whole output. */
  public boolean complete(long state) {
    return complete(node(state));
  }

  @Override
  public String toString() {
    return (firstStep ? "first-step-guidance(" : "prefix-guidance(") + inputs.size() + " examples)";
  }

  private boolean complete(Node n) {
    for (int i = 0; i < outputs.size(); i++) {
      if (n.positions[i] != outputs.get(i).length()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The positions after the complete expression {@code exprTokens}, or null when its output does
   * not continue some example's output at {@code positions} or is empty on every example.
   */
  private int[] extend(int[] positions, int[] exprTokens) {
    Expr e;
    try {
      int[] ids = Arrays.copyOf(exprTokens, exprTokens.length + 1);
      ids[exprTokens.length] = Tokens.EOS;
      e = Tokens.decode(ids).expressions().get(0);
    } catch (DslException bad) {
      throw new IllegalStateException("the grammar accepted tokens that do not decode: " + bad.getMessage(), bad);
    }
    executions++;
    int[] next = new int[positions.length];
    boolean grew = false;
    for (int i = 0; i < positions.length; i++) {
      String out = e.apply(inputs.get(i));
      if (!outputs.get(i).startsWith(out, positions[i])) {
        return null;
      }
      next[i] = positions[i] + out.length();
      grew |= !out.isEmpty();
    }
    return grew ? next : null;
  }

  private Node node(long state) {
    if (state < 0 || state >= nodes.size()) {
      throw new IllegalArgumentException("state " + state + " was not made by this guidance (" + nodes.size()
          + " states so far)");
    }
    return nodes.get((int) state);
  }

  private String describe(long state) {
    Node n = node(state);
    return "positions " + Arrays.toString(n.positions) + " of output lengths "
        + outputs.stream().map(String::length).toList();
  }
}
