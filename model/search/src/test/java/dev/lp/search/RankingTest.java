package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Tokens;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RankingTest {

  private static Candidate c(String program, double score) {
    return Candidate.decode(Tokens.encode(ProgramText.parse(program)), score, new int[0]);
  }

  private final List<Candidate> candidates = List.of(
      c("GetToken(WORD, 1) | ConstStr(' ') | GetToken(WORD, 2)", -0.1), // inconsistent here
      c("SubStr(1, 3) | ConstStr('.') | SubStr(4, 6)", -0.5),
      c("GetToken(NUMBER, 1) | GetToken(NUMBER, 2)", -0.9),
      c("GetAll(NUMBER)", -1.2),
      c("GetAll(WORD)", -1.5));
  private final Set<Integer> consistent = Set.of(1, 2, 3, 4);

  @Test
  void modelTakesTheFirstConsistentOccamTheShortestWithTheModelBreakingTies() {
    assertEquals(1, Ranking.MODEL.pick(candidates, c -> consistent.contains(candidates.indexOf(c))));
    // 3 and 4 have one expression and two tokens each: the model's order decides
    assertEquals(3, Ranking.OCCAM.pick(candidates, c -> consistent.contains(candidates.indexOf(c))));
    assertEquals(2, Ranking.OCCAM.pick(candidates.subList(0, 3), c -> candidates.indexOf(c) > 0));
  }

  @Test
  void noConsistentCandidateNoAnswer() {
    for (Ranking r : Ranking.values()) {
      assertEquals(-1, r.pick(candidates, c -> false));
      assertEquals(-1, r.pick(List.of(), c -> true));
    }
    assertEquals(Ranking.OCCAM, Ranking.parse("occam"));
    assertThrows(IllegalArgumentException.class, () -> Ranking.parse("shortest"));
  }
}
