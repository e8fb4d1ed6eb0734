package dev.lp.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.ConstStr;
import dev.lp.dsl.GetAll;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.Program;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import dev.lp.dsl.Type;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Execution guidance: sound on sampled tasks, and what it changes in a beam. */
class PrefixGuidanceTest {

  private static final List<String> IN = List.of("ab 12 cd 3", "Xy 7");
  private static final List<String> OUT = List.of("123.ab", "7.Xy");
  private static final Program SOLUTION =
      Program.of(new GetAll(Type.NUMBER), new ConstStr('.'), new GetToken(Type.WORD, 1));
  /** Same outputs as SOLUTION after its first expression (GetAll DIGIT = GetAll NUMBER here). */
  private static final Program TWIN =
      Program.of(new GetAll(Type.DIGIT), new ConstStr('.'), new GetToken(Type.WORD, 1));
  private static final Program OTHER =
      Program.of(new GetAll(Type.NUMBER), new ConstStr('.'), new GetToken(Type.ALPHANUM, 1));
  private static final Program WRONG_FIRST = Program.of(new GetToken(Type.WORD, 1), new ConstStr('.'));
  private static final Program INCOMPLETE = Program.of(new GetAll(Type.NUMBER), new ConstStr('.'));

  private static final TaskSampler SAMPLER = new TaskSampler(SamplerConfig.paper());

  @Test
  void theTrueProgramIsNeverPrunedOnSampledTasks() {
    boolean[] allowed = new boolean[Tokens.VOCAB];
    int checked = 0;
    for (int i = 0; i < 2000; i++) {
      Task t = SAMPLER.sample(4243, i);
      PrefixGuidance g = new PrefixGuidance(t.inputs(), t.outputs());
      int[] ids = Tokens.encode(t.program());
      long state = g.start();
      for (int k = 0; k < ids.length; k++) {
        g.allowed(state, ids.length - k, allowed);
        assertTrue(allowed[ids[k]], "task " + i + " " + t.program() + ": token " + k + " ("
            + Tokens.name(ids[k]) + ") pruned");
        state = g.advance(state, ids[k]);
      }
      assertTrue(g.complete(state), "task " + i + ": the true program completes every output");
      checked++;
    }
    assertEquals(2000, checked);
  }

  @Test
  void everyProgramThatReachesEosIsConsistent() {
    boolean[] allowed = new boolean[Tokens.VOCAB];
    SplittableRandom random = new SplittableRandom(7);
    int finished = 0;
    for (int i = 0; i < 300; i++) {
      Task t = SAMPLER.sample(99, i);
      PrefixGuidance g = new PrefixGuidance(t.inputs(), t.outputs());
      for (int walk = 0; walk < 20; walk++) {
        List<Integer> ids = new ArrayList<>();
        long state = g.start();
        while (true) {
          g.allowed(state, 60 - ids.size(), allowed);
          List<Integer> options = new ArrayList<>();
          for (int id = 0; id < allowed.length; id++) {
            if (allowed[id]) {
              options.add(id);
            }
          }
          if (options.isEmpty()) {
            break; // a dead end: the row would die
          }
          // Prefer EOS when offered so walks end; else a random allowed token.
          int next = options.contains(Tokens.EOS) ? Tokens.EOS : options.get(random.nextInt(options.size()));
          ids.add(next);
          state = g.advance(state, next);
          if (next == Tokens.EOS) {
            Program p = Tokens.decode(ids.stream().mapToInt(Integer::intValue).toArray());
            for (int e = 0; e < t.inputs().size(); e++) {
              assertEquals(t.outputs().get(e), p.apply(t.inputs().get(e)), "program " + p + " reached EOS");
            }
            finished++;
            break;
          }
        }
      }
    }
    assertTrue(finished >= 20, "random walks reached EOS only " + finished + " times");
  }

  @Test
  void eosOnlyWhereEveryOutputIsComplete() {
    PrefixGuidance g = new PrefixGuidance(IN, OUT);
    boolean[] allowed = new boolean[Tokens.VOCAB];
    long state = g.start();
    for (int id : body(INCOMPLETE)) {
      state = g.advance(state, id);
    }
    g.allowed(state, 20, allowed);
    assertFalse(allowed[Tokens.EOS], "EOS refused while outputs are incomplete");
    assertTrue(allowed[Tokens.GET_TOKEN]);
    long s = state;
    assertThrows(IllegalArgumentException.class, () -> g.advance(s, Tokens.EOS));
    for (int id : Tokens.encode(new GetToken(Type.WORD, 1))) { // an expression: no EOS
      state = g.advance(state, id);
    }
    g.allowed(state, 20, allowed);
    assertTrue(allowed[Tokens.EOS]);
    assertFalse(allowed[Tokens.CONST_STR], "all outputs complete: only EOS may follow");
  }

