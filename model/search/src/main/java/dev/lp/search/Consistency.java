package dev.lp.search;

import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import java.util.List;

/**
 * The paper's success test: a program is consistent with a specification when it maps every
 * example input to its output exactly.
 */
public final class Consistency {

  private Consistency() {}

  /**
   * Whether {@code p} reproduces {@code outputs} from {@code inputs}. A program that fails while
   * running (e.g. an input character outside the DSL alphabet) is inconsistent.
   *
   * @throws IllegalArgumentException if a list is null or empty, contains null, or the sizes differ
   */
  public static boolean consistent(Program p, List<String> inputs, List<String> outputs) {
    checkExamples(inputs, outputs);
    if (p == null) {
      throw new IllegalArgumentException("program is null");
    }
    return runs(p, inputs, outputs);
  }

  /**
   * Whether the ids decode to a program that is consistent; ids that do not decode (null, bad ids,
   * no EOS) are inconsistent, never an exception.
   *
   * @throws IllegalArgumentException only for malformed examples, as {@link #consistent(Program,
   *     List, List)}
   */
  public static boolean consistent(int[] programIds, List<String> inputs, List<String> outputs) {
    checkExamples(inputs, outputs);
    Program p;
    try {
      p = Tokens.decode(programIds);
    } catch (RuntimeException e) {
      return false;
    }
    return runs(p, inputs, outputs);
  }

  /** Whether the candidate parsed and is consistent. */
  public static boolean consistent(Candidate c, List<String> inputs, List<String> outputs) {
    checkExamples(inputs, outputs);
    return c != null && c.parsed() && runs(c.programOrNull(), inputs, outputs);
  }

  private static boolean runs(Program p, List<String> inputs, List<String> outputs) {
    for (int i = 0; i < inputs.size(); i++) {
      String got;
      try {
        got = p.apply(inputs.get(i));
      } catch (RuntimeException e) {
        return false;
      }
      if (!outputs.get(i).equals(got)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks that the examples form a specification: non-null, non-empty, equal sizes, no null.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static void checkExamples(List<String> inputs, List<String> outputs) {
    if (inputs == null || outputs == null) {
      throw new IllegalArgumentException("examples are null: inputs " + (inputs == null ? "null" : "given")
          + ", outputs " + (outputs == null ? "null" : "given"));
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("no examples: inputs are empty");
    }
    if (inputs.size() != outputs.size()) {
      throw new IllegalArgumentException(inputs.size() + " inputs but " + outputs.size() + " outputs");
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i) == null || outputs.get(i) == null) {
        throw new IllegalArgumentException("example " + i + " has a null "
            + (inputs.get(i) == null ? "input" : "output"));
      }
    }
  }
}
