package dev.lp.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A programming-by-example task: inputs[k] maps to outputs[k] (same, non-zero count, no nulls), with the
 * program that produced it when known (null otherwise). Strings are not checked against the alphabet here;
 * {@link Alphabet#encodeIo} does that where it matters.
 */
public record Task(List<String> inputs, List<String> outputs, Program program) {
  public Task {
    inputs = copy("inputs", inputs);
    outputs = copy("outputs", outputs);
    if (inputs.size() != outputs.size()) {
      throw new DslException("Task: " + inputs.size() + " inputs but " + outputs.size() + " outputs");
    }
    if (inputs.isEmpty()) {
      throw new DslException("Task: needs at least one example");
    }
  }

  /** Number of I/O examples. */
  public int size() {
    return inputs.size();
  }

  /** Whether program (if any) reproduces every output from its input. */
  public boolean programIsConsistent() {
    if (program == null) {
      return false;
    }
    for (int k = 0; k < inputs.size(); k++) {
      if (!program.apply(inputs.get(k)).equals(outputs.get(k))) {
        return false;
      }
    }
    return true;
  }

  private static List<String> copy(String what, List<String> list) {
    if (list == null) {
      throw new DslException("Task: " + what + " is null");
    }
    List<String> out = new ArrayList<>(list.size());
    for (int k = 0; k < list.size(); k++) {
      String s = list.get(k);
      if (s == null) {
        throw new DslException("Task: " + what + "[" + k + "] is null", k);
      }
      out.add(s);
    }
    return Collections.unmodifiableList(out);
  }
}
