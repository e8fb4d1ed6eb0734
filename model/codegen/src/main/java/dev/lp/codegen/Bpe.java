package dev.lp.codegen;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A character-level byte-pair-encoding subword vocabulary (Sennrich et al. 2016), trained and
 * applied in pure Java: the corpus's stand-in for the paper's sentencepiece model.
 *
 * <p>Text is first cut into pre-tokens, each an identifier-like run ({@code [letters digits _]+}), a
 * run of other symbols, or a run of whitespace, a single space joining the word after it (as GPT-2
 * does), so line breaks and indentation are tokens too and {@link #decode} gives the text back
 * exactly. The symbols start as the training text's characters (those seen at least
 * {@code minCharCount} times; any other character is {@code <unk>}), then the most frequent adjacent
 * pair within pre-tokens is merged into a new symbol until the vocabulary has its size or no pair
 * occurs twice. Ties go to the pair of smaller symbol ids, so training is deterministic. Encoding
 * applies the merges in the order learned.
 *
 * <p>Ids: 0 {@code <pad>}, 1 {@code <s>}, 2 {@code </s>} (as the DSL's program tokens and the
 * search's SynthesisModel port have them), 3 {@code <unk>}, then the alphabet in code point order,
 * then one id per merge.
 */
public final class Bpe {
  public static final int PAD = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  public static final int UNK = 3;
  static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>");
  static final String FORMAT = "lp-bpe-2";
  static final Pattern PRETOKEN = Pattern.compile(" ?[\\p{L}\\p{N}_]+| ?[^\\s\\p{L}\\p{N}_]+|\\s+(?!\\S)|\\s+");
  private static final int CACHE_LIMIT = 500_000;

  private final List<String> tokens;
  private final int[][] merges;
  private final Map<Integer, Integer> idOfChar = new HashMap<>();
  private final Map<Long, Integer> rank = new HashMap<>();
  private final Map<String, int[]> cache = new HashMap<>();

  private Bpe(List<Integer> alphabet, int[][] merges) {
    this.merges = merges;
    List<String> t = new ArrayList<>(SPECIALS);
    for (int cp : alphabet) {
      idOfChar.put(cp, t.size());
      t.add(new String(Character.toChars(cp)));
    }
    for (int i = 0; i < merges.length; i++) {
      int a = merges[i][0];
      int b = merges[i][1];
      if (a < SPECIALS.size() || b < SPECIALS.size() || a >= t.size() || b >= t.size()) {
        throw new IllegalArgumentException("merge " + i + " joins ids " + a + " and " + b + ", not symbols before it");
      }
      rank.put(key(a, b), i);
      t.add(t.get(a) + t.get(b));
    }
    this.tokens = List.copyOf(t);
  }

  /** Number of ids (specials, alphabet and merges). */
  public int size() {
    return tokens.size();
  }

  public int merges() {
    return merges.length;
  }

  /** The text of an id (the specials' names for 0..3). */
  public String token(int id) {
    return tokens.get(id);
  }

  /** The pre-tokens of a text, in order; joined, they are the text. */
  static List<String> pretokens(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = PRETOKEN.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** The ids of a text (no {@code <s>} or {@code </s>}). */
  public int[] encode(String text) {
    List<int[]> parts = new ArrayList<>();
    int n = 0;
    for (String p : pretokens(text)) {
      int[] ids = encodeWord(p);
      parts.add(ids);
      n += ids.length;
    }
    int[] out = new int[n];
    int at = 0;
    for (int[] ids : parts) {
      System.arraycopy(ids, 0, out, at, ids.length);
      at += ids.length;
    }
    return out;
  }

  /** How many ids a text encodes to. */
  public int count(String text) {
    int n = 0;
    for (String p : pretokens(text)) {
      n += encodeWord(p).length;
    }
    return n;
  }

  /** The text of ids: the tokens joined; {@code <pad>}, {@code <s>} and {@code </s>} are skipped. */
  public String decode(int[] ids) {
    StringBuilder s = new StringBuilder();
    for (int id : ids) {
      if (id != PAD && id != BOS && id != EOS) {
        s.append(tokens.get(id));
      }
    }
    return s.toString();
  }

  private int[] encodeWord(String word) {
    int[] cached = cache.get(word);
    if (cached != null) {
      return cached;
    }
    int[] syms = word.codePoints().map(cp -> idOfChar.getOrDefault(cp, UNK)).toArray();
    int len = syms.length;
    while (len > 1) {
      int best = Integer.MAX_VALUE;
      for (int i = 0; i + 1 < len; i++) {
        Integer r = rank.get(key(syms[i], syms[i + 1]));
        if (r != null && r < best) {
          best = r;
        }
      }
      if (best == Integer.MAX_VALUE) {
        break;
      }
      int a = merges[best][0];
      int b = merges[best][1];
      int c = SPECIALS.size() + idOfChar.size() + best;
      int w = 0;
      for (int i = 0; i < len; i++) {
        if (i + 1 < len && syms[i] == a && syms[i + 1] == b) {
          syms[w++] = c;
          i++;
        } else {
          syms[w++] = syms[i];
        }
      }
      len = w;
    }
    int[] ids = Arrays.copyOf(syms, len);
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(word, ids);
    return ids;
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  /**
   * Trains a vocabulary of at most {@code vocabSize} ids on {@code texts}. The alphabet counts
   * toward the size; a size too small for the alphabet is refused.
   */
  public static Bpe train(Iterable<String> texts, int vocabSize, int minCharCount) {
    Map<String, Integer> wordCounts = new HashMap<>();
    for (String text : texts) {
      for (String p : pretokens(text)) {
        wordCounts.merge(p, 1, Integer::sum);
      }
    }
    Map<Integer, Long> charCounts = new TreeMap<>();
    wordCounts.forEach((w, c) -> w.codePoints().forEach(cp -> charCounts.merge(cp, (long) c, Long::sum)));
    List<Integer> alphabet = new ArrayList<>();
    charCounts.forEach((cp, c) -> {
      if (c >= minCharCount) {
        alphabet.add(cp);
      }
    });
    int base = SPECIALS.size() + alphabet.size();
    if (vocabSize < base) {
      throw new IllegalArgumentException("vocabulary size " + vocabSize + " is below the " + SPECIALS.size()
          + " special tokens and the " + alphabet.size() + " characters of the training text");
    }
    Map<Integer, Integer> idOfChar = new HashMap<>();
    for (int i = 0; i < alphabet.size(); i++) {
      idOfChar.put(alphabet.get(i), SPECIALS.size() + i);
    }
    // Words in a fixed order (sorted), so the ids of everything below do not depend on hashing.
    List<String> words = new ArrayList<>(wordCounts.keySet());
    words.sort(null);
    int[][] syms = new int[words.size()][];
    int[] freq = new int[words.size()];
    for (int w = 0; w < words.size(); w++) {
      syms[w] = words.get(w).codePoints().map(cp -> idOfChar.getOrDefault(cp, UNK)).toArray();
      freq[w] = wordCounts.get(words.get(w));
    }
    return new Trainer(syms, freq, base).run(vocabSize - base, alphabet);
  }

  /** The merge loop: pair counts kept up to date word by word, a max-heap with stale entries skipped. */
  private static final class Trainer {
    private final int[][] syms;
    private final int[] freq;
    private final int[] stamp;
    private final Map<Long, Long> counts = new HashMap<>();
    private final Map<Long, IntList> where = new HashMap<>();
    // {count, a, b}: most frequent first, then smaller a, then smaller b
    private final PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0]
        ? Long.compare(y[0], x[0]) : x[1] != y[1] ? Long.compare(x[1], y[1]) : Long.compare(x[2], y[2]));
    private int nextId;

    Trainer(int[][] syms, int[] freq, int base) {
      this.syms = syms;
      this.freq = freq;
      this.stamp = new int[syms.length];
      this.nextId = base;
      for (int w = 0; w < syms.length; w++) {
        int[] s = syms[w];
        for (int i = 0; i + 1 < s.length; i++) {
          if (s[i] != UNK && s[i + 1] != UNK) {
            long k = key(s[i], s[i + 1]);
            counts.merge(k, (long) freq[w], Long::sum);
            where.computeIfAbsent(k, x -> new IntList()).add(w);
          }
        }
      }
      counts.forEach((k, c) -> heap.add(new long[] {c, k >>> 32, k & 0xffffffffL}));
    }

    Bpe run(int maxMerges, List<Integer> alphabet) {
      List<int[]> merges = new ArrayList<>();
      while (merges.size() < maxMerges && !heap.isEmpty()) {
        long[] top = heap.poll();
        long k = key((int) top[1], (int) top[2]);
        Long now = counts.get(k);
        if (now == null || now != top[0]) {
          continue; // stale: the count changed since this entry was pushed
        }
        if (now < 2) {
          break;
        }
        merges.add(new int[] {(int) top[1], (int) top[2]});
        merge((int) top[1], (int) top[2], nextId, merges.size());
        nextId++;
      }
      return new Bpe(alphabet, merges.toArray(new int[0][]));
    }

    private void merge(int a, int b, int c, int mergeNo) {
      long k = key(a, b);
      IntList ws = where.remove(k);
      Map<Long, Long> delta = new HashMap<>();
      for (int j = 0; j < ws.size; j++) {
        int w = ws.items[j];
        if (stamp[w] == mergeNo) {
          continue;
        }
        stamp[w] = mergeNo;
        int[] s = syms[w];
        int[] t = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
          if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
            t[n++] = c;
            i++;
          } else {
            t[n++] = s[i];
          }
        }
        if (n == s.length) {
          continue; // a stale entry: the pair left this word in an earlier merge
        }
        addPairs(s, s.length, -freq[w], delta, -1, c);
        addPairs(t, n, freq[w], delta, w, c);
        syms[w] = Arrays.copyOf(t, n);
      }
      delta.forEach((pair, d) -> {
        if (d != 0) {
          long updated = counts.merge(pair, d, Long::sum);
          if (updated <= 0) {
            counts.remove(pair);
          } else {
            heap.add(new long[] {updated, pair >>> 32, pair & 0xffffffffL});
          }
        }
      });
      counts.remove(k);
    }

    /** Adds {@code f} for each adjacent pair of s[0..n); with a word index, records where the pairs with c are. */
    private void addPairs(int[] s, int n, long f, Map<Long, Long> delta, int w, int c) {
      for (int i = 0; i + 1 < n; i++) {
        if (s[i] != UNK && s[i + 1] != UNK) {
          long p = key(s[i], s[i + 1]);
          delta.merge(p, f, Long::sum);
          if (w >= 0 && (s[i] == c || s[i + 1] == c)) {
            where.computeIfAbsent(p, x -> new IntList()).add(w);
          }
        }
      }
    }
  }

  /** A growable int array (where-lists hold millions of word indices; boxed lists would triple it). */
  private static final class IntList {
    int[] items = new int[4];
    int size;

    void add(int v) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = v;
    }
  }

  /** The stored form: the alphabet and the merges as id pairs; the tokens follow from them. */
  private record Stored(String format, String pretokenizer, List<String> specials, List<String> alphabet,
      List<int[]> merges) {}

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  public String toJson() {
    List<String> alphabet = tokens.subList(SPECIALS.size(), SPECIALS.size() + idOfChar.size());
    return GSON.toJson(new Stored(FORMAT, PRETOKEN.pattern(), SPECIALS, alphabet, Arrays.asList(merges)));
  }

  /** Reads {@link #toJson}'s form; anything else is an IllegalArgumentException saying what is wrong. */
  public static Bpe fromJson(String json) {
    Stored s;
    try {
      s = GSON.fromJson(json, Stored.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not a BPE vocabulary (" + e.getMessage() + ")");
    }
    if (s == null || !FORMAT.equals(s.format) || s.alphabet == null || s.merges == null) {
      throw new IllegalArgumentException("not a BPE vocabulary of format " + FORMAT);
    }
    if (!SPECIALS.equals(s.specials) || !PRETOKEN.pattern().equals(s.pretokenizer)) {
      throw new IllegalArgumentException("a BPE vocabulary with other special tokens or pre-tokenizer");
    }
    List<Integer> alphabet = new ArrayList<>();
    for (String ch : s.alphabet) {
      if (ch == null || ch.isEmpty() || ch.codePointCount(0, ch.length()) != 1) {
        throw new IllegalArgumentException("alphabet entry " + ch + " is not one character");
      }
      if (alphabet.contains(ch.codePointAt(0))) {
        throw new IllegalArgumentException("alphabet entry " + ch + " appears twice");
      }
      alphabet.add(ch.codePointAt(0));
    }
    for (int[] m : s.merges) {
      if (m == null || m.length != 2) {
        throw new IllegalArgumentException("a merge is not a pair of ids");
      }
    }
    return new Bpe(alphabet, s.merges.toArray(new int[0][]));
  }

  public void save(Path file) throws IOException {
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  public static Bpe load(Path file) throws IOException {
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }
}
