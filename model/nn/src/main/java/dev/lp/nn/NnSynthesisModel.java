package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.lp.dsl.Alphabet;
import dev.lp.dsl.DslException;
import dev.lp.dsl.Tokens;
import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link SynthesisModel} port over a {@link Network}'s weights: dropout off, KV-cached
 * decoders, and {@link #stepAll} that runs decoders of one spec, kind and length as one forward
 * call.
 *
 * <p>Latent memories are padded (with key masks) to the longest latent code the model supports,
 * so program decoders with codes of different lengths still share one batch; masked positions
 * get exactly zero attention, so padding does not change any result.
 */
final class NnSynthesisModel implements SynthesisModel {
  private static final String PROGRAM = "pdec";
  private static final String LATENT = "lpred";

  private final Network owner;
  private final Net net;
  private final NDManager manager;
  private final ModelConfig cfg;
  private final ModelInfo info;
  private boolean closed;

  NnSynthesisModel(Network owner, Net net, NDManager parent, String version) {
    this.owner = owner;
    this.net = net;
    this.manager = parent.newSubManager();
    this.cfg = owner.config();
    this.info = new ModelInfo(cfg.kind(), version, Tokens.VOCAB, cfg.latentVocab(),
        cfg.isLatent() ? ModelConfig.LATENT_BOS : -1, cfg.isLatent() ? ModelConfig.LATENT_EOS : -1,
        cfg.maxProgramLength(), cfg.maxLatentLength());
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public Spec encode(List<String> inputs, List<String> outputs) {
    checkOpen();
    if (inputs == null || outputs == null) {
      throw new IllegalArgumentException("inputs and outputs must not be null");
    }
    if (inputs.isEmpty() || inputs.size() != outputs.size()) {
      throw new IllegalArgumentException("need the same positive number of inputs and outputs, got "
          + inputs.size() + " and " + outputs.size());
    }
    int e = inputs.size();
    int[][] in = encodeAll(inputs, "input");
    int[][] out = encodeAll(outputs, "output");
    JniUtils.setGradMode(false);
    NDManager m = manager.newSubManager();
    try {
      NDArray ins = m.create(pad(in), new Shape(e, width(in)));
      NDArray outs = m.create(pad(out), new Shape(e, width(out)));
      Net.Memory mem;
      try (NDManager tmp = m.newSubManager()) {
        tmp.tempAttachAll(ins, outs);
        Net.Memory full = net.encodeIo(ins, outs, e, false);
        full.mem().attach(m);
        full.mask().attach(m);
        mem = full;
      }
      return new NnSpec(m, mem);
    } catch (RuntimeException ex) {
      m.close();
      throw ex;
    }
  }

  private int[][] encodeAll(List<String> strings, String what) {
    int[][] ids = new int[strings.size()][];
    for (int i = 0; i < ids.length; i++) {
      String s = strings.get(i);
      if (s == null) {
        throw new IllegalArgumentException(what + " " + i + " is null");
      }
      // Training strings are at most maxIoLength long, but the sinusoidal positions reach further, so
      // slightly longer strings (the golden ExeDec sets have outputs of up to 104) are still encoded.
      if (s.length() > net.maxPositions()) {
        throw new IllegalArgumentException(what + " " + i + " has " + s.length() + " characters, more than "
            + net.maxPositions() + " (the longest string this model can encode)");
      }
      try {
        ids[i] = Alphabet.encodeIo(s);
      } catch (DslException ex) {
        throw new IllegalArgumentException(what + " " + i + ": " + ex.getMessage(), ex);
      }
    }
    return ids;
  }

  private static int width(int[][] rows) {
    int w = 1;
    for (int[] r : rows) {
      w = Math.max(w, r.length);
    }
    return w;
  }

  private static int[] pad(int[][] rows) {
    int w = width(rows);
    int[] flat = new int[rows.length * w];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * w, rows[i].length);
    }
    return flat;
  }

  @Override
  public Decoder latentDecoder(Spec spec, int rows) {
    checkOpen();
    if (!cfg.isLatent()) {
      throw new UnsupportedOperationException("model kind " + cfg.kind() + " has no latent codes");
    }
    NnSpec s = spec(spec);
    checkRows(rows);
    return new NnDecoder(s, LATENT, rows, cfg.latentVocab(), cfg.maxLatentLength(), null);
  }

  @Override
  public Decoder programDecoder(Spec spec, int[][] latents) {
    checkOpen();
    NnSpec s = spec(spec);
    if (latents == null) {
      throw new IllegalArgumentException("latents must not be null (pass one array per row)");
    }
    checkRows(latents.length);
    if (cfg.isLatent()) {
      int cap = cfg.maxLatentLength() - 1;
      for (int i = 0; i < latents.length; i++) {
        if (latents[i] == null) {
          throw new IllegalArgumentException("latent code of row " + i + " is null");
        }
        if (latents[i].length > cap) {
          throw new IllegalArgumentException("latent code of row " + i + " has " + latents[i].length
              + " codes, more than " + cap);
        }
        for (int j = 0; j < latents[i].length; j++) {
          int id = latents[i][j];
          if (id < ModelConfig.FIRST_CODE || id >= cfg.latentVocab()) {
            throw new IllegalArgumentException("latent code of row " + i + " has id " + id + " at " + j
                + ", expected a code id in " + ModelConfig.FIRST_CODE + ".." + (cfg.latentVocab() - 1)
                + " (no BOS/EOS/PAD)");
          }
        }
      }
    }
    return new NnDecoder(s, PROGRAM, latents.length, Tokens.VOCAB, cfg.maxProgramLength(),
        cfg.isLatent() ? latents : null);
  }

  private static void checkRows(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("a decoder needs at least one row, got " + rows);
    }
  }

  private NnSpec spec(Spec spec) {
    if (!(spec instanceof NnSpec s) || s.model() != this) {
      throw new IllegalArgumentException("spec was not made by this model");
    }
    if (s.closed) {
      throw new IllegalStateException("spec is closed");
    }
    return s;
  }

  @Override
  public List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
    checkOpen();
    if (decoders == null || tokens == null || decoders.size() != tokens.size()) {
      throw new IllegalArgumentException("stepAll needs one token array per decoder, got "
          + (decoders == null ? "null" : decoders.size()) + " decoders and "
          + (tokens == null ? "null" : tokens.size()) + " token arrays");
    }
    float[][][] results = new float[decoders.size()][][];
    Map<List<Object>, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < decoders.size(); i++) {
      if (!(decoders.get(i) instanceof NnDecoder d) || d.spec.model() != this) {
        throw new IllegalArgumentException("decoder " + i + " was not made by this model");
      }
      d.checkStep(tokens.get(i));
      groups.computeIfAbsent(List.of(d.spec, d.prefix, d.cache.length), k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : groups.values()) {
      if (group.size() == 1) {
        int i = group.get(0);
        results[i] = ((NnDecoder) decoders.get(i)).step(tokens.get(i));
      } else {
        List<NnDecoder> ds = new ArrayList<>();
        List<int[]> ts = new ArrayList<>();
        for (int i : group) {
          ds.add((NnDecoder) decoders.get(i));
          ts.add(tokens.get(i));
        }
        float[][][] out = stepMerged(ds, ts);
        for (int j = 0; j < group.size(); j++) {
          results[group.get(j)] = out[j];
        }
      }
    }
    return java.util.Arrays.asList(results);
  }

  /** Concatenates the rows of same-spec, same-kind, same-length decoders into one forward call. */
  private float[][][] stepMerged(List<NnDecoder> ds, List<int[]> tokens) {
    JniUtils.setGradMode(false);
    NnDecoder first = ds.get(0);
    int layers = cfg.decoderLayers();
    int total = 0;
    for (NnDecoder d : ds) {
      total += d.rows;
    }
    int[] tok = new int[total];
    int at = 0;
    for (int i = 0; i < ds.size(); i++) {
      System.arraycopy(tokens.get(i), 0, tok, at, ds.get(i).rows);
      at += ds.get(i).rows;
    }
    try (NDManager tmp = manager.newSubManager()) {
      Net.Cache merged = new Net.Cache();
      merged.exK = first.cache.exK;
      merged.exV = first.cache.exV;
      merged.exMask = first.cache.exMask;
      merged.length = first.cache.length;
      if (first.cache.selfK != null) {
        merged.selfK = new NDArray[layers];
        merged.selfV = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
          final int layer = l;
          merged.selfK[l] = concat(tmp, ds, d -> d.cache.selfK[layer]);
          merged.selfV[l] = concat(tmp, ds, d -> d.cache.selfV[layer]);
        }
      }
      if (first.cache.latK != null) {
        merged.latK = new NDArray[layers];
        merged.latV = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
          final int layer = l;
          merged.latK[l] = concat(tmp, ds, d -> d.cache.latK[layer]);
          merged.latV[l] = concat(tmp, ds, d -> d.cache.latV[layer]);
        }
        merged.latMask = concat(tmp, ds, d -> d.cache.latMask);
      }
      NDArray logits = net.step(first.prefix, merged, tmp.create(tok), first.groups, tmp);
      float[] flat = logits.logSoftmax(-1).toFloatArray();
      int vocab = first.vocab;
      long[] cuts = new long[ds.size() - 1];
      at = 0;
      for (int i = 0; i < cuts.length; i++) {
        at += ds.get(i).rows * first.groups;
        cuts[i] = at;
      }
      for (int l = 0; l < layers; l++) {
        NDList ks = merged.selfK[l].split(cuts, 0);
        NDList vs = merged.selfV[l].split(cuts, 0);
        for (int i = 0; i < ds.size(); i++) {
          ds.get(i).setSelf(l, ks.get(i), vs.get(i));
        }
      }
      float[][][] out = new float[ds.size()][][];
      at = 0;
      for (int i = 0; i < ds.size(); i++) {
        NnDecoder d = ds.get(i);
        d.cache.length++;
        out[i] = new float[d.rows][vocab];
        for (int r = 0; r < d.rows; r++) {
          System.arraycopy(flat, (at + r) * vocab, out[i][r], 0, vocab);
        }
        at += d.rows;
      }
      return out;
    }
  }

  private static NDArray concat(NDManager tmp, List<NnDecoder> ds, java.util.function.Function<NnDecoder, NDArray> f) {
    NDList list = new NDList();
    for (NnDecoder d : ds) {
      list.add(f.apply(d));
    }
    NDArray r = ai.djl.ndarray.NDArrays.concat(list, 0);
    r.attach(tmp);
    return r;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("synthesis model is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }

  // ---------------------------------------------------------------- handles

  /** Encoded examples of one task plus, per decoder kind, the projected shared keys/values. */
  private final class NnSpec implements Spec {
    final NDManager m;
    final Net.Memory mem;
    final Map<String, NDArray[][]> shared = new HashMap<>();
    boolean closed;

    NnSpec(NDManager m, Net.Memory mem) {
      this.m = m;
      this.mem = mem;
    }

    NnSynthesisModel model() {
      return NnSynthesisModel.this;
    }

    NDArray[][] sharedFor(String prefix) {
      return shared.computeIfAbsent(prefix, p -> {
        NDArray[][] kv;
        try (NDManager tmp = m.newSubManager()) {
          kv = net.sharedExample(p, new Net.Memory(scoped(mem.mem(), tmp), mem.mask(), mem.groups()));
          for (NDArray[] arr : kv) {
            for (NDArray a : arr) {
              a.attach(m);
            }
          }
        }
        return kv;
      });
    }

    int groups() {
      return cfg.maxPool() ? (int) mem.mem().getShape().get(0) : 1;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        m.close();
      }
    }
  }

  private static NDArray scoped(NDArray x, NDManager m) {
    return x.get(m, new NDIndex(":"));
  }

  /** Rows of one decoder kind with their KV cache. */
  private final class NnDecoder implements Decoder {
    final NnSpec spec;
    final String prefix;
    final int vocab;
    final int maxLength;
    final int groups;
    final NDManager m;
    final Net.Cache cache = new Net.Cache();
    int rows;
    boolean closed;

    NnDecoder(NnSpec spec, String prefix, int rows, int vocab, int maxLength, int[][] latents) {
      this.spec = spec;
      this.prefix = prefix;
      this.rows = rows;
      this.vocab = vocab;
      this.maxLength = maxLength;
      this.groups = spec.groups();
      this.m = manager.newSubManager();
      JniUtils.setGradMode(false);
      NDArray[][] kv = spec.sharedFor(prefix);
      cache.exK = kv[0];
      cache.exV = kv[1];
      cache.exMask = kv[2][0];
      if (latents != null) {
        int width = cfg.maxLatentLength() - 1;
        int[] ids = new int[rows * width];
        float[] mask = new float[rows * width];
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < width; j++) {
            if (j < latents[r].length) {
              ids[r * width + j] = latents[r][j];
            } else {
              mask[r * width + j] = Net.NEG;
            }
          }
          if (latents[r].length == 0) {
            // an empty code attends to one zero vector rather than to nothing
            mask[r * width] = 0f;
          }
        }
        try (NDManager tmp = m.newSubManager()) {
          NDArray idArr = tmp.create(ids, new Shape(rows, width));
          NDArray lat = net.codeVectors(idArr);
          NDArray valid = tmp.create(ids, new Shape(rows, width, 1)).gt(0).toType(DataType.FLOAT32, false);
          lat = lat.mul(valid);
          net.latentCache(cache, prefix, lat, tmp.create(mask, new Shape(rows, 1, 1, width)), groups);
          for (int l = 0; l < cache.latK.length; l++) {
            cache.latK[l].attach(m);
            cache.latV[l].attach(m);
          }
          cache.latMask.attach(m);
        }
      }
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public int length() {
      return cache.length;
    }

    void checkStep(int[] tokens) {
      if (closed) {
        throw new IllegalStateException("decoder is closed");
      }
      if (spec.closed) {
        throw new IllegalStateException("the spec of this decoder is closed");
      }
      if (tokens == null || tokens.length != rows) {
        throw new IllegalArgumentException("step needs one token per row (" + rows + "), got "
            + (tokens == null ? "null" : tokens.length));
      }
      for (int i = 0; i < tokens.length; i++) {
        if (tokens[i] < 0 || tokens[i] >= vocab) {
          throw new IllegalArgumentException("token " + tokens[i] + " of row " + i + " is outside 0.." + (vocab - 1));
        }
      }
      if (cache.length >= maxLength + 1) {
        throw new IllegalStateException("decoder already holds " + cache.length + " tokens, the maximum for "
            + (prefix.equals(PROGRAM) ? "programs" : "latent codes") + " is " + maxLength);
      }
    }

    @Override
    public float[][] step(int[] tokens) {
      checkStep(tokens);
      JniUtils.setGradMode(false);
      try (NDManager tmp = m.newSubManager()) {
        NDArray logits = net.step(prefix, cache, tmp.create(tokens), groups, m);
        float[] flat = logits.logSoftmax(-1).toFloatArray();
        float[][] out = new float[rows][vocab];
        for (int r = 0; r < rows; r++) {
          System.arraycopy(flat, r * vocab, out[r], 0, vocab);
        }
        return out;
      }
    }

    void setSelf(int layer, NDArray k, NDArray v) {
      k.attach(m);
      v.attach(m);
      if (cache.selfK == null) {
        cache.selfK = new NDArray[cfg.decoderLayers()];
        cache.selfV = new NDArray[cfg.decoderLayers()];
      }
      NDArray oldK = cache.selfK[layer];
      NDArray oldV = cache.selfV[layer];
      cache.selfK[layer] = k;
      cache.selfV[layer] = v;
      if (oldK != null) {
        oldK.close();
        oldV.close();
      }
    }

    @Override
    public void reorder(int[] parents) {
      if (closed) {
        throw new IllegalStateException("decoder is closed");
      }
      Objects.requireNonNull(parents, "parents");
      if (parents.length == 0) {
        throw new IllegalArgumentException("reorder needs at least one parent row");
      }
      long[] idx = new long[parents.length * groups];
      for (int i = 0; i < parents.length; i++) {
        if (parents[i] < 0 || parents[i] >= rows) {
          throw new IllegalArgumentException("parent " + parents[i] + " at " + i + " is outside 0.." + (rows - 1));
        }
        for (int g = 0; g < groups; g++) {
          idx[i * groups + g] = (long) parents[i] * groups + g;
        }
      }
      JniUtils.setGradMode(false);
      try (NDManager tmp = m.newSubManager()) {
        NDArray index = tmp.create(idx);
        gather(cache.selfK, index);
        gather(cache.selfV, index);
        gather(cache.latK, index);
        gather(cache.latV, index);
        if (cache.latMask != null) {
          NDArray[] one = {cache.latMask};
          gather(one, index);
          cache.latMask = one[0];
        }
      }
      rows = parents.length;
    }

    private void gather(NDArray[] arrays, NDArray index) {
      if (arrays == null) {
        return;
      }
      for (int i = 0; i < arrays.length; i++) {
        if (arrays[i] == null) {
          continue;
        }
        NDArray g = arrays[i].get(new NDIndex("{}", index));
        g.attach(m);
        arrays[i].close();
        arrays[i] = g;
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        m.close();
      }
    }
  }
}
