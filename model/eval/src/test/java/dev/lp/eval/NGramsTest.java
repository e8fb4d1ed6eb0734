package dev.lp.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NGramsTest {

  @Test
  void countsDistinctNgramsOverTheSetNormalisedByAllTokens() {
    // [1 2 3] and [1 2 4]: 6 tokens; unigrams {1,2,3,4}; bigrams {12,23,24}; trigrams {123,124}; no 4-grams.
    List<int[]> beams = List.of(new int[] {1, 2, 3}, new int[] {1, 2, 4});
    assertEquals(4, NGrams.distinctCount(beams, 1));
    assertEquals(3, NGrams.distinctCount(beams, 2));
    assertEquals(2, NGrams.distinctCount(beams, 3));
    assertEquals(0, NGrams.distinctCount(beams, 4));
    assertEquals(6, NGrams.totalTokens(beams));
    assertArrayEquals(new double[] {4 / 6.0, 3 / 6.0, 2 / 6.0, 0.0}, NGrams.distinctRatios(beams, 4), 1e-12);
  }

  @Test
  void identicalBeamsAreLessDiverseThanDifferentOnes() {
    List<int[]> same = List.of(new int[] {5, 6, 7}, new int[] {5, 6, 7});
    List<int[]> different = List.of(new int[] {5, 6, 7}, new int[] {8, 9, 10});
    assertEquals(3 / 6.0, NGrams.distinctRatio(same, 1), 1e-12);
    assertEquals(1.0, NGrams.distinctRatio(different, 1), 1e-12);
    assertEquals(2 / 6.0, NGrams.distinctRatio(same, 2), 1e-12);
    assertEquals(4 / 6.0, NGrams.distinctRatio(different, 2), 1e-12);
  }

  @Test
  void ngramsNeverCrossSequenceBoundaries() {
    // Concatenated, [1 2][3 4] would contain the bigram 2-3; kept apart it must not.
    List<int[]> beams = List.of(new int[] {1, 2}, new int[] {3, 4});
    assertEquals(2, NGrams.distinctCount(beams, 2));
    assertEquals(0, NGrams.distinctCount(beams, 3));
  }

  @Test
  void repeatsInsideOneSequenceCountOnce() {
    // ConstStr('a') | ConstStr('a') as ids: 4 a 4 a.
    List<int[]> beams = List.of(new int[] {4, 40, 4, 40});
    assertArrayEquals(new double[] {2 / 4.0, 2 / 4.0, 2 / 4.0, 1 / 4.0}, NGrams.distinctRatios(beams, 4), 1e-12);
  }

  @Test
  void emptyInputsGiveZeroAndBadInputsAClearError() {
    assertEquals(0.0, NGrams.distinctRatio(List.of(), 1));
    assertEquals(0.0, NGrams.distinctRatio(List.of(new int[0]), 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NGrams.distinctRatio(List.of(new int[] {1}), 0));
    assertTrue(e.getMessage().contains("order must be >= 1"), e.getMessage());
    java.util.ArrayList<int[]> withNull = new java.util.ArrayList<>();
    withNull.add(new int[] {1});
    withNull.add(null);
    e = assertThrows(IllegalArgumentException.class, () -> NGrams.distinctCount(withNull, 1));
    assertTrue(e.getMessage().contains("sequence 1 is null"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NGrams.distinctRatios(List.of(), 0));
  }
}
