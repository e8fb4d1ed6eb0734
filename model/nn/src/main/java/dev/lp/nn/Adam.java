package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (β1 = 0.9, β2 = 0.98, ε = 1e-9, as the reference) over a network's trainable parameters: its
 * step count and first and second moments, the update, and the state's binary file format. Hand
 * written (it was part of Network) so that its state is saved with a checkpoint and restored bit for bit.
 */
final class Adam {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.98f;
  private static final float EPS = 1e-9f;
  private static final int OPTIMIZER_MAGIC = 0x4C504F50; // "LPOP"
  private static final int OPTIMIZER_FORMAT = 1;

  private final Map<String, NDArray[]> moments = new HashMap<>();
  private long steps;

  /** Updates applied so far: the bias-correction step, restored by {@link #load}. */
  long steps() {
    return steps;
  }

  /**
   * One update of every parameter in {@code grads} (gradients scaled by {@code scale} first), with
   * bias correction; the gradients are zeroed after.
   */
  void update(Params params, NDManager sub, Map<String, NDArray> grads, float lr, float scale) {
    steps++;
    float bc1 = 1f - (float) Math.pow(BETA1, steps);
    float bc2 = 1f - (float) Math.pow(BETA2, steps);
    for (Map.Entry<String, NDArray> e : grads.entrySet()) {
      NDArray w = params.get(e.getKey());
      NDArray raw = e.getValue();
      NDArray g = scale == 1f ? raw : raw.mul(scale);
      NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {
          params.manager().zeros(w.getShape()), params.manager().zeros(w.getShape())});
      mv[0].muli(BETA1).addi(g.mul(1f - BETA1));
      mv[1].muli(BETA2).addi(g.square().mul(1f - BETA2));
      NDArray mHat = view(mv[0], sub);
      NDArray den = view(mv[1], sub).sqrt().div((float) Math.sqrt(bc2)).add(EPS);
      w.subi(mHat.div(den).mul(lr / bc1));
      Params.fill(raw, 0f);
    }
  }

  /** A view of a parameter that autograd does not track (as Net#view). */
  private static NDArray view(NDArray param, NDManager m) {
    return param.get(m, new NDIndex(":"));
  }

  /**
   * Writes the Adam state (step count, first and second moments of every trainable parameter) to
   * one file, atomically (temp file, then rename). Together with {@link #save} it is all a resumed
   * run needs to continue exactly as if never stopped.
   *
   * <p>Layout: magic "LPOP", format version, Adam step count, parameter count, then per trainable
   * parameter its name and the NDArray.encode bytes of m and v, then a CRC32 of everything before.
   * A parameter not yet updated is written with zero moments, which is what Adam starts from.
   */
  void save(Path file, Params params, NDManager manager) {
    if (file == null) {
      throw new IllegalArgumentException("optimizer state file must not be null");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (NDManager sub = manager.newSubManager()) {
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(OPTIMIZER_MAGIC);
      out.writeInt(OPTIMIZER_FORMAT);
      out.writeLong(steps);
      List<String> names = params.trainable();
      out.writeInt(names.size());
      for (String name : names) {
        NDArray[] mv = moments.get(name);
        out.writeUTF(name);
        for (int i = 0; i < 2; i++) {
          byte[] data = (mv == null ? sub.zeros(params.get(name).getShape()) : mv[i]).encode();
          out.writeInt(data.length);
          out.write(data);
        }
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode optimizer state: " + e.getMessage(), e);
    }
    try {
      CheckedFile.write(file, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save optimizer state to " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Replaces the Adam state with the one {@link #saveOptimizerState} wrote. All or nothing: the
   * file is checked completely first, and an IllegalArgumentException naming the problem is thrown
   * (this network unchanged) when it is missing, truncated, corrupt, of another format, or its
   * parameter names or shapes differ from this network's.
   */
  void load(Path file, Params params, NDManager manager) {
    if (file == null) {
      throw new IllegalArgumentException("optimizer state file must not be null");
    }
    String what = "optimizer state file " + file;
    byte[] all = CheckedFile.read(file, what, OPTIMIZER_MAGIC, "optimizer state", 28);
    long savedSteps;
    Map<String, byte[][]> stored = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8));
      in.readInt();
      int format = in.readInt();
      if (format != OPTIMIZER_FORMAT) {
        throw new IllegalArgumentException(what + " has format " + format + ", expected " + OPTIMIZER_FORMAT);
      }
      savedSteps = in.readLong();
      int n = in.readInt();
      if (savedSteps < 0 || n < 0) {
        throw new IllegalArgumentException(what + " has a negative step count or parameter count");
      }
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        byte[][] mv = new byte[2][];
        for (int j = 0; j < 2; j++) {
          int len = in.readInt();
          if (len < 0 || len > all.length) {
            throw new IllegalArgumentException(what + " has a bad length for the moments of " + name);
          }
          mv[j] = new byte[len];
          in.readFully(mv[j]);
        }
        if (stored.put(name, mv) != null) {
          problems.add("duplicate " + name);
        }
      }
    } catch (EOFException e) {
      throw new IllegalArgumentException(what + " is truncated", e);
    } catch (java.io.UTFDataFormatException e) {
      throw new IllegalArgumentException(what + " has a parameter name that is not valid UTF-8", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + ": " + e.getMessage(), e);
    }
    for (String name : params.trainable()) {
      if (!stored.containsKey(name)) {
        problems.add("missing " + name);
      }
    }
    for (String name : stored.keySet()) {
      if (!params.trainable().contains(name)) {
        problems.add("unexpected " + name);
      }
    }
    try (NDManager tmp = manager.newSubManager()) {
      Map<String, NDArray[]> decoded = new LinkedHashMap<>();
      if (problems.isEmpty()) {
        for (String name : params.trainable()) {
          Shape expected = params.get(name).getShape();
          NDArray[] mv = new NDArray[2];
          for (int j = 0; j < 2; j++) {
            try {
              mv[j] = NDArray.decode(tmp, stored.get(name)[j]);
            } catch (RuntimeException e) {
              throw new IllegalArgumentException(what + " has undecodable moments for " + name + ": " + e.getMessage(), e);
            }
            if (!mv[j].getShape().equals(expected) || mv[j].getDataType() != DataType.FLOAT32) {
              problems.add(name + " has " + mv[j].getDataType() + " moments of shape " + mv[j].getShape()
                  + " in the file, expected float32 " + expected);
              break;
            }
          }
          decoded.put(name, mv);
        }
      }
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(what + " does not match this network: "
            + String.join(", ", problems.subList(0, Math.min(8, problems.size())))
            + (problems.size() > 8 ? " (and " + (problems.size() - 8) + " more)" : ""));
      }
      for (Map.Entry<String, NDArray[]> e : decoded.entrySet()) {
        NDArray[] mv = moments.computeIfAbsent(e.getKey(), k -> new NDArray[] {
            params.manager().zeros(e.getValue()[0].getShape()), params.manager().zeros(e.getValue()[0].getShape())});
        Params.assign(mv[0], e.getValue()[0]);
        Params.assign(mv[1], e.getValue()[1]);
      }
      steps = savedSteps;
    }
  }
}
