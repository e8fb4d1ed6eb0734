package dev.lp.search.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Trim;
import dev.lp.dsl.Type;
import dev.lp.search.Candidate;
import dev.lp.search.metrics.Accuracy.Rate;
import dev.lp.search.metrics.Accuracy.Summary;
import dev.lp.search.metrics.Accuracy.TaskScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

  private static final List<String> IN = List.of("ab cd", "ef gh");
  private static final List<String> OUT = List.of("cd", "gh");

  private static Candidate cand(Program p, double score) {
    return Candidate.decode(Tokens.encode(p), score, new int[0]);
  }

  @Test
  void solvedWhenAnyOfTheFirstBIsConsistent() {
    Candidate wrong = cand(Program.of(new Trim()), -0.1);
    Candidate broken = Candidate.decode(new int[] {Tokens.GET_TOKEN}, -0.2, new int[0]);
    Candidate right = cand(Program.of(new GetToken(Type.WORD, 2)), -0.3);
    List<Candidate> cs = List.of(wrong, broken, right);
    assertTrue(Accuracy.solved(cs, 3, IN, OUT));
    assertFalse(Accuracy.solved(cs, 2, IN, OUT), "the right one is third");
    assertFalse(Accuracy.solved(List.of(), 5, IN, OUT));
    assertThrows(IllegalArgumentException.class, () -> Accuracy.solved(cs, 0, IN, OUT));
    assertThrows(IllegalArgumentException.class, () -> Accuracy.solved(List.of(), 1, IN, List.of()));
  }

  @Test
  void accuracyOverallAndByLength() {
    Summary s = Accuracy.summarize(List.of(new TaskScore(1, true), new TaskScore(1, true),
        new TaskScore(3, false), new TaskScore(3, true), new TaskScore(2, false)));
    assertEquals(new Rate(3, 5), s.overall());
    assertEquals(0.6, s.overall().value(), 1e-12);
    assertEquals(List.of(1, 2, 3), List.copyOf(s.byLength().keySet()));
    assertEquals(1.0, s.byLength().get(1).value(), 1e-12);
    assertEquals(0.0, s.byLength().get(2).value(), 1e-12);
    assertEquals(0.5, s.byLength().get(3).value(), 1e-12);
    assertTrue(Double.isNaN(Accuracy.summarize(List.of()).overall().value()));
    assertThrows(IllegalArgumentException.class, () -> new TaskScore(0, true));
    assertThrows(IllegalArgumentException.class, () -> new Rate(3, 2));
  }

  @Test
  void distinctNgramsNormalisedByTotalTokens() {
    // [3 4 5 EOS] and [3 4 6 EOS]: 6 tokens; unigrams {3,4,5,6} = 4; bigrams {34,45,46} = 3;
    // trigrams {345,346} = 2; no 4-grams.
    List<int[]> beams = List.of(new int[] {3, 4, 5, Tokens.EOS}, new int[] {3, 4, 6, Tokens.EOS});
    assertArrayEquals(new double[] {4 / 6.0, 3 / 6.0, 2 / 6.0, 0.0}, DistinctNgrams.upTo4(beams), 1e-12);
    // Identical programs are not diverse: the same grams, twice the tokens.
    List<int[]> same = List.of(new int[] {3, 4, 5}, new int[] {3, 4, 5});
    assertEquals(3 / 6.0, DistinctNgrams.of(same, 1), 1e-12);
    assertEquals(0.0, DistinctNgrams.of(List.of(new int[] {Tokens.EOS}), 2));
    double[] mean = DistinctNgrams.meanUpTo4(List.of(beams, same));
    assertEquals((4 / 6.0 + 3 / 6.0) / 2, mean[0], 1e-12);
    assertThrows(IllegalArgumentException.class, () -> DistinctNgrams.of(beams, 0));
    assertThrows(IllegalArgumentException.class, () -> DistinctNgrams.meanUpTo4(List.of()));
  }
}
