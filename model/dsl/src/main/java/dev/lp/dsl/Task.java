package dev.lp.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A programming-by-example task: inputs[k] maps to outputs[k] (same, non-zero count, no nulls), with the
 * program that produced it when known (null otherwise), and optionally hidden examples: more pairs from
 * the same program that a synthesizer is not shown, to test whether what it found generalises. Strings
 * are not checked against the alphabet here; {@link Alphabet#encodeIo} does that where it matters.
 */
public record Task(List<String> inputs, List<String> outputs, Program program, List<String> hiddenInputs,
    List<String> hiddenOutputs) {
  public Task {
    inputs = copy("inputs", inputs);
    outputs = copy("outputs", outputs);
    if (inputs.size() != outputs.size()) {
      throw new DslException("Task: " + inputs.size() + " inputs but " + outputs.size() + " outputs");
    }
    if (inputs.isEmpty()) {
      throw new DslException("Task: needs at least one example");
    }
    hiddenInputs = copy("hidden inputs", hiddenInputs == null ? List.of() : hiddenInputs);
    hiddenOutputs = copy("hidden outputs", hiddenOutputs == null ? List.of() : hiddenOutputs);
    if (hiddenInputs.size() != hiddenOutputs.size()) {
      throw new DslException("Task: " + hiddenInputs.size() + " hidden inputs but " + hiddenOutputs.size()
          + " hidden outputs");
    }
  }

  /** A task without hidden examples. */
  public Task(List<String> inputs, List<String> outputs, Program program) {
    this(inputs, outputs, program, List.of(), List.of());
  }

  /**
   * This task with its last {@code k} shown examples moved to the hidden ones (at least one stays
   * shown).
   *
   * @throws DslException if k is negative or would leave no shown example
   */
  public Task hideLast(int k) {
    if (k < 0 || k >= inputs.size()) {
      throw new DslException("Task: cannot hide " + k + " of " + inputs.size() + " examples (one must stay shown)");
    }
    int shown = inputs.size() - k;
    List<String> hi = new ArrayList<>(inputs.subList(shown, inputs.size()));
    List<String> ho = new ArrayList<>(outputs.subList(shown, outputs.size()));
    hi.addAll(hiddenInputs);
    ho.addAll(hiddenOutputs);
    return new Task(inputs.subList(0, shown), outputs.subList(0, shown), program, hi, ho);
  }

  /** Whether the task has hidden examples. */
  public boolean hasHidden() {
    return !hiddenInputs.isEmpty();
  }

  /** Whether {@code p} reproduces every hidden output from its input (true when there are none). */
  public boolean generalises(Program p) {
    for (int k = 0; k < hiddenInputs.size(); k++) {
      if (!p.apply(hiddenInputs.get(k)).equals(hiddenOutputs.get(k))) {
        return false;
      }
    }
    return true;
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
