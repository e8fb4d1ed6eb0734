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

  /**
   * The program's output on every input, null where it fails while running; with {@link
   * #matches} this is {@link #consistent}'s rule, for callers that also show the outputs.
   */
  public static List<String> outputs(Program p, List<String> inputs) {
    java.util.ArrayList<String> got = new java.util.ArrayList<>(inputs.size());
    for (String in : inputs) {
      try {
        got.add(p.apply(in));
      } catch (RuntimeException e) {
        got.add(null);
      }
    }
    return got;
  }

  /** Whether every run succeeded ({@code got} has no null) and gave exactly the expected output. */
  public static boolean matches(List<String> got, List<String> outputs) {
    if (got.size() != outputs.size()) {
      return false;
    }
    for (int i = 0; i < got.size(); i++) {
      if (got.get(i) == null || !got.get(i).equals(outputs.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean runs(Program p, List<String> inputs, List<String> outputs) {
    return matches(outputs(p, inputs), outputs);
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
