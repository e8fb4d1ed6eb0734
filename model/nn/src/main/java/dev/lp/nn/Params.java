package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Named float tensors of one network (trainable weights plus non-trainable state such as the EMA
 * codebook statistics), all owned by one NDManager; saved as one self-checking file.
 *
 * <p>File layout: magic "LPNN", format version, the ModelConfig JSON, then (name, NDArray.encode
 * bytes) per tensor, then a CRC32 of everything before it, so truncation and corruption are
 * detected before any tensor is used.
 */
final class Params implements AutoCloseable {
  private static final int MAGIC = 0x4C504E4E;
  private static final int FORMAT = 1;

  private final NDManager manager;
  private final Map<String, NDArray> arrays = new LinkedHashMap<>();
  private final List<String> trainable = new ArrayList<>();
  private final SplittableRandom random;

  Params(NDManager manager, long seed) {
    this.manager = manager;
    this.random = new SplittableRandom(seed);
  }

  NDManager manager() {
    return manager;
  }

  NDArray get(String name) {
    NDArray a = arrays.get(name);
    if (a == null) {
      throw new IllegalStateException("no parameter named " + name);
    }
    return a;
  }

  boolean has(String name) {
    return arrays.containsKey(name);
  }

  /** Trainable parameter names in creation order. */
  List<String> trainable() {
    return Collections.unmodifiableList(trainable);
  }

  Map<String, NDArray> all() {
    return Collections.unmodifiableMap(arrays);
  }

  long count() {
    long n = 0;
    for (String name : trainable) {
      n += arrays.get(name).size();
    }
    return n;
  }

  /** A linear layer {@code name.w [out,in]} (Xavier uniform) and {@code name.b [out]} (zeros). */
  void linear(String name, int in, int out) {
    float a = (float) Math.sqrt(6.0 / (in + out));
    add(name + ".w", new Shape(out, in), uniform(out * in, a), true);
    add(name + ".b", new Shape(out), new float[out], true);
  }

  /** A layer norm {@code name.g} (ones) and {@code name.b} (zeros). */
  void layerNorm(String name, int d) {
    float[] ones = new float[d];
    java.util.Arrays.fill(ones, 1f);
    add(name + ".g", new Shape(d), ones, true);
    add(name + ".b", new Shape(d), new float[d], true);
  }

  /** An embedding table {@code name [vocab, d]} drawn from N(0, std^2). */
  void embedding(String name, int vocab, int d, float std) {
    add(name, new Shape(vocab, d), normal(vocab * d, std), true);
  }

  /** A 1-D convolution {@code name.w [out, in, k]} (Xavier uniform) and {@code name.b}. */
  void conv1d(String name, int in, int out, int k) {
    float a = (float) Math.sqrt(6.0 / (in * k + out * k));
    add(name + ".w", new Shape(out, in, k), uniform(out * in * k, a), true);
    add(name + ".b", new Shape(out), new float[out], true);
  }

  /**
   * Writes value into target's own storage, in place. Not {@code copyTo}: DJL's PyTorch
   * {@code set(Buffer)} behind it re-points the tensor at a Java direct buffer that lives only as
   * long as the Java wrapper it was called on, so a short-lived wrapper of a long-lived tensor (a
   * gradient handle, a view) leaves that tensor on freed memory.
   */
  static void assign(NDArray target, NDArray value) {
    target.set(ALL, value);
  }

  /** Sets every element of target to value, in place (NaN and infinity included). */
  static void fill(NDArray target, float value) {
    target.set(ALL, value);
  }

  private static final ai.djl.ndarray.index.NDIndex ALL = new ai.djl.ndarray.index.NDIndex("...");

  NDArray add(String name, Shape shape, float[] values, boolean train) {
    if (arrays.containsKey(name)) {
      throw new IllegalStateException("duplicate parameter " + name);
    }
    NDArray a = manager.create(values, shape);
    a.setName(name);
    if (train) {
      a.setRequiresGradient(true);
      trainable.add(name);
    }
    arrays.put(name, a);
    return a;
  }

  float[] uniform(int n, float a) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((random.nextDouble() * 2 - 1) * a);
    }
    return v;
  }

  float[] normal(int n, float std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return v;
  }

  /** Writes every tensor atomically (temp file, then rename). */
  void save(Path file, String configJson) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      writeString(out, configJson);
      out.writeInt(arrays.size());
      for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
        writeString(out, e.getKey());
        byte[] data = e.getValue().encode();
        out.writeInt(data.length);
        out.write(data);
      }
      out.flush();
      CheckedFile.write(file, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save weights to " + file + ": " + e.getMessage(), e);
    }
  }

  /** The config JSON stored in a weights file, after checking magic and checksum. */
  static Stored read(Path file) {
    byte[] all = CheckedFile.read(file, "weights file " + file, MAGIC, "weights", 16);
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8));
      in.readInt();
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("weights file " + file + " has format " + format + ", expected " + FORMAT);
      }
      String json = readString(in);
      int n = in.readInt();
      Map<String, byte[]> tensors = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = readString(in);
        int len = in.readInt();
        if (len < 0 || len > all.length) {
          throw new IllegalArgumentException("weights file " + file + " has a bad length for tensor " + name);
        }
        byte[] data = new byte[len];
        in.readFully(data);
        tensors.put(name, data);
      }
      return new Stored(json, tensors);
    } catch (EOFException e) {
      throw new IllegalArgumentException("weights file " + file + " is truncated", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read weights file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Copies stored tensors into these parameters; every name and shape must match exactly. */
  void load(Stored stored, Path file) {
    List<String> problems = new ArrayList<>();
    for (String name : arrays.keySet()) {
      if (!stored.tensors.containsKey(name)) {
        problems.add("missing " + name);
      }
    }
    for (String name : stored.tensors.keySet()) {
      if (!arrays.containsKey(name)) {
        problems.add("unexpected " + name);
      }
    }
    if (problems.isEmpty()) {
      for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
        try (NDManager tmp = manager.newSubManager()) {
          NDArray v = NDArray.decode(tmp, stored.tensors.get(e.getKey()));
          if (!v.getShape().equals(e.getValue().getShape()) || v.getDataType() != DataType.FLOAT32) {
            problems.add(e.getKey() + " has shape " + v.getShape() + " in the file, expected " + e.getValue().getShape());
            continue;
          }
          assign(e.getValue(), v);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("weights file " + file + " does not match the config: "
          + String.join(", ", problems.subList(0, Math.min(8, problems.size())))
          + (problems.size() > 8 ? " (and " + (problems.size() - 8) + " more)" : ""));
    }
  }

  record Stored(String configJson, Map<String, byte[]> tensors) {}

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 24)) {
      throw new IOException("bad string length " + n);
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    manager.close();
  }
}
