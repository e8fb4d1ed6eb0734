package dev.lp.search;

import dev.lp.dsl.Program;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which of a search's consistent programs is the answer. The candidates come in the search's order
 * (the model's best first, the enumerator's shortest program last when it is there).
 *
 * <ul>
 *   <li>{@link #MODEL}: the first consistent program: what the model ranks highest.
 *   <li>{@link #OCCAM}: the consistent program with the fewest expressions, then the fewest tokens;
 *       among equals, the model's order decides. With the enumerator's program among the candidates
 *       this is the shortest consistent program, chosen by the model where several are as short.
 * </ul>
 */
public enum Ranking {
  MODEL,
  OCCAM;

  /** The command-line name (lower case). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line name; an unknown one gets a message that lists the known. */
  public static Ranking parse(String id) {
    for (Ranking r : values()) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("ranking must be model or occam, got '" + id + "'");
  }

  /** The index of the answer among {@code candidates}, or -1 when none is {@code consistent}. */
  public int pick(List<Candidate> candidates, Predicate<Candidate> consistent) {
    int best = -1;
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      if (c.programOrNull() == null || !consistent.test(c)) {
        continue;
      }
      if (this == MODEL) {
        return i;
      }
      if (best < 0 || shorter(c, candidates.get(best))) {
        best = i;
      }
    }
    return best;
  }

  private static boolean shorter(Candidate a, Candidate b) {
    Program pa = a.programOrNull();
    Program pb = b.programOrNull();
    int ea = pa.expressions().size();
    int eb = pb.expressions().size();
    // tokens of the programs themselves: a model's candidate carries its end token, the enumerator's may not
    return ea != eb ? ea < eb : dev.lp.dsl.Tokens.encode(pa).length < dev.lp.dsl.Tokens.encode(pb).length;
  }
}
