package dev.lp.eval;

import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.ConstStr;
import dev.lp.dsl.Program;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import dev.lp.search.Consistency;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.util.List;

/**
 * Eight sampled tasks and scripted models that solve a known subset of them, so accuracies are
 * exact. With the LP model (codes {3} and {4}):
 *
 * <ul>
 *   <li>task 0: the ground truth is the only program → solved at every budget;
 *   <li>task 1: a wrong program, then the ground truth, both under code {3} → needs ≥ 2 programs
 *       per code;
 *   <li>task 2: only a wrong program → never solved;
 *   <li>task 3: a wrong program under code {3}, the ground truth under code {4} → needs ≥ 2 latent
 *       beams;
 *   <li>tasks 4..7: not scripted → never solved.
 * </ul>
 */
final class Fixtures {

  static final int[] CODE_A = {3};
  static final int[] CODE_B = {4};

  private Fixtures() {}

  static List<Task> tasks() {
    TaskSampler sampler = new TaskSampler(SamplerConfig.paper().withMaxExpressions(3));
    return sampler.stream(11, 0, 8).toList();
  }

  /**
   * A one-expression ConstStr program that does not solve task i. It is never longer than the
   * ground truth, so with its better script rank it also has the larger probability and even a
   * width-1 beam (which is not exact) finds it first.
   */
  static Program wrong(List<Task> tasks, int i) {
    Task t = tasks.get(i);
    if (Tokens.encode(t.program()).length - 1 < 2) {
      throw new IllegalStateException("task " + i + " has a 1-token program; pick another seed");
    }
    for (char c : "#xyz7".toCharArray()) {
      Program p = Program.of(new ConstStr(c));
      if (!Consistency.consistent(p, t.inputs(), t.outputs())) {
        return p;
      }
    }
    throw new IllegalStateException("no wrong program for task " + i);
  }

  static ScriptedModel lp(List<Task> tasks) {
    ScriptedModel.Builder b = ScriptedModel.builder().maxProgramLength(60).version("scripted-lp");
    script(b, tasks, 0, List.of(Entry.ranked(CODE_A, tasks.get(0).program())));
    script(b, tasks, 1, List.of(Entry.ranked(CODE_A, wrong(tasks, 1)), Entry.ranked(CODE_A, tasks.get(1).program())));
    script(b, tasks, 2, List.of(Entry.ranked(CODE_A, wrong(tasks, 2))));
    script(b, tasks, 3, List.of(Entry.ranked(CODE_A, wrong(tasks, 3)), Entry.ranked(CODE_B, tasks.get(3).program())));
    return b.build();
  }

  /** The baseline: task 0 first-ranked, tasks 1 and 3 second-ranked, task 2 wrong only. */
  static ScriptedModel baseline(List<Task> tasks) {
    ScriptedModel.Builder b = ScriptedModel.builder().baseline().maxProgramLength(60).version("scripted-base");
    script(b, tasks, 0, List.of(Entry.ranked(tasks.get(0).program())));
    script(b, tasks, 1, List.of(Entry.ranked(wrong(tasks, 1)), Entry.ranked(tasks.get(1).program())));
    script(b, tasks, 2, List.of(Entry.ranked(wrong(tasks, 2))));
    script(b, tasks, 3, List.of(Entry.ranked(wrong(tasks, 3)), Entry.ranked(tasks.get(3).program())));
    return b.build();
  }

  private static void script(ScriptedModel.Builder b, List<Task> tasks, int i, List<Entry> entries) {
    b.task(tasks.get(i).inputs(), tasks.get(i).outputs(), entries);
  }
}
