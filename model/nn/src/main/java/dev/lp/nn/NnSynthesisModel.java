package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.lp.dsl.Tokens;
import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link SynthesisModel} port over a {@link Network}'s weights: dropout off, KV-cached
 * decoders, and {@link #stepAll} that runs all decoders of one kind as one forward call, across
 * tasks (requests) and decode lengths.
 *
 * <p>Latent memories are padded (with key masks) to the longest latent code the model supports,
 * so program decoders with codes of different lengths still share one batch; masked positions
 * get exactly zero attention, so padding does not change any result.
 */
final class NnSynthesisModel extends Handles.Owned implements SynthesisModel {
  private static final String PROGRAM = "pdec";
  private static final String LATENT = "lpred";

  private final Network owner;
  private final Net net;
  private final NDManager manager;
  private final ModelConfig cfg;
  private final ModelInfo info;
  private final Map<String, Stacked> stacked = new HashMap<>();
  private long nextSpecId;

  NnSynthesisModel(Network owner, Net net, NDManager parent, String version) {
    super(parent.newSubManager(), "synthesis model");
    this.owner = owner;
    this.net = net;
    this.manager = m;
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
    // Training strings are at most maxIoLength long, but the sinusoidal positions reach further, so
    // slightly longer strings (the golden ExeDec sets have outputs of up to 104) are still encoded.
    IoStrings.Examples examples = IoStrings.Examples.of(inputs, outputs, net.maxPositions());
    int e = examples.count();
    JniUtils.setGradMode(false);
    NDManager m = manager.newSubManager();
    try {
      NDArray[] io = examples.arrays(m);
      NDArray ins = io[0];
      NDArray outs = io[1];
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

  @Override
  public Decoder latentDecoder(Spec spec, int rows) {
    checkOpen();
    if (!cfg.isLatent()) {
      throw new UnsupportedOperationException("model kind " + cfg.kind() + " has no latent codes");
    }
    NnSpec s = spec(spec);
    checkRows(rows);
    return new NnDecoder(s, LATENT, rows, cfg.latentVocab(), cfg.maxLatentLength(), null, null);
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
    if (cfg.continuousLatents()) {
      throw new UnsupportedOperationException("model kind " + cfg.kind() + " (an ablation with continuous latents)"
          + " decodes programs only for a given program length: use programDecoderForLength");
    }
    return new NnDecoder(s, PROGRAM, latents.length, Tokens.VOCAB, cfg.maxProgramLength(),
        cfg.isLatent() ? latents : null, null);
  }

  @Override
  public Decoder programDecoderForLength(Spec spec, int programLength, int sample) {
    checkOpen();
    if (!cfg.continuousLatents()) {
      throw new UnsupportedOperationException("model kind " + cfg.kind() + " has no continuous latents");
    }
    NnSpec s = spec(spec);
    if (programLength < 1 || programLength > cfg.maxProgramLength()) {
      throw new IllegalArgumentException("program length must be in 1.." + cfg.maxProgramLength() + " tokens, got "
          + programLength);
    }
    if (sample < 0 || (sample > 0 && !cfg.sampledLatents())) {
      throw new IllegalArgumentException("latent sample must be " + (cfg.sampledLatents() ? ">= 0" : "0 (kind "
          + cfg.kind() + " has one latent sequence)") + ", got " + sample);
    }
    JniUtils.setGradMode(false);
    try (NDManager tmp = s.m.newSubManager()) {
      Net.Memory mem = new Net.Memory(scoped(s.mem.mem(), tmp), s.mem.mask(), s.mem.groups());
      // draw k uses the same noise for every task, so a search is reproducible
      NDArray lat = net.rollOutLatents(mem, cfg.latentLength(programLength), tmp,
          sample == 0 ? null : new java.util.SplittableRandom(0x5A3D1E5L + sample));
      return new NnDecoder(s, PROGRAM, 1, Tokens.VOCAB, cfg.maxProgramLength(), null, lat);
    }
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
    s.checkOpen();
    return s;
  }

  /**
   * Steps all decoders of one kind (program or latent) as one forward call, whatever their tasks
   * and lengths: rows are concatenated, self-attention caches padded and masked to the longest,
   * and the example attention runs over the stacked memories of the tasks involved (see
   * {@link Net.Slots}). The maxpool variant (several memory groups per task) steps each decoder alone.
   */
  @Override
  public List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
    checkOpen();
    if (decoders == null || tokens == null || decoders.size() != tokens.size()) {
      throw new IllegalArgumentException("stepAll needs one token array per decoder, got "
          + (decoders == null ? "null" : decoders.size()) + " decoders and "
          + (tokens == null ? "null" : tokens.size()) + " token arrays");
    }
    float[][][] results = new float[decoders.size()][][];
    Map<String, List<Integer>> kinds = new LinkedHashMap<>();
    for (int i = 0; i < decoders.size(); i++) {
      if (!(decoders.get(i) instanceof NnDecoder d) || d.spec.model() != this) {
        throw new IllegalArgumentException("decoder " + i + " was not made by this model");
      }
      d.checkStep(tokens.get(i));
      if (decoders.subList(0, i).contains(d)) {
        throw new IllegalArgumentException("decoder " + i + " appears twice in one stepAll");
      }
      if (d.groups > 1) {
        results[i] = d.step(tokens.get(i));
      } else {
        kinds.computeIfAbsent(d.prefix, k -> new ArrayList<>()).add(i);
      }
    }
    for (List<Integer> kind : kinds.values()) {
      List<NnDecoder> ds = new ArrayList<>();
      List<int[]> ts = new ArrayList<>();
      for (int i : kind) {
        ds.add((NnDecoder) decoders.get(i));
        ts.add(tokens.get(i));
      }
      float[][][] out = stepFused(ds, ts);
      for (int j = 0; j < kind.size(); j++) {
        results[kind.get(j)] = out[j];
      }
    }
    return java.util.Arrays.asList(results);
  }

  private float[][][] stepFused(List<NnDecoder> ds, List<int[]> tokens) {
    JniUtils.setGradMode(false);
    NnDecoder first = ds.get(0);
    int n = ds.size();
    int layers = cfg.decoderLayers();
    // Tasks in creation order, so the same set of requests gives the same stacked memories (cached).
    List<NnSpec> specs = ds.stream().map(d -> d.spec).distinct().sorted(java.util.Comparator.comparingLong(sp -> sp.id))
        .toList();
    Map<NnSpec, Integer> taskOf = new HashMap<>();
    for (NnSpec sp : specs) {
      taskOf.put(sp, taskOf.size());
    }
    int[] taskRows = new int[specs.size()];
    int[] rows = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      NnDecoder d = ds.get(i);
      rows[i] = d.rows;
      total += d.rows;
      taskRows[taskOf.get(d.spec)] += d.rows;
    }
    int tasks = specs.size();
    int slotRows = java.util.Arrays.stream(taskRows).max().orElse(1);
    int[] tok = new int[total];
    long[] fromSlots = new long[total];
    long[] toSlots = new long[tasks * slotRows];
    int[] filled = new int[tasks];
    for (int i = 0, r = 0; i < n; i++) {
      System.arraycopy(tokens.get(i), 0, tok, r, rows[i]);
      int task = taskOf.get(ds.get(i).spec);
      for (int j = 0; j < rows[i]; j++, r++) {
        int slot = task * slotRows + filled[task]++;
        fromSlots[r] = slot;
        toSlots[slot] = r;
      }
    }
    for (int task = 0; task < tasks; task++) {
      for (int j = filled[task]; j < slotRows; j++) {
        toSlots[task * slotRows + j] = toSlots[task * slotRows]; // unused slot: any row of the task
      }
    }
    try (NDManager tmp = manager.newSubManager()) {
      NDArray[][] ex = stackedExamples(first.prefix, specs);
      Net.Slots slots = new Net.Slots(tmp.create(toSlots), tmp.create(fromSlots), tasks, slotRows);
      NDArray[] latK = null;
      NDArray[] latV = null;
      NDArray latMask = null;
      if (first.cache.latK != null) {
        latK = new NDArray[layers];
        latV = new NDArray[layers];
        for (int l = 0; l < layers; l++) {
          final int layer = l;
          latK[l] = concat(tmp, ds, d -> d.cache.latK[layer]);
          latV[l] = concat(tmp, ds, d -> d.cache.latV[layer]);
        }
        latMask = concat(tmp, ds, d -> d.cache.latMask);
      }
      List<Net.Cache> caches = new ArrayList<>();
      List<NDManager> keeps = new ArrayList<>();
      for (NnDecoder d : ds) {
        caches.add(d.cache);
        keeps.add(d.m);
      }
      NDArray logits = net.stepFused(first.prefix, caches, rows, tmp.create(tok), ex[0], ex[1], ex[2][0], slots, latK,
          latV, latMask, keeps);
      float[] flat = logits.logSoftmax(-1).toFloatArray();
      int vocab = first.vocab;
      float[][][] out = new float[n][][];
      for (int i = 0, r = 0; i < n; i++) {
        out[i] = new float[rows[i]][vocab];
        for (int j = 0; j < rows[i]; j++, r++) {
          System.arraycopy(flat, r * vocab, out[i][j], 0, vocab);
        }
      }
      return out;
    }
  }

  /**
   * Example keys and values of the given tasks for one decoder kind, per layer [M,h,Tk,dh] padded
   * to the longest memory, and their key mask [M,h,1,Tk]: {K..., V..., {mask}}. One task uses its
   * spec's arrays as they are.
   */
  private NDArray[][] stackedExamples(String prefix, List<NnSpec> specs) {
    if (specs.size() == 1) {
      return specs.get(0).sharedFor(prefix);
    }
    Stacked cached = stacked.get(prefix);
    if (cached != null && cached.specs().equals(specs)) {
      return cached.arrays();
    }
    if (cached != null) {
      cached.m().close();
    }
    NDManager tmp = manager.newSubManager();
    int layers = cfg.decoderLayers();
    long longest = 0;
    List<NDArray[][]> kvs = new ArrayList<>();
    for (NnSpec s : specs) {
      NDArray[][] kv = s.sharedFor(prefix);
      kvs.add(kv);
      longest = Math.max(longest, kv[0][0].getShape().get(2));
    }
    NDArray[][] out = new NDArray[3][];
    for (int part = 0; part < 2; part++) {
      out[part] = new NDArray[layers];
      for (int l = 0; l < layers; l++) {
        NDList list = new NDList();
        for (NDArray[][] kv : kvs) {
          list.add(padKeys(kv[part][l], 2, longest, 0f, tmp));
        }
        out[part][l] = ai.djl.ndarray.NDArrays.concat(list, 0);
        out[part][l].attach(tmp);
      }
    }
    NDList masks = new NDList();
    for (NDArray[][] kv : kvs) {
      masks.add(padKeys(kv[2][0], 3, longest, Net.NEG, tmp));
    }
    out[2] = new NDArray[] {ai.djl.ndarray.NDArrays.concat(masks, 0)};
    out[2][0].attach(tmp);
    stacked.put(prefix, new Stacked(specs, out, tmp));
    return out;
  }

  /** The stacked example memories of the last set of tasks stepped together, per decoder kind. */
  private record Stacked(List<NnSpec> specs, NDArray[][] arrays, NDManager m) {}

  /** x padded with value along axis to length (keys [1,h,T,dh] on axis 2, masks [1,h,1,T] on 3). */
  private static NDArray padKeys(NDArray x, int axis, long length, float value, NDManager tmp) {
    Shape s = x.getShape();
    long have = s.get(axis);
    if (have == length) {
      return x;
    }
    long[] dims = s.getShape().clone();
    dims[axis] = length - have;
    NDArray pad = tmp.full(new Shape(dims), value);
    NDArray r = x.concat(pad, axis);
    r.attach(tmp);
    return r;
  }

  private static NDArray concat(NDManager tmp, List<NnDecoder> ds, java.util.function.Function<NnDecoder, NDArray> f) {
    if (ds.size() == 1) {
      return f.apply(ds.get(0));
    }
    NDList list = new NDList();
    for (NnDecoder d : ds) {
      list.add(f.apply(d));
    }
    NDArray r = ai.djl.ndarray.NDArrays.concat(list, 0);
    r.attach(tmp);
    return r;
  }

  // ---------------------------------------------------------------- handles

  /** Encoded examples of one task plus, per decoder kind, the projected shared keys/values. */
  private final class NnSpec extends Handles.Owned implements Spec {
    final Net.Memory mem;
    final Map<String, NDArray[][]> shared = new HashMap<>();
    final long id = nextSpecId++;

    NnSpec(NDManager m, Net.Memory mem) {
      super(m, "spec");
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
  }

  private static NDArray scoped(NDArray x, NDManager m) {
    return x.get(m, new NDIndex(":"));
  }

  /** Rows of one decoder kind with their KV cache. */
  private final class NnDecoder extends Handles.Owned implements Decoder {
    final NnSpec spec;
    final String prefix;
    final int vocab;
    final int maxLength;
    final int groups;
    final Net.Cache cache = new Net.Cache();
    int rows;

    /**
     * latents: per-row code ids (LP program decoder); vectors: one row's continuous latents [1,S,D]
     * (AE program decoder); both null otherwise. Latent memories are padded to ⌈T/2^l⌉.
     */
    NnDecoder(NnSpec spec, String prefix, int rows, int vocab, int maxLength, int[][] latents, NDArray vectors) {
      super(manager.newSubManager(), "decoder");
      this.spec = spec;
      this.prefix = prefix;
      this.rows = rows;
      this.vocab = vocab;
      this.maxLength = maxLength;
      this.groups = spec.groups();
      JniUtils.setGradMode(false);
      NDArray[][] kv = spec.sharedFor(prefix);
      cache.exK = kv[0];
      cache.exV = kv[1];
      cache.exMask = kv[2][0];
      int width = cfg.latentLength(cfg.maxProgramLength());
      if (vectors != null) {
        int have = (int) vectors.getShape().get(1);
        float[] mask = new float[width];
        java.util.Arrays.fill(mask, have, width, Net.NEG);
        try (NDManager tmp = m.newSubManager()) {
          NDArray lat = have == width ? vectors : vectors.concat(tmp.zeros(new Shape(1, width - have, cfg.dModel())), 1);
          net.latentCache(cache, prefix, lat, tmp.create(mask, new Shape(1, 1, 1, width)), groups);
          attachLatents();
        }
      }
      if (latents != null) {
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
          attachLatents();
        }
      }
    }

    private void attachLatents() {
      for (int l = 0; l < cache.latK.length; l++) {
        cache.latK[l].attach(m);
        cache.latV[l].attach(m);
      }
      cache.latMask.attach(m);
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
      checkOpen();
      if (spec.isClosed()) {
        throw new IllegalStateException("the spec of this decoder is closed");
      }
      Handles.checkTokens(tokens, rows, vocab);
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
        return Handles.logProbRows(logits, rows, vocab);
      }
    }

    @Override
    public void reorder(int[] parents) {
      checkOpen();
      long[] idx = Handles.keptRows(parents, rows, groups);
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
  }
}
