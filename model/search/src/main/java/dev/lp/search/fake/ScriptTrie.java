package dev.lp.search.fake;

import dev.lp.search.BeamSearch;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A next-token distribution that gives each scripted sequence (ending in EOS) an exact total
 * probability: a node's conditional probability of child t is mass(child) / mass(node), so the
 * product along a path telescopes to the leaf's mass. Internal nodes keep a share {@link #ETA} of
 * their mass for the unscripted tokens, so every token has a finite log-probability.
 */
final class ScriptTrie {

  /** Fraction of an internal node's mass, relative to its children's, left to unscripted tokens. */
  static final double ETA = 1e-4;

  private static final class Node {
    final TreeMap<Integer, Node> children = new TreeMap<>();
    double mass;
  }

  private final Node root;
  private final int vocab;
  private final int eos;

  private ScriptTrie(Node root, int vocab, int eos) {
    this.root = root;
    this.vocab = vocab;
    this.eos = eos;
  }

  /**
   * A trie whose sequence j has probability exp(scores[j] · lengthPenalty(len_j, alpha)), i.e.
   * length-normalised score {@code scores[j]}.
   *
   * @throws IllegalArgumentException if these probabilities do not fit in one distribution
   */
  static ScriptTrie of(List<int[]> sequences, double[] scores, double alpha, int vocab, int eos, String what) {
    Node root = build(sequences, scores, alpha);
    double sum = childSum(root);
    if (sum > 1.0 / (1.0 + ETA)) {
      throw new IllegalArgumentException(what + ": scripted scores " + Arrays.toString(scores)
          + " need total probability " + sum + " > 1; lower them");
    }
    root.mass = 1.0;
    return new ScriptTrie(root, vocab, eos);
  }

  /**
   * The base for scores {@code base - gap·rank[j]}, chosen so that the fullest group's scripted
   * sequences take all but {@link #ETA} of the probability: rank order becomes score order and no
   * group leaves much mass to unscripted tokens.
   */
  static double autoBase(List<List<int[]>> groups, List<int[]> ranks, double gap, double alpha) {
    double lo = -60;
    double hi = 0;
    for (int it = 0; it < 200; it++) {
      double mid = (lo + hi) / 2;
      if (maxRootSum(groups, ranks, mid, gap, alpha) > 1.0 / (1.0 + ETA)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return lo;
  }

  private static double maxRootSum(List<List<int[]>> groups, List<int[]> ranks, double base, double gap,
      double alpha) {
    double max = 0;
    for (int g = 0; g < groups.size(); g++) {
      int[] rank = ranks.get(g);
      double[] scores = new double[rank.length];
      for (int j = 0; j < rank.length; j++) {
        scores[j] = base - gap * rank[j];
      }
      max = Math.max(max, childSum(build(groups.get(g), scores, alpha)));
    }
    return max;
  }

  private static Node build(List<int[]> sequences, double[] scores, double alpha) {
    Node root = new Node();
    for (int j = 0; j < sequences.size(); j++) {
      int[] seq = sequences.get(j);
      Node n = root;
      for (int t : seq) {
        n = n.children.computeIfAbsent(t, x -> new Node());
      }
      n.mass = Math.exp(scores[j] * BeamSearch.lengthPenalty(seq.length, alpha));
    }
    fill(root);
    return root;
  }

  private static double fill(Node n) {
    if (n.children.isEmpty()) {
      return n.mass;
    }
    n.mass = (1.0 + ETA) * childSum(n);
    return n.mass;
  }

  private static double childSum(Node n) {
    double s = 0;
    for (Node c : n.children.values()) {
      s += c.children.isEmpty() ? c.mass : fill(c);
    }
    return s;
  }

  /** Log-probabilities of the next token after {@code prefix} (generated ids, no BOS). */
  float[] logProbs(int[] prefix, int length) {
    Node n = root;
    for (int i = 0; i < length && n != null; i++) {
      n = n.children.get(prefix[i]);
    }
    return n == null ? offScript(vocab, eos) : at(n);
  }

  private float[] at(Node n) {
    float[] out = new float[vocab];
    double scripted = 0;
    for (Node c : n.children.values()) {
      scripted += c.mass;
    }
    int others = vocab - n.children.size();
    double reserve = Math.max(0, n.mass - scripted);
    float other = others == 0 || reserve <= 0
        ? Float.NEGATIVE_INFINITY : (float) Math.log(reserve / n.mass / others);
    Arrays.fill(out, other);
    for (var e : n.children.entrySet()) {
      out[e.getKey()] = (float) Math.log(e.getValue().mass / n.mass);
    }
    return out;
  }

  /** Off the script: EOS half the mass, the rest uniform, so stray beams end quickly. */
  static float[] offScript(int vocab, int eos) {
    float[] out = new float[vocab];
    Arrays.fill(out, (float) Math.log(0.5 / (vocab - 1)));
    out[eos] = (float) Math.log(0.5);
    return out;
  }
}
