package dev.lp.search.vsa;

import dev.lp.dsl.Tokens;
import dev.lp.search.TokenConstraint;
import java.util.Arrays;

/**
 * {@link TokenConstraint} of one task's {@link VersionSpace}: a hypothesis may only grow into a program
 * of the space (so every program it lets reach EOS maps each input to its output) that ends within the
 * token budget.
 *
 * <p>Unlike the stateless {@link TokenConstraint#programGrammar()}, this constraint is per task: it is
 * built for one task and refers to that task's tables. It is read-only after construction, hence
 * thread-safe: any number of beams may share it.
 *
 * <p>State: the DAG node reached by the expressions completed so far (high 32 bits) and the node of the
 * expression automaton reached by the current expression's tokens (low 32 bits; the automaton root
 * between expressions). The automaton is shared by all DAG nodes; at a DAG node only the automaton
 * paths to vectors leaving that node count, which is the per-node trie over that node's expressions
 * without storing one trie per node. A token is allowed when some such path through it can still be
 * completed, then the shortest continuation from the vector's target node to the end, then EOS, within
 * the budget. EOS is allowed only between expressions at the end node (every output complete); after
 * EOS only PAD. A space that is not expressible starts in a state that allows nothing.
 */
final class VersionSpaceConstraint implements TokenConstraint {
  private final VersionSpace vs;
  private final Automaton aut;
  private final int root;
  private final int nodes;
  private final long finished;
  private final long dead;
  /** rootCost[node][j]: fewest tokens to the end (EOS excluded) starting with root child j, or MAX. */
  private final int[][] rootCost;
  private final int[] rootTokens;

  VersionSpaceConstraint(VersionSpace vs) {
    this.vs = vs;
    this.aut = vs.automaton();
    this.root = vs.root();
    this.nodes = vs.nodeCount();
    this.finished = state(nodes, 0);
    this.dead = state(nodes + 1, 0);
    this.rootTokens = nodes == 0 ? new int[0] : aut.tokens(root);
    this.rootCost = new int[nodes][];
    if (nodes > 0) {
      int[] kids = aut.children(root);
      for (int d = 0; d < nodes; d++) {
        int[] cost = new int[kids.length];
        Arrays.fill(cost, Integer.MAX_VALUE);
        int[] ov = vs.outVectors(d);
        int[] ot = vs.outTargets(d);
        for (int j = 0; j < kids.length; j++) {
          int[] cv = aut.vectors(kids[j]);
          int[] cl = aut.minTokens(kids[j]);
          for (int x = 0; x < ov.length; x++) {
            int at = Arrays.binarySearch(cv, ov[x]);
            if (at >= 0) {
              cost[j] = Math.min(cost[j], 1 + cl[at] + vs.minTokensToEnd(ot[x]));
            }
          }
        }
        rootCost[d] = cost;
      }
    }
  }

  private static long state(int dagNode, int autNode) {
    return ((long) dagNode << 32) | (autNode & 0xFFFF_FFFFL);
  }

  @Override
  public int vocab() {
    return Tokens.VOCAB;
  }

  @Override
  public long start() {
    return nodes == 0 ? dead : state(0, root);
  }

  @Override
  public void allowed(long state, int budget, boolean[] allowed) {
    if (allowed == null || allowed.length != Tokens.VOCAB) {
      throw new IllegalArgumentException("allowed must have length " + Tokens.VOCAB + ", got "
          + (allowed == null ? "null" : allowed.length));
    }
    Arrays.fill(allowed, false);
    if (state == finished) {
      allowed[Tokens.PAD] = true;
      return;
    }
    int d = dagNode(state);
    if (d == nodes + 1) {
      return;
    }
    int a = (int) state;
    if (a == root) {
      if (d == vs.end()) {
        allowed[Tokens.EOS] = budget >= 1;
        return;
      }
      int[] cost = rootCost[d];
      for (int j = 0; j < cost.length; j++) {
        allowed[rootTokens[j]] = cost[j] != Integer.MAX_VALUE && cost[j] + 1 <= budget;
      }
      return;
    }
    int[] toks = aut.tokens(a);
    int[] kids = aut.children(a);
    for (int j = 0; j < kids.length; j++) {
      int fewest = fewestToEnd(d, kids[j], budget - 2);
      allowed[toks[j]] = fewest != Integer.MAX_VALUE && fewest + 2 <= budget;
    }
  }

  /**
   * Fewest tokens from automaton node c (excluded) through the end of the program (EOS excluded) at DAG
   * node d, stopping early once a value <= enough is found; MAX_VALUE when none.
   */
  private int fewestToEnd(int d, int c, int enough) {
    int[] cv = aut.vectors(c);
    int[] cl = aut.minTokens(c);
    int[] ov = vs.outVectors(d);
    int[] ot = vs.outTargets(d);
    int best = Integer.MAX_VALUE;
    if (ov.length <= cv.length) {
      for (int x = 0; x < ov.length; x++) {
        int at = Arrays.binarySearch(cv, ov[x]);
        if (at >= 0) {
          best = Math.min(best, cl[at] + vs.minTokensToEnd(ot[x]));
          if (best <= enough) {
            return best;
          }
        }
      }
    } else {
      for (int y = 0; y < cv.length; y++) {
        int at = Arrays.binarySearch(ov, cv[y]);
        if (at >= 0) {
          best = Math.min(best, cl[y] + vs.minTokensToEnd(ot[at]));
          if (best <= enough) {
            return best;
          }
        }
      }
    }
    return best;
  }

  @Override
  public long advance(long state, int token) {
    if (token < 0 || token >= Tokens.VOCAB) {
      throw new IllegalArgumentException("token id " + token + " is outside 0.." + (Tokens.VOCAB - 1));
    }
    if (state == finished) {
      if (token != Tokens.PAD) {
        throw new IllegalArgumentException("token " + Tokens.name(token) + " after EOS: only PAD may follow");
      }
      return finished;
    }
    int d = dagNode(state);
    if (d == nodes + 1) {
      throw new IllegalArgumentException("token " + Tokens.name(token) + ": the version space has no program");
    }
    int a = (int) state;
    if (a == root && d == vs.end()) {
      if (token != Tokens.EOS) {
        throw new IllegalArgumentException("token " + Tokens.name(token)
            + ": the outputs are complete, only EOS may follow");
      }
      return finished;
    }
    int c = aut.child(a, token);
    if (c < 0 || fewestToEnd(d, c, -1) == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("token " + Tokens.name(token) + " (id " + token
          + ") does not continue any program of the version space here");
    }
    if (aut.isLeaf(c)) {
      int v = aut.leafVector(c);
      int at = Arrays.binarySearch(vs.outVectors(d), v);
      return state(vs.outTargets(d)[at], root);
    }
    return state(d, c);
  }

  private int dagNode(long state) {
    int d = (int) (state >>> 32);
    if (d < 0 || d > nodes + 1) {
      throw new IllegalArgumentException("state " + state + " is not a state of this constraint");
    }
    return d;
  }

  @Override
  public String toString() {
    return "version-space-constraint[" + nodes + " nodes]";
  }
}
