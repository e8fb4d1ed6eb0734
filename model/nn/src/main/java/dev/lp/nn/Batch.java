package dev.lp.nn;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of tasks as int arrays, length-bucketed: every array is padded with 0 to the longest
 * string (or program) of this batch, not to the configured maximum, because sequence length
 * dominates the cost.
 *
 * @param inputs {@code [B][E][Tin]} I/O ids 1..83, 0 = pad
 * @param outputs {@code [B][E][Tout]} I/O ids, 0 = pad
 * @param programs {@code [B][T]} program token ids ending in EOS, PAD after
 */
public record Batch(int[][][] inputs, int[][][] outputs, int[][] programs) {

  public Batch {
    if (inputs == null || outputs == null || programs == null) {
      throw new IllegalArgumentException("Batch arrays must not be null");
    }
    int b = inputs.length;
    if (b == 0) {
      throw new IllegalArgumentException("Batch is empty");
    }
    if (outputs.length != b || programs.length != b) {
      throw new IllegalArgumentException("Batch sizes differ: inputs " + b + ", outputs " + outputs.length
          + ", programs " + programs.length);
    }
    int e = inputs[0].length;
    if (e == 0) {
      throw new IllegalArgumentException("Batch task 0 has no examples");
    }
    int tin = inputs[0][0].length;
    int tout = outputs[0].length == 0 ? 0 : outputs[0][0].length;
    int t = programs[0].length;
    if (tin == 0 || tout == 0 || t == 0) {
      throw new IllegalArgumentException("Batch has an empty dimension: Tin " + tin + ", Tout " + tout + ", T " + t);
    }
    for (int i = 0; i < b; i++) {
      if (inputs[i].length != e || outputs[i].length != e) {
        throw new IllegalArgumentException("Batch task " + i + " has " + inputs[i].length + " inputs and "
            + outputs[i].length + " outputs, expected " + e);
      }
      for (int j = 0; j < e; j++) {
        checkRow(inputs[i][j], tin, Alphabet.IO_VOCAB, "input", i, j);
        checkRow(outputs[i][j], tout, Alphabet.IO_VOCAB, "output", i, j);
      }
      checkRow(programs[i], t, Tokens.VOCAB, "program", i, -1);
      if (programs[i][0] == Tokens.PAD) {
        throw new IllegalArgumentException("Batch program " + i + " is empty (starts with PAD)");
      }
    }
  }

  private static void checkRow(int[] row, int len, int vocab, String what, int task, int ex) {
    String where = what + " " + (ex >= 0 ? task + "/" + ex : String.valueOf(task));
    if (row == null || row.length != len) {
      throw new IllegalArgumentException("Batch " + where + " has length " + (row == null ? "null" : row.length)
          + ", expected " + len + " (rows must be padded to one length)");
    }
    for (int k = 0; k < len; k++) {
      if (row[k] < 0 || row[k] >= vocab) {
        throw new IllegalArgumentException("Batch " + where + " has id " + row[k] + " at " + k
            + ", outside 0.." + (vocab - 1));
      }
    }
  }

  public int size() {
    return inputs.length;
  }

  public int examples() {
    return inputs[0].length;
  }

  /** Encodes tasks with {@link Alphabet#encodeIo} and {@link Tokens#encode}. */
  public static Batch of(List<Task> tasks) {
    if (tasks == null || tasks.isEmpty()) {
      throw new IllegalArgumentException("cannot batch an empty task list");
    }
    List<List<String>> ins = new ArrayList<>();
    List<List<String>> outs = new ArrayList<>();
    List<int[]> progs = new ArrayList<>();
    for (Task t : tasks) {
      ins.add(t.inputs());
      outs.add(t.outputs());
      progs.add(Tokens.encode(t.program()));
    }
    return encode(ins, outs, progs);
  }

  /**
   * Encodes raw examples and program token ids (each ending in EOS); all tasks must have the same
   * number of examples.
   */
  public static Batch encode(List<List<String>> inputs, List<List<String>> outputs, List<int[]> programs) {
    int b = inputs.size();
    if (outputs.size() != b || programs.size() != b || b == 0) {
      throw new IllegalArgumentException("cannot batch " + b + " inputs, " + outputs.size() + " outputs, "
          + programs.size() + " programs");
    }
    int e = inputs.get(0).size();
    int tin = 1;
    int tout = 1;
    int t = 1;
    for (int i = 0; i < b; i++) {
      if (inputs.get(i).size() != e || outputs.get(i).size() != e) {
        throw new IllegalArgumentException("task " + i + " has " + inputs.get(i).size() + " inputs and "
            + outputs.get(i).size() + " outputs; every task of a batch needs " + e);
      }
      for (String s : inputs.get(i)) {
        tin = Math.max(tin, s.length());
      }
      for (String s : outputs.get(i)) {
        tout = Math.max(tout, s.length());
      }
      int[] p = programs.get(i);
      if (p.length == 0 || p[p.length - 1] != Tokens.EOS) {
        throw new IllegalArgumentException("program " + i + " must end in EOS (" + Tokens.EOS + ")");
      }
      t = Math.max(t, p.length);
    }
    int[][][] in = new int[b][e][];
    int[][][] out = new int[b][e][];
    int[][] prog = new int[b][t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < e; j++) {
        in[i][j] = padded(Alphabet.encodeIo(inputs.get(i).get(j)), tin);
        out[i][j] = padded(Alphabet.encodeIo(outputs.get(i).get(j)), tout);
      }
      System.arraycopy(programs.get(i), 0, prog[i], 0, programs.get(i).length);
    }
    return new Batch(in, out, prog);
  }

  static int[] padded(int[] ids, int len) {
    int[] r = new int[len];
    System.arraycopy(ids, 0, r, 0, Math.min(len, ids.length));
    return r;
  }
}