  @Test
  void aPrunedHypothesisFreesItsSlot() {
    // The model prefers the second word where the first is wanted: the completing index is
    // pruned and the next-best index takes the slot in the same step.
    List<String> in = List.of("ab 12 cd 3", "Xy 7 Zq");
    List<String> out = List.of("ab", "Xy");
    Program wrong = Program.of(new GetToken(Type.WORD, 2));
    Program right = Program.of(new GetToken(Type.WORD, 1));
    ScriptedModel model = ScriptedModel.builder().baseline()
        .task(in, out, List.of(Entry.ranked(wrong), Entry.ranked(right))).build();
    TwoLevelSearch search = new TwoLevelSearch(model);
    TwoLevelSearch.Outcome off = search.search(in, out, SearchBudget.of(1, 1), 0, c -> true);
    assertEquals(List.of(wrong), programs(off.candidates()));
    assertEquals(0, off.pruned());
    TwoLevelSearch.Outcome guided =
        search.search(in, out, SearchBudget.of(1, 1).withGuidance(Guidance.PREFIX), 0, c -> true);
    assertEquals(List.of(right), programs(guided.candidates()));
    assertTrue(guided.pruned() > 0);
    assertEquals(0, guided.beamsDied());
  }

  @Test
  void aBeamWhoseRowsAllDieIsCounted() {
    // Every scripted program starts with a wrong first expression: nothing finishes.
    ScriptedModel model = ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(Entry.ranked(WRONG_FIRST))).build();
    TwoLevelSearch.Outcome guided = new TwoLevelSearch(model)
        .search(IN, OUT, SearchBudget.of(1, 1).withGuidance(Guidance.PREFIX), 0, c -> true);
    assertTrue(guided.candidates().isEmpty());
    assertEquals(1, guided.beamsDied());
    assertEquals(1, guided.programBeams());
  }

  @Test
  void eosIsRefusedOnAnIncompleteOutput() {
    ScriptedModel model = ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(Entry.ranked(INCOMPLETE), Entry.ranked(SOLUTION))).build();
    TwoLevelSearch search = new TwoLevelSearch(model);
    assertEquals(List.of(INCOMPLETE), programs(search.search(IN, OUT, SearchBudget.of(1, 1), 0, c -> true).candidates()));
    assertEquals(List.of(SOLUTION), programs(search.search(IN, OUT,
        SearchBudget.of(1, 1).withGuidance(Guidance.PREFIX), 0, c -> true).candidates()));
  }

  @Test
  void equivalentPrefixesKeepTheBetterOne() {
    // SOLUTION and TWIN reach the same output positions after one expression: guided, TWIN's slot
    // goes to OTHER.
    ScriptedModel model = ScriptedModel.builder().baseline()
        .task(IN, OUT, List.of(Entry.ranked(SOLUTION), Entry.ranked(TWIN), Entry.ranked(OTHER))).build();
    TwoLevelSearch search = new TwoLevelSearch(model);
    assertEquals(List.of(SOLUTION, TWIN),
        programs(search.search(IN, OUT, SearchBudget.of(2, 1), 0, c -> true).candidates()));
    TwoLevelSearch.Outcome guided =
        search.search(IN, OUT, SearchBudget.of(2, 1).withGuidance(Guidance.PREFIX), 0, c -> true);
    assertEquals(List.of(SOLUTION, OTHER), programs(guided.candidates()));
  }

  @Test
  void statesComeFromTheirOwnGuidance() {
    PrefixGuidance g = new PrefixGuidance(IN, OUT);
    assertThrows(IllegalArgumentException.class, () -> g.advance(5, Tokens.TRIM));
    assertThrows(IllegalArgumentException.class, () -> new PrefixGuidance(List.of("a"), List.of()));
    assertEquals(Guidance.PREFIX, Guidance.parse(" Prefix "));
    var bad = assertThrows(IllegalArgumentException.class, () -> Guidance.parse("maybe"));
    assertTrue(bad.getMessage().contains("off, prefix"), bad.getMessage());
  }

  private static int[] body(Program p) {
    int[] ids = Tokens.encode(p);
    return java.util.Arrays.copyOf(ids, ids.length - 1);
  }

  private static List<Program> programs(List<Candidate> cs) {
    return cs.stream().map(Candidate::programOrNull).toList();
  }
}
