package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lp.dsl.Alphabet;
import dev.lp.dsl.DslException;
import java.util.List;

/** The examples of one request as character ids, checked, for the synthesis ports of both model families. */
final class IoStrings {
  private IoStrings() {}

  /** A request's examples, checked and as character ids. */
  record Examples(int[][] inputs, int[][] outputs) {
    /** Checks the examples (each string at most {@code maxLength} characters) and encodes them. */
    static Examples of(List<String> inputs, List<String> outputs, int maxLength) {
      checkExamples(inputs, outputs);
      return new Examples(ids(inputs, "input", maxLength), ids(outputs, "output", maxLength));
    }

    int count() {
      return inputs.length;
    }

    /** {inputs [E,Tin], outputs [E,Tout]}, right-padded with 0, in m. */
    NDArray[] arrays(NDManager m) {
      return new NDArray[] {m.create(pad(inputs), new Shape(count(), width(inputs))),
          m.create(pad(outputs), new Shape(count(), width(outputs)))};
    }
  }

  /** IllegalArgumentException unless inputs and outputs are non-null lists of the same positive size. */
  static void checkExamples(List<String> inputs, List<String> outputs) {
    if (inputs == null || outputs == null) {
      throw new IllegalArgumentException("inputs and outputs must not be null");
    }
    if (inputs.isEmpty() || inputs.size() != outputs.size()) {
      throw new IllegalArgumentException("need the same positive number of inputs and outputs, got "
          + inputs.size() + " and " + outputs.size());
    }
  }

  /** Character ids of each string; {@code what} ("input", "output") and the index name a bad one. */
  static int[][] ids(List<String> strings, String what, int maxLength) {
    int[][] ids = new int[strings.size()][];
    for (int i = 0; i < ids.length; i++) {
      String s = strings.get(i);
      if (s == null) {
        throw new IllegalArgumentException(what + " " + i + " is null");
      }
      if (s.length() > maxLength) {
        throw new IllegalArgumentException(what + " " + i + " has " + s.length() + " characters, more than "
            + maxLength + " (the longest string this model can encode)");
      }
      try {
        ids[i] = Alphabet.encodeIo(s);
      } catch (DslException ex) {
        throw new IllegalArgumentException(what + " " + i + ": " + ex.getMessage(), ex);
      }
    }
    return ids;
  }

  /** The longest row's length (at least 1). */
  static int width(int[][] rows) {
    int w = 1;
    for (int[] r : rows) {
      w = Math.max(w, r.length);
    }
    return w;
  }

  /** Rows right-padded with 0 to {@link #width}, flattened row-major. */
  static int[] pad(int[][] rows) {
    int w = width(rows);
    int[] flat = new int[rows.length * w];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * w, rows[i].length);
    }
    return flat;
  }
}
