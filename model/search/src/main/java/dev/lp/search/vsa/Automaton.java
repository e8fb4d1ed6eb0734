package dev.lp.search.vsa;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hash-consed acyclic token automaton whose accepting nodes are leaves labelled with an output-vector
 * id: the set of expressions of a version space, each expression's token sequence leading to the leaf
 * of the output vector it produces. Expressions are prefix-free (prefix encoding), so a node is either
 * a leaf or has children. Identical sub-automata are stored once (e.g. the inner-expression automaton
 * under every outer op that leaves its inner output unchanged), which keeps products such as
 * Compose(any of 150 identity Replaces, any of 400 inners) small.
 *
 * <p>Every node records, for each vector reachable below it, the fewest tokens to that vector's leaf
 * and the number of token paths to it (the number of expressions). Because nodes are shared only
 * when their whole residual language and labels agree, these per-node lists are well defined.
 *
 * <p>Built single-threaded through {@link Builder}; read-only afterwards.
 */
final class Automaton {

  private final List<int[]> toks = new ArrayList<>();
  private final List<int[]> kids = new ArrayList<>();
  private final List<int[]> vecs = new ArrayList<>();
  private final List<int[]> lens = new ArrayList<>();
  private final List<long[]> counts = new ArrayList<>();
  private final Map<Key, Integer> interned = new HashMap<>();
  private final Map<Integer, Integer> leaves = new HashMap<>();

