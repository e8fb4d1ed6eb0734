package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BleuTest {

  private static List<String> t(String code) {
    return Bleu.tokens(code);
  }

  @Test
  void tokensAreIdentifierRunsAndSingleSymbols() {
    assertEquals(List.of("return", "s", ".", "split", "(", "sep", ",", "max_split", ")"),
        t("return s.split(sep,\n    max_split)"));
    assertEquals(List.of("x", "=", "=", "10", "*", "*", "2"), t("x == 10**2"));
  }

  @Test
  void identicalIs100() {
    List<String> code = t("def split(s, sep=None): return s.split(sep)");
    assertEquals(1.0, Bleu.sentence(code, code), 1e-12);
    assertEquals(1.0, Bleu.corpus(List.of(code, code), List.of(code, code)), 1e-12);
    // shorter than 4 tokens: the smoothed 3- and 4-gram precisions are (0+1)/(0+1) = 1
    assertEquals(1.0, Bleu.sentence(t("return x"), t("return x")), 1e-12);
  }

  @Test
  void disjointIs0() {
    assertEquals(0.0, Bleu.sentence(t("return a + b"), t("pass")), 0);
    assertEquals(0.0, Bleu.sentence(t("x y z"), t("p q r s t")), 0);
    assertEquals(0.0, Bleu.corpus(List.of(t("x y z")), List.of(t("p q r s t"))), 0);
    assertEquals(0.0, Bleu.sentence(List.of(), t("p q")), 0);
  }

  /**
   * candidate "return a + b", reference "return a - b" (4 tokens each, BP = 1):
   * unigrams 3/4 (return, a, b); bigrams: (return a) of 3 -> (1+1)/(3+1) = 1/2;
   * trigrams: none of 2 -> (0+1)/(2+1) = 1/3; 4-grams: none of 1 -> (0+1)/(1+1) = 1/2.
   * BLEU = (3/4 * 1/2 * 1/3 * 1/2)^(1/4) = (1/16)^(1/4) = 1/2.
   */
  @Test
  void partialOverlapByHand() {
    assertEquals(0.5, Bleu.sentence(t("return a + b"), t("return a - b")), 1e-12);
  }

  /**
   * Repeated candidate tokens are clipped by the reference's count: candidate "x x x x", reference
   * "x y": unigrams min(4, 1) = 1 of 4; bigrams (x x) none of 3 -> 1/4; trigrams none of 2 -> 1/3;
   * 4-grams none of 1 -> 1/2; c = 4 > r = 2 so BP = 1. BLEU = (1/4 * 1/4 * 1/3 * 1/2)^(1/4) = (1/96)^(1/4).
   */
  @Test
  void repeatedTokensAreClipped() {
    assertEquals(Math.pow(1.0 / 96, 0.25), Bleu.sentence(t("x x x x"), t("x y")), 1e-12);
  }

  /**
   * candidate "return a" (c = 2) against "return a + b" (r = 4): every precision is 1 (unigrams 2/2,
   * bigrams (1+1)/(1+1), no trigrams or 4-grams: (0+1)/(0+1)), so BLEU is the brevity penalty alone,
   * exp(1 - 4/2) = e^-1 = 0.3679.
   */
  @Test
  void brevityPenaltyAlone() {
    assertEquals(Math.exp(-1), Bleu.sentence(t("return a"), t("return a + b")), 1e-12);
    assertEquals(1.0, Bleu.brevityPenalty(5, 4), 0);
    assertEquals(1.0, Bleu.brevityPenalty(4, 4), 0); // c = r: exp(1 - 1) = 1
    assertEquals(Math.exp(1 - 3.0 / 2), Bleu.brevityPenalty(2, 3), 1e-12);
  }

  @Test
  void bestOfTakesTheBestBeam() {
    List<String> ref = t("return a - b");
    assertEquals(1.0, Bleu.bestOf(List.of(t("pass"), t("return a - b"), t("return a + b")), ref), 1e-12);
    assertEquals(0.5, Bleu.bestOf(List.of(t("pass"), t("return a + b")), ref), 1e-12);
    assertEquals(0.0, Bleu.bestOf(List.of(), ref), 0);
  }

  /**
   * Corpus BLEU sums before dividing: pair 1 "a b c d" = reference; pair 2 "x y" against "x z".
   * Matches / totals: unigrams (4+1)/(4+2) = 5/6, bigrams (3+0)/(3+1) = 3/4, trigrams 2/2, 4-grams
   * 1/1; c = r = 6 so BP = 1. BLEU = (5/6 * 3/4)^(1/4) = (5/8)^(1/4).
   */
  @Test
  void corpusSumsCountsOverPairs() {
    double bleu = Bleu.corpus(List.of(t("a b c d"), t("x y")), List.of(t("a b c d"), t("x z")));
    assertEquals(Math.pow(5.0 / 8, 0.25), bleu, 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Bleu.corpus(List.of(t("a")), List.of()));
  }
}
