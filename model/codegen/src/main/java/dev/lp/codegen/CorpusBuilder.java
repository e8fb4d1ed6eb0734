package dev.lp.codegen;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Turns extracted functions into the corpus: drops docstrings with no words, removes duplicate
 * programs (the code with whitespace runs collapsed; the first one added is kept, so the order of
 * the files decides), puts each function in the split of its file ({@link Split#of}) and, once a
 * vocabulary exists, drops programs longer than the token limit.
 *
 * <p>Every normalised program is kept once over the whole corpus, so the same code cannot be in
 * training and in test through two files.
 */
public final class CorpusBuilder {
  private final double validPercent;
  private final double testPercent;
  private final Set<String> seenCode = new HashSet<>();
  private final Map<Split, List<CodePair>> kept = new EnumMap<>(Split.class);
  private int functions;
  private int noWords;
  private int duplicates;

  public CorpusBuilder(double validPercent, double testPercent) {
    Split.of("", validPercent, testPercent); // checks the percentages
    this.validPercent = validPercent;
    this.testPercent = testPercent;
    for (Split s : Split.values()) {
      kept.put(s, new ArrayList<>());
    }
  }

  /** Adds one extracted function of {@code file}, counted under package {@code pkg}. */
  public void add(String pkg, SourceFile file, ExtractionLine.Function f) {
    functions++;
    if (!f.doc().codePoints().anyMatch(Character::isLetter)) {
      noWords++;
      return;
    }
    if (!seenCode.add(normalise(f.code()))) {
      duplicates++;
      return;
    }
    kept.get(Split.of(file.relative(), validPercent, testPercent))
        .add(new CodePair(pkg, file.relative(), f.name(), f.line(), f.doc(), f.code(), f.renamed(), -1));
  }

  /** The code with every run of whitespace made one space: what two copies of a function share. */
  static String normalise(String code) {
    return String.join(" ", code.strip().split("\\s+"));
  }

  /** The pairs kept so far in {@code split}, before the length limit (tokens not yet counted). */
  public List<CodePair> candidates(Split split) {
    return List.copyOf(kept.get(split));
  }

  /** The corpus: each split's pairs with their program length, and the counts of what was dropped. */
  public record Corpus(Map<Split, List<CodePair>> splits, int functions, int noWords, int duplicates, int tooLong) {

    /** Pairs per package and split, packages sorted by name. */
    public Map<String, Map<Split, Integer>> perPackage() {
      Map<String, Map<Split, Integer>> m = new TreeMap<>();
      splits.forEach((split, pairs) -> pairs.forEach(p ->
          m.computeIfAbsent(p.pkg(), k -> new EnumMap<>(Split.class)).merge(split, 1, Integer::sum)));
      return m;
    }

    public int size() {
      return splits.values().stream().mapToInt(List::size).sum();
    }
  }

  /** Counts each program's tokens and keeps those of at most {@code maxTokens}. */
  public Corpus finish(ToIntFunction<String> programTokens, int maxTokens) {
    Map<Split, List<CodePair>> out = new EnumMap<>(Split.class);
    int tooLong = 0;
    for (Split s : Split.values()) {
      List<CodePair> pairs = new ArrayList<>();
      for (CodePair p : kept.get(s)) {
        int n = programTokens.applyAsInt(p.code());
        if (n > maxTokens) {
          tooLong++;
        } else {
          pairs.add(new CodePair(p.pkg(), p.file(), p.name(), p.line(), p.doc(), p.code(), p.renamed(), n));
        }
      }
      out.put(s, List.copyOf(pairs));
    }
    return new Corpus(out, functions, noWords, duplicates, tooLong);
  }
}