  /** Key of an internal node: its sorted tokens and child ids. */
  private record Key(int[] t, int[] k) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key other && Arrays.equals(t, other.t) && Arrays.equals(k, other.k);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(t) + Arrays.hashCode(k);
    }
  }

  /** The leaf of vector v. */
  int leaf(int v) {
    return leaves.computeIfAbsent(v, x -> add(null, null, new int[] {x}, new int[] {0}, new long[] {1}));
  }

  int size() {
    return toks.size();
  }

  boolean isLeaf(int node) {
    return toks.get(node) == null;
  }

  /** The vector of a leaf. */
  int leafVector(int node) {
    return vecs.get(node)[0];
  }

  /** Sorted token ids leaving an internal node (empty for a leaf). */
  int[] tokens(int node) {
    int[] t = toks.get(node);
    return t == null ? new int[0] : t;
  }

  /** Children, parallel to {@link #tokens}. */
  int[] children(int node) {
    int[] k = kids.get(node);
    return k == null ? new int[0] : k;
  }

  /** The child reached by token, or -1. */
  int child(int node, int token) {
    int[] t = toks.get(node);
    if (t == null) {
      return -1;
    }
    int at = Arrays.binarySearch(t, token);
    return at < 0 ? -1 : kids.get(node)[at];
  }

  /** Sorted ids of the vectors reachable below node. */
  int[] vectors(int node) {
    return vecs.get(node);
  }

  /** Parallel to {@link #vectors}: fewest tokens from node to that vector's leaf. */
  int[] minTokens(int node) {
    return lens.get(node);
  }

  /** Parallel to {@link #vectors}: number of token paths from node to that vector's leaf. */
  long[] counts(int node) {
    return counts.get(node);
  }

  private int add(int[] t, int[] k, int[] v, int[] l, long[] c) {
    toks.add(t);
    kids.add(k);
    vecs.add(v);
    lens.add(l);
    counts.add(c);
    return toks.size() - 1;
  }

  /** The internal node with these (sorted, distinct) tokens and children, shared if it exists. */
  int node(int[] t, int[] k) {
    Key key = new Key(t, k);
    Integer known = interned.get(key);
    if (known != null) {
      return known;
    }
    // Merge the children's vector lists: +1 token each, counts summed, lengths minimised.
    int total = 0;
    for (int c : k) {
      total += vecs.get(c).length;
    }
    long[] order = new long[total];
    int m = 0;
    for (int j = 0; j < k.length; j++) {
      int[] cv = vecs.get(k[j]);
      for (int x = 0; x < cv.length; x++) {
        order[m++] = ((long) cv[x] << 32) | ((long) j << 23) | x; // <= 316 children, < 2^23 vectors
      }
    }
    Arrays.sort(order);
    int[] v = new int[total];
    int[] l = new int[total];
    long[] c = new long[total];
    int out = -1;
    for (long o : order) {
      int vec = (int) (o >>> 32);
      int j = (int) ((o >>> 23) & 0x1FF);
      int x = (int) (o & 0x7FFFFF);
      int len = lens.get(k[j])[x] + 1;
      long cnt = counts.get(k[j])[x];
      if (out >= 0 && v[out] == vec) {
        l[out] = Math.min(l[out], len);
        c[out] = Math.addExact(c[out], cnt);
      } else {
        out++;
        v[out] = vec;
        l[out] = len;
        c[out] = cnt;
      }
    }
    int id = add(t, k, Arrays.copyOf(v, out + 1), Arrays.copyOf(l, out + 1), Arrays.copyOf(c, out + 1));
    interned.put(key, id);
    return id;
  }

  /**
   * A mutable trie whose paths end at frozen automaton nodes; {@link #freeze} interns it. Paths must be
   * prefix-free (a path may not continue past another path's end), which expression encodings are.
   */
  static final class Builder {
    private int[] t = new int[4];
    private Object[] k = new Object[4];
    private int size;

    boolean isEmpty() {
      return size == 0;
    }

    /** Adds seq[from..] leading to the frozen node target. */
    void add(int[] seq, int from, int target) {
      Builder b = this;
      for (int p = from; p < seq.length; p++) {
        int at = b.find(seq[p]);
        if (p == seq.length - 1) {
          if (at >= 0) {
            if (!(b.k[at] instanceof Integer old) || old != target) {
              throw new IllegalStateException("two expressions share a token path but end differently: "
                  + Arrays.toString(seq));
            }
            return;
          }
          b.put(seq[p], target);
          return;
        }
        if (at < 0) {
          Builder next = new Builder();
          b.put(seq[p], next);
          b = next;
        } else if (b.k[at] instanceof Builder next) {
          b = next;
        } else {
          throw new IllegalStateException("an expression continues past another's end: " + Arrays.toString(seq));
        }
      }
    }

    /** Adds prefix ++ seq leading to target. */
    void add(int[] prefix, int[] seq, int target) {
      int[] all = Arrays.copyOf(prefix, prefix.length + seq.length);
      System.arraycopy(seq, 0, all, prefix.length, seq.length);
      add(all, 0, target);
    }

    /** Token to child index, once a node has more than {@link #SCAN} children (up to the token vocabulary). */
    private Map<Integer, Integer> index;
    private static final int SCAN = 16;

    private int find(int token) {
      if (index != null) {
        return index.getOrDefault(token, -1);
      }
      for (int j = 0; j < size; j++) {
        if (t[j] == token) {
          return j;
        }
      }
      return -1;
    }

    private void put(int token, Object child) {
      if (size == t.length) {
        t = Arrays.copyOf(t, size * 2);
        k = Arrays.copyOf(k, size * 2);
      }
      t[size] = token;
      k[size++] = child;
      if (index != null) {
        index.put(token, size - 1);
      } else if (size > SCAN) {
        index = new HashMap<>();
        for (int j = 0; j < size; j++) {
          index.put(t[j], j);
        }
      }
    }

    /** Interns this trie into a; an empty builder is not a node (IllegalStateException). */
    int freeze(Automaton a) {
      if (size == 0) {
        throw new IllegalStateException("empty trie");
      }
      Integer[] order = new Integer[size];
      for (int j = 0; j < size; j++) {
        order[j] = j;
      }
      Arrays.sort(order, (x, y) -> Integer.compare(t[x], t[y]));
      int[] tt = new int[size];
      int[] kk = new int[size];
      for (int j = 0; j < size; j++) {
        tt[j] = t[order[j]];
        Object c = k[order[j]];
        kk[j] = c instanceof Builder b ? b.freeze(a) : (Integer) c;
      }
      return a.node(tt, kk);
    }
  }
}
