package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ConstStr;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Type;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Measures the search's own cost (no model cost: the scripted model has no delay). */
class SearchThroughputTest {

  @Test
  void searchOverheadPerTask() {
    List<String> in = List.of("ab cd", "ef gh");
    List<String> out = List.of("cd.", "gh.");
    Program solution = Program.of(new GetToken(Type.WORD, 2), new ConstStr('.'));
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      entries.add(Entry.ranked(new int[] {3 + i % 3, 4}, i == 5 ? solution
          : Program.of(new GetToken(Type.WORD, 1 + i % 2), new ConstStr((char) ('a' + i)))));
    }
    ScriptedModel model = ScriptedModel.builder().maxProgramLength(25).task(in, out, entries).build();
    TwoLevelSearch search = new TwoLevelSearch(model);
    int warm = 200;
    int runs = 1000;
    for (int i = 0; i < warm; i++) {
      search.search(in, out, 10, 3);
    }
    int callsBefore = model.stepAllCalls();
    long t0 = System.nanoTime();
    List<Candidate> last = null;
    for (int i = 0; i < runs; i++) {
      last = search.search(in, out, 10, 3);
    }
    double msPerSearch = (System.nanoTime() - t0) / 1e6 / runs;
    double stepsPerSearch = (model.stepAllCalls() - callsBefore) / (double) runs;
    System.out.printf("[search-bench] B=10 L=3 vocab=316 maxLen=25: %.3f ms/search, %.1f stepAll calls/search,"
        + " %.1f us/step%n", msPerSearch, stepsPerSearch, msPerSearch * 1000 / stepsPerSearch);
    assertEquals(solution, last.get(5).programOrNull());
    assertTrue(last.size() <= 9);
  }
}
