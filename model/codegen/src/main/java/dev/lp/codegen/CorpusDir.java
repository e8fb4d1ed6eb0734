package dev.lp.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A corpus folder written by {@code lp codegen-data}, opened for training and evaluation: its
 * vocabulary and its splits, each pair encoded to ids the way the models read it.
 */
public final class CorpusDir {
  public static final String MANIFEST = "manifest.json";
  public static final String VOCAB = "vocab.json";

  private final Path dir;
  private final Bpe vocab;

  private CorpusDir(Path dir, Bpe vocab) {
    this.dir = dir;
    this.vocab = vocab;
  }

  /** Opens a corpus folder; a folder without the files of one is an IllegalArgumentException naming what is missing. */
  public static CorpusDir open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("corpus " + dir + " is not a folder");
    }
    List<String> missing = new ArrayList<>();
    for (String f : List.of(MANIFEST, VOCAB, Split.TRAIN.fileName(), Split.VALID.fileName(), Split.TEST.fileName())) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        missing.add(f);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("corpus " + dir + " has no " + String.join(", ", missing)
          + " (make one with lp codegen-data)");
    }
    return new CorpusDir(dir, Bpe.load(dir.resolve(VOCAB)));
  }

  public Bpe vocab() {
    return vocab;
  }

  /** The pairs of one split, in file order. */
  public List<CodePair> pairs(Split split) throws IOException {
    return CodePair.read(dir.resolve(split.fileName()));
  }

  /**
   * A pair as ids: the docstring (at most {@code maxDocTokens}, cut at the end), the program and its
   * ARG_i / VAR_i form, each program ending in {@link Bpe#EOS}.
   */
  public record Encoded(int[] doc, int[] program, int[] renamed) {}

  /** Encodes a pair with this corpus's vocabulary (see {@link Encoded}). */
  public Encoded encode(CodePair p, int maxDocTokens) {
    if (maxDocTokens < 1) {
      throw new IllegalArgumentException("maxDocTokens must be >= 1, got " + maxDocTokens);
    }
    int[] doc = vocab.encode(p.doc());
    if (doc.length > maxDocTokens) {
      doc = Arrays.copyOf(doc, maxDocTokens);
    }
    return new Encoded(doc, withEos(vocab.encode(p.code())), withEos(vocab.encode(p.renamed())));
  }

  private static int[] withEos(int[] ids) {
    int[] out = Arrays.copyOf(ids, ids.length + 1);
    out[ids.length] = Bpe.EOS;
    return out;
  }
}
