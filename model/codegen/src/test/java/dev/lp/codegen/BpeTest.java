package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTest {

  @TempDir Path dir;

  private static final String CODE = """
      def split(s, sep=None, maxsplit=-1):
          if s is None:
              return []
          return s.split(sep, maxsplit)
      """;

  @Test
  void pretokensJoinBackToTheText() {
    assertEquals(List.of("def", " split", "(", "s", ",", " sep", "=", "None", "):", "\n   ", " return", " s", ".",
        "split", "()"), Bpe.pretokens("def split(s, sep=None):\n    return s.split()"));
    assertEquals(CODE, String.join("", Bpe.pretokens(CODE)));
  }

  /**
   * "ab ab ab cd": pre-tokens "ab" x1, " ab" x2, " cd" x1; alphabet ' ' a b c d = ids 4..8.
   * Pair counts: (a b) 3, (' ' a) 2, (' ' c) 1, (c d) 1, so the first merge is a+b = 9; then
   * (' ' ab) 2 gives " ab" = 10; every other pair occurs once, so training stops at 11 ids.
   */
  @Test
  void learnsTheMostFrequentPairsFirst() {
    Bpe bpe = Bpe.train(List.of("ab ab ab cd"), 100, 1);
    assertEquals(11, bpe.size());
    assertEquals(2, bpe.merges());
    assertEquals(List.of("<pad>", "<s>", "</s>", "<unk>", " ", "a", "b", "c", "d", "ab", " ab"), tokens(bpe));
    assertArrayEquals(new int[] {9, 10, 4, 7, 8}, bpe.encode("ab ab cd"));
    assertEquals(5, bpe.count("ab ab cd"));
    // the size caps the merges: 10 ids leave room for one
    assertEquals(List.of("<pad>", "<s>", "</s>", "<unk>", " ", "a", "b", "c", "d", "ab"),
        tokens(Bpe.train(List.of("ab ab ab cd"), 10, 1)));
  }

  @Test
  void unknownAndRareCharactersBecomeUnk() {
    Bpe bpe = Bpe.train(List.of("ab ab ab cd", "é"), 100, 2); // é, c and d are seen once: not in the alphabet
    assertEquals(List.of("<pad>", "<s>", "</s>", "<unk>", " ", "a", "b", "ab", " ab"), tokens(bpe));
    assertArrayEquals(new int[] {7, 4, Bpe.UNK, Bpe.UNK, Bpe.UNK}, bpe.encode("ab cd€"));
    assertEquals("ab <unk><unk><unk>", bpe.decode(bpe.encode("ab cd€")));
  }

  @Test
  void decodeGivesTheTextBackAndSkipsMarkers() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      texts.add(CODE.replace("split", "split" + (i % 7)));
    }
    Bpe bpe = Bpe.train(texts, 200, 1);
    // every pre-token repeats 50 times, so training stops (below 200 ids) once each is one token
    assertTrue(bpe.size() < 200, "size " + bpe.size());
    assertEquals(1, bpe.count(" maxsplit"));
    assertEquals(1, bpe.count("\n       "));
    int[] ids = bpe.encode(CODE);
    assertEquals(CODE, bpe.decode(ids));
    assertTrue(ids.length < CODE.length() / 3, "merges shorten the text: " + ids.length + " ids");
    int[] framed = new int[ids.length + 2];
    framed[0] = Bpe.BOS;
    System.arraycopy(ids, 0, framed, 1, ids.length);
    framed[framed.length - 1] = Bpe.EOS;
    assertEquals(CODE, bpe.decode(framed));
  }

  @Test
  void trainingIsDeterministicAndStoredFormsRoundTrip() throws Exception {
    List<String> texts = List.of(CODE, "return a list of the words in the string s", CODE.toUpperCase());
    Bpe a = Bpe.train(texts, 120, 1);
    Bpe b = Bpe.train(texts, 120, 1);
    assertEquals(a.toJson(), b.toJson());
    Path file = dir.resolve("vocab.json");
    a.save(file);
    Bpe c = Bpe.load(file);
    assertEquals(a.size(), c.size());
    assertEquals(tokens(a), tokens(c));
    assertArrayEquals(a.encode(CODE), c.encode(CODE));
  }

  @Test
  void badSizesAndFilesAreRefused() {
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> Bpe.train(List.of("abc"), 5, 1));
    assertTrue(small.getMessage().contains("below the 4 special tokens and the 3 characters"), small.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Bpe.fromJson("{\"format\": \"other\"}"));
    assertThrows(IllegalArgumentException.class, () -> Bpe.fromJson("not json"));
    String stored = Bpe.train(List.of("ab ab ab"), 100, 1).toJson();
    assertThrows(IllegalArgumentException.class, () -> Bpe.fromJson(stored.replace("[5,6]", "[5,60]")));
  }

  private static List<String> tokens(Bpe bpe) {
    List<String> t = new ArrayList<>();
    for (int i = 0; i < bpe.size(); i++) {
      t.add(bpe.token(i));
    }
    return t;
  }
}
