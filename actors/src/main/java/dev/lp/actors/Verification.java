package dev.lp.actors;

import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Tokens;
import dev.lp.search.Candidate;
import dev.lp.search.Consistency;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The pure check behind {@link Verifier}: run a decoded candidate on the examples and compare. */
final class Verification {
  private Verification() {}

  /**
   * The verdict on one candidate; {@code consistent} is {@link dev.lp.search.Consistency}'s test.
   *
   * @param programIds the candidate's ids without the trailing EOS
   * @param programText the program in DSL text, or why the ids do not form a program
   * @param consistent whether the program reproduces every example output
   * @param outputs the program's output per input ("" where it fails; empty when unparsed)
   */
  record Result(int[] programIds, String programText, boolean consistent, List<String> outputs) {}

  static Result check(Candidate c, List<String> inputs, List<String> outputs) {
    int[] tokens = c.tokens();
    int n = tokens.length;
    int[] ids = n > 0 && tokens[n - 1] == Tokens.EOS ? Arrays.copyOf(tokens, n - 1) : tokens;
    if (!c.parsed()) {
      return new Result(ids, "<invalid program: " + c.parseError() + ">", false, List.of());
    }
    // Each input runs once; the verdict is Consistency's rule applied to these runs.
    List<String> runs = Consistency.outputs(c.programOrNull(), inputs);
    boolean ok = Consistency.matches(runs, outputs);
    List<String> got = new ArrayList<>(runs.size());
    for (String r : runs) {
      got.add(r == null ? "" : r);
    }
    return new Result(ids, ProgramText.print(c.programOrNull()), ok, List.copyOf(got));
  }
}
