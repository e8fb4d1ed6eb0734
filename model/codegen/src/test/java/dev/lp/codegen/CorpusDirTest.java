package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed fixture corpus (made by lp codegen-data from fixture-src) opened and encoded. */
class CorpusDirTest {

  @TempDir Path dir;

  static Path fixtureCorpus() throws Exception {
    return Path.of(CorpusDirTest.class.getResource("/codegen/fixture-corpus").toURI());
  }

  @Test
  void opensTheFixtureAndEncodesPairs() throws Exception {
    CorpusDir corpus = CorpusDir.open(fixtureCorpus());
    assertEquals(400, corpus.vocab().size());
    List<CodePair> test = corpus.pairs(Split.TEST);
    assertEquals(List.of("mean", "clamp", "is_even"), test.stream().map(CodePair::name).toList());
    CodePair isEven = test.get(2);
    CorpusDir.Encoded e = corpus.encode(isEven, 64);
    assertEquals(isEven.tokens() + 1, e.program().length, "the program's tokens, then EOS");
    assertEquals(Bpe.EOS, e.program()[e.program().length - 1]);
    assertEquals(Bpe.EOS, e.renamed()[e.renamed().length - 1]);
    Bpe v = corpus.vocab();
    assertEquals(knownOrUnk(v, isEven.code()), v.decode(e.program()));
    assertEquals(knownOrUnk(v, isEven.renamed()), v.decode(e.renamed()));
    assertEquals(knownOrUnk(v, isEven.doc()), v.decode(e.doc()));
    assertTrue(v.decode(e.program()).contains("<unk>"), "'%' is seen under 3 times in the fixture's training split");
    CorpusDir.Encoded cut = corpus.encode(isEven, 2);
    assertArrayEquals(java.util.Arrays.copyOf(e.doc(), 2), cut.doc(), "a long docstring is cut at the end");
  }

  /** The text with each character outside the vocabulary's alphabet written as {@code <unk>}. */
  private static String knownOrUnk(Bpe v, String text) {
    java.util.Set<String> alphabet = new java.util.HashSet<>();
    for (int id = Bpe.UNK + 1; id < v.size(); id++) {
      if (v.token(id).codePointCount(0, v.token(id).length()) == 1) {
        alphabet.add(v.token(id));
      }
    }
    StringBuilder s = new StringBuilder();
    text.codePoints().mapToObj(Character::toString).forEach(c -> s.append(alphabet.contains(c) ? c : "<unk>"));
    return s.toString();
  }

  @Test
  void aFolderThatIsNoCorpusIsRefusedNamingWhatIsMissing() throws Exception {
    Files.writeString(dir.resolve("manifest.json"), "{}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorpusDir.open(dir));
    assertTrue(e.getMessage().endsWith("has no vocab.json, train.jsonl, valid.jsonl, test.jsonl (make one with lp"
        + " codegen-data)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CorpusDir.open(dir.resolve("nope")));
    CorpusDir corpus = CorpusDir.open(fixtureCorpus());
    assertThrows(IllegalArgumentException.class, () -> corpus.encode(corpus.pairs(Split.TEST).get(0), 0));
  }
}
