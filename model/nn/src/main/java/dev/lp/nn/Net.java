package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The networks as functions of a {@link Params} store: pre-LayerNorm Transformer layers, the I/O
 * encoder, the program encoder with its vector quantizer, and the three decoders (program
 * decoder, latent predictor, latent program decoder), each with a full (teacher-forced) and a
 * KV-cached incremental form that share one code path per layer; and, for the ablations with
 * continuous latents (AE, VAE), a latent predictor over vectors, rolled out by recomputation.
 *
 * <p>Manager rule: every op takes a scoped (non-parameter) array as its first operand, so results
 * land in the caller's sub-manager and never in the parameter manager.
 */
final class Net {
  static final float NEG = -1e9f;
  /** Log-variances of the VAE's Gaussians are clipped to ±this (variance e^-8 .. e^8). */
  static final float LOGVAR_BOUND = 8f;

  final ModelConfig c;
  final Params p;
  final int d;
  final int h;
  final int dh;
  /** 1 for "concat" I/O pooling, the number of examples for "maxpool" (set per batch). */
  private final NDArray positions;
  private SplittableRandom dropRng = new SplittableRandom(0);
  private byte[] dropMask = new byte[0];

  Net(ModelConfig c, Params p) {
    this.c = c;
    this.p = p;
    this.d = c.dModel();
    this.h = c.heads();
    this.dh = d / h;
    int maxLen = Math.max(c.maxIoLength(), c.maxProgramLength() + c.compression() + 2) + 8;
    float[] table = new float[maxLen * d];
    for (int pos = 0; pos < maxLen; pos++) {
      for (int i = 0; i < d / 2; i++) {
        double rate = Math.pow(10000.0, -2.0 * i / d);
        table[pos * d + 2 * i] = (float) Math.sin(pos * rate);
        table[pos * d + 2 * i + 1] = (float) Math.cos(pos * rate);
      }
    }
    positions = p.manager().create(table, new Shape(maxLen, d));
    build();
  }

  int maxPositions() {
    return (int) positions.getShape().get(0);
  }

  // ---------------------------------------------------------------- parameters

  private void build() {
    if (c.recurrent()) {
      LstmNet.addParams(p, c);
      return;
    }
    int v = dev.lp.dsl.Alphabet.IO_VOCAB;
    p.embedding("io.inEmb", v, d, 1f);
    p.embedding("io.outEmb", v, d, 1f);
    for (int l = 0; l < c.encoderLayers(); l++) {
      encoderLayerParams("io.in.l" + l);
      decoderLayerParams("io.out.l" + l, false);
    }
    p.layerNorm("io.in.ln", d);
    p.layerNorm("io.out.ln", d);
    // creation order fixes the initial values drawn for a seed: pdec, lpred|apred, penc, vq
    decoderParams("pdec", dev.lp.dsl.Tokens.VOCAB, c.hasProgramEncoder());
    if (c.isLatent()) {
      decoderParams("lpred", c.latentVocab(), false);
    }
    if (c.continuousLatents()) {
      // the ablations' latent predictor: a decoder over vectors, BOS a learned vector, output D wide
      // (AE: the latent) or 2D (VAE: mean and log-variance of a Gaussian per latent)
      p.add("apred.bos", new Shape(1, 1, d), p.normal(d, 1f), true);
      for (int l = 0; l < c.decoderLayers(); l++) {
        decoderLayerParams("apred.l" + l, false);
      }
      p.layerNorm("apred.ln", d);
      if (c.maxPool()) {
        p.linear("apred.pool", d, d);
      }
      p.linear("apred.out", d, c.sampledLatents() ? 2 * d : d);
    }
    if (c.hasProgramEncoder()) {
      p.embedding("penc.emb", dev.lp.dsl.Tokens.VOCAB, d, 1f);
      for (int l = 0; l < c.encoderLayers(); l++) {
        encoderLayerParams("penc.l" + l);
      }
      p.layerNorm("penc.ln", d);
      for (int m = 0; m < c.compressionLog2(); m++) {
        p.conv1d("penc.conv" + m, d, d, 2);
      }
    }
    if (c.sampledLatents()) {
      p.linear("vae.mu", d, d);
      p.linear("vae.logvar", d, d);
    }
    if (c.isLatent()) {
      int k = c.latentCodes();
      float[] init = p.normal(k * d, 1f);
      p.add("vq.codebook", new Shape(k, d), init, false);
      p.add("vq.emaSum", new Shape(k, d), init.clone(), false);
      float[] ones = new float[k];
      java.util.Arrays.fill(ones, 1f);
      p.add("vq.emaCount", new Shape(k), ones, false);
    }
  }

  private void encoderLayerParams(String pre) {
    p.layerNorm(pre + ".ln1", d);
    attentionParams(pre + ".self", true);
    p.layerNorm(pre + ".ln3", d);
    p.linear(pre + ".ff1", d, c.ffn());
    p.linear(pre + ".ff2", c.ffn(), d);
  }

  private void decoderLayerParams(String pre, boolean latent) {
    p.layerNorm(pre + ".ln1", d);
    attentionParams(pre + ".self", true);
    p.layerNorm(pre + ".ln2", d);
    attentionParams(pre + ".ex", !latent);
    if (latent) {
      attentionParams(pre + ".lat", false);
      p.linear(pre + ".mix", 2 * d, d);
    }
    p.layerNorm(pre + ".ln3", d);
    p.linear(pre + ".ff1", d, c.ffn());
    p.linear(pre + ".ff2", c.ffn(), d);
  }

  private void attentionParams(String pre, boolean withOut) {
    p.linear(pre + ".q", d, d);
    p.linear(pre + ".k", d, d);
    p.linear(pre + ".v", d, d);
    if (withOut) {
      p.linear(pre + ".o", d, d);
    }
  }

  private void decoderParams(String pre, int vocab, boolean latent) {
    p.embedding(pre + ".emb", vocab, d, 1f);
    for (int l = 0; l < c.decoderLayers(); l++) {
      decoderLayerParams(pre + ".l" + l, latent);
    }
    p.layerNorm(pre + ".ln", d);
    if (c.maxPool()) {
      p.linear(pre + ".pool", d, d);
    }
    p.linear(pre + ".out", d, vocab);
  }

  // ---------------------------------------------------------------- primitives

  NDArray linear(NDArray x, String name) {
    return Linear.linear(x, p.get(name + ".w"), p.get(name + ".b")).singletonOrThrow();
  }

  NDArray norm(NDArray x, String name) {
    return LayerNorm.layerNorm(x, new Shape(d), p.get(name + ".g"), p.get(name + ".b"), 1e-5f).singletonOrThrow();
  }

  /**
   * Inverted dropout with masks drawn in Java from {@link #seedDropout}'s generator: libtorch's CPU
   * bernoulli costs ~11 ns per element (measured: 40% of a paper-size training step), a
   * SplittableRandom and one int8 multiply ~3. Keep probability is exact to 1/65536.
   */
  NDArray drop(NDArray x, boolean train) {
    if (!train || c.dropout() == 0f) {
      return x;
    }
    Shape s = x.getShape();
    int n = Math.toIntExact(s.size());
    if (dropMask.length < n) {
      dropMask = new byte[Math.max(n, 2 * dropMask.length)];
    }
    int threshold = Math.round(c.dropout() * 65536f);
    byte[] mask = dropMask;
    SplittableRandom rng = dropRng;
    int i = 0;
    while (i < n) {
      long bits = rng.nextLong();
      for (int j = 0; j < 4 && i < n; j++, i++) {
        mask[i] = (byte) ((((bits >>> (16 * j)) & 0xFFFF) >= threshold) ? 1 : 0);
      }
    }
    // One float multiply on x: an int8 mask would cost autograd a type conversion per backward
    // and the rescale a second full-size multiply (measured: 24% of a paper-size step together).
    NDManager m = x.getManager();
    NDArray keep = m.create(ByteBuffer.wrap(mask, 0, n), s, DataType.INT8).toType(DataType.FLOAT32, false)
        .mul(scalar(m, 65536f / (65536 - threshold)));
    return x.mul(keep);
  }

  /** Restarts the dropout generator: the masks of a step depend only on this seed. */
  void seedDropout(long seed) {
    dropRng = new SplittableRandom(seed);
  }

  NDArray embed(NDArray ids, String table) {
    NDArray idx = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
    return Embedding.embedding(idx, p.get(table), SparseFormat.DENSE).singletonOrThrow();
  }

  /** Sinusoidal positions from..from+len-1 as [len, d], in manager m. */
  NDArray pos(NDManager m, int from, int len) {
    if (from + len > maxPositions()) {
      throw new IllegalArgumentException("sequence position " + (from + len) + " exceeds the maximum "
          + maxPositions() + " of this model");
    }
    return positions.get(m, new NDIndex("{}:{}", from, from + len));
  }

  /** A scoped view of a parameter, so ops on it land in m. */
  NDArray view(NDArray param, NDManager m) {
    return param.get(m, new NDIndex(":"));
  }

  /** [N,T,D] -> [N,h,T,dh]. */
  NDArray split(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), h, dh).transpose(0, 2, 1, 3);
  }

  /** [N,h,T,dh] -> [N,T,D]. */
  NDArray merge(NDArray x) {
    Shape s = x.getShape();
    return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), d);
  }

  /**
   * Scaled dot-product attention. q is [R,h,Tq,dh]; k and v are [R,h,Tk,dh] (one memory per row)
   * or [1, M*h, Tk, dh] (M memories shared by all rows, R a multiple of M, row r using memory
   * r mod M); mask is additive and broadcasts to the score shape (null: none).
   */
  NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, boolean train) {
    Shape qs = q.getShape();
    long kh = k.getShape().get(1);
    NDArray q2 = kh == h ? q : q.reshape(-1, kh, qs.get(2), dh);
    NDArray kt = k.transpose(0, 1, 3, 2);
    // a cached k lives in a longer-lived manager: keep its transposed view in the step's scope
    kt.attach(q.getManager());
    NDArray s = q2.mul(scalar(q.getManager(), (float) (1.0 / Math.sqrt(dh)))).matMul(kt);
    if (mask != null) {
      s = s.add(mask);
    }
    NDArray a = drop(s.softmax(-1), train);
    NDArray o = a.matMul(v);
    return kh == h ? o : o.reshape(qs.get(0), h, qs.get(2), dh);
  }

  /**
   * A scalar operand in m, for multiplying arrays that carry gradients. Never pass a Java number
   * to an op on such an array: DJL's {@code mul(Number)} wraps the number in a tensor backed by a
   * Java direct buffer and closes that wrapper as soon as the op returns, while autograd keeps the
   * tensor for the backward pass; once GC frees the buffer, backward reads freed memory (measured:
   * about 1 step in 400 got a different gradient norm; it also explains the occasional NaN).
   */
  static NDArray scalar(NDManager m, float value) {
    return m.create(value);
  }

  /** Additive key-padding mask [N,1,1,T] from ids (0 = pad). */
  static NDArray keyMask(NDArray ids) {
    Shape s = ids.getShape();
    return ids.eq(0).toType(DataType.FLOAT32, false).mul(NEG).reshape(s.get(0), 1, 1, s.get(1));
  }

  /** Additive causal mask [1,1,T,T]. */
  static NDArray causal(NDManager m, int t) {
    float[] v = new float[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        v[i * t + j] = NEG;
      }
    }
    return m.create(v, new Shape(1, 1, t, t));
  }

  NDArray ffn(NDArray x, String pre, boolean train) {
    NDArray y = linear(x, pre + ".ff1");
    y = drop(ai.djl.nn.Activation.relu(y), train);
    return linear(y, pre + ".ff2");
  }

  // ---------------------------------------------------------------- layers

  /** Pre-LN encoder layer: self-attention (key mask) then FFN. */
  NDArray encoderLayer(NDArray x, String pre, NDArray mask, boolean train) {
    NDArray y = norm(x, pre + ".ln1");
    NDArray a = attend(split(linear(y, pre + ".self.q")), split(linear(y, pre + ".self.k")),
        split(linear(y, pre + ".self.v")), mask, train);
    x = x.add(drop(linear(merge(a), pre + ".self.o"), train));
    return x.add(drop(ffn(norm(x, pre + ".ln3"), pre, train), train));
  }

  /** Cross-attention keys and values [N,h,Tk,dh] of one memory for one attention block. */
  NDArray[] crossKv(NDArray mem, String pre) {
    return new NDArray[] {split(linear(mem, pre + ".k")), split(linear(mem, pre + ".v"))};
  }

  /** The memories a decoder layer attends to, already projected for that layer. */
  record Cross(NDArray exK, NDArray exV, NDArray exMask, NDArray latK, NDArray latV, NDArray latMask, boolean noEx,
      Slots slots) {
    Cross(NDArray exK, NDArray exV, NDArray exMask, NDArray latK, NDArray latV, NDArray latMask, boolean noEx) {
      this(exK, exV, exMask, latK, latV, latMask, noEx, null);
    }
  }

  /**
   * Rows of several tasks in one batch: the example memories are stacked [M,h,Tk,dh] (one per
   * task, padded to the longest with a key mask) and the queries are gathered into M blocks of
   * {@code slotRows} slots, task j's rows in block j. toSlots [M*slotRows] gives the row of each
   * slot (unused slots repeat a row and are dropped), fromSlots [R] the slot of each row.
   */
  record Slots(NDArray toSlots, NDArray fromSlots, int tasks, int slotRows) {}

  /**
   * Pre-LN decoder layer over x [R,Tq,D]: self-attention (selfK/selfV already include this
   * step's keys; causal mask or null), cross-attention to the examples and, for the latent
   * program decoder, to the latents (outputs concatenated and mixed, eq. 4), then FFN.
   */
  NDArray decoderLayer(NDArray x, String pre, NDArray q, NDArray selfK, NDArray selfV, NDArray selfMask,
      Cross cr, boolean train) {
    NDArray a = attend(q, selfK, selfV, selfMask, train);
    x = x.add(drop(linear(merge(a), pre + ".self.o"), train));
    NDArray y = norm(x, pre + ".ln2");
    if (cr.latK() == null) {
      NDArray e = exampleAttention(y, pre, cr, train);
      x = x.add(drop(linear(merge(e), pre + ".ex.o"), train));
    } else {
      NDArray l = merge(attend(split(linear(y, pre + ".lat.q")), cr.latK(), cr.latV(), cr.latMask(), train));
      NDArray e = merge(exampleAttention(y, pre, cr, train));
      if (cr.noEx()) {
        // zeroed, not skipped, so every parameter still receives a (zero) gradient
        e = e.mul(scalar(e.getManager(), 0f));
      }
      x = x.add(drop(linear(e.concat(l, -1), pre + ".mix"), train));
    }
    return x.add(drop(ffn(norm(x, pre + ".ln3"), pre, train), train));
  }

  /** Attention of y [R,Tq,D] to the examples: per row, shared, or by task slots; [R,h,Tq,dh]. */
  private NDArray exampleAttention(NDArray y, String pre, Cross cr, boolean train) {
    NDArray q = linear(y, pre + ".ex.q");
    Slots sl = cr.slots();
    if (sl == null) {
      return attend(split(q), cr.exK(), cr.exV(), cr.exMask(), train);
    }
    long rows = q.getShape().get(0);
    NDArray slotted = q.reshape(rows, d).get(new NDIndex("{}", sl.toSlots()))
        .reshape(sl.tasks(), sl.slotRows(), h, dh).transpose(0, 2, 1, 3);
    NDArray o = attend(slotted, cr.exK(), cr.exV(), cr.exMask(), train);
    return o.transpose(0, 2, 1, 3).reshape((long) sl.tasks() * sl.slotRows(), d)
        .get(new NDIndex("{}", sl.fromSlots())).reshape(rows, 1, h, dh).transpose(0, 2, 1, 3);
  }

  /** Self-attention projections of the layer input: {q, k, v} as [R,h,T,dh]. */
  NDArray[] selfQkv(NDArray x, String pre) {
    NDArray y = norm(x, pre + ".ln1");
    return new NDArray[] {split(linear(y, pre + ".self.q")), split(linear(y, pre + ".self.k")),
        split(linear(y, pre + ".self.v"))};
  }

  // ---------------------------------------------------------------- encoders

  /**
   * Encoded examples: rows are tasks ("concat") or task x example ("maxpool"). projected holds
   * the keys/values of attention blocks already computed from it (by block name), so decoder
   * passes over the same memory (the LP's autoencoder and end-to-end passes) project it once.
   */
  record Memory(NDArray mem, NDArray mask, int groups, Map<String, NDArray[]> projected) {
    Memory(NDArray mem, NDArray mask, int groups) {
      this(mem, mask, groups, new HashMap<>());
    }
  }

  /** A {@link Packing} with its index arrays (and additive key masks [r,1,1,len]) in one manager. */
  static final class Packed {
    final Packing packing;
    final NDArray source;
    final NDArray positions;
    final NDArray restore;
    final List<NDArray[]> buckets = new java.util.ArrayList<>();

    Packed(NDArray ids, int buckets) {
      NDManager m = ids.getManager();
      int r = (int) ids.getShape().get(0);
      int t = (int) ids.getShape().get(1);
      this.packing = Packing.of(ids.toType(DataType.INT32, false).toIntArray(), r, t, buckets);
      this.source = m.create(packing.source);
      this.positions = m.create(packing.positions);
      this.restore = m.create(packing.restore);
      for (Packing.Layout l : packing.buckets) {
        this.buckets.add(arrays(l, m));
      }
    }

    /** {scatter, valid, mask} of a layout. */
    static NDArray[] arrays(Packing.Layout l, NDManager m) {
      return new NDArray[] {m.create(l.scatter()), m.create(l.valid()),
          m.create(l.mask(), new Shape(l.rows().length, 1, 1, l.len()))};
    }
  }

  /**
   * Rows of table [n, W] picked by idx, as an embedding lookup: its backward accumulates in
   * parallel, where advanced indexing's backward (index_put with accumulate) runs serially on CPU.
   */
  static NDArray rowsOf(NDArray table, NDArray idx) {
    return Embedding.embedding(idx, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /** x [n, W] with a zero row appended (index n), for the pads of a layout. */
  static NDArray withZeroRow(NDArray x) {
    return x.concat(x.getManager().zeros(new Shape(1, x.getShape().get(1))), 0);
  }

  /** Packed rows [n, W] laid out as a bucket [rows, len, W]. */
  static NDArray laidOut(NDArray withZero, Packing.Layout l, NDArray scatter) {
    return rowsOf(withZero, scatter).reshape(l.rows().length, l.len(), withZero.getShape().get(1));
  }

  /** Several projections of x fused into one matmul: [N, parts*D], in x's manager. */
  NDArray linearFused(NDArray x, String pre, String... parts) {
    NDManager m = x.getManager();
    NDList ws = new NDList();
    NDList bs = new NDList();
    for (String part : parts) {
      ws.add(view(p.get(pre + "." + part + ".w"), m));
      bs.add(view(p.get(pre + "." + part + ".b"), m));
    }
    return Linear.linear(x, NDArrays.concat(ws, 0), NDArrays.concat(bs, 0)).singletonOrThrow();
  }

  /**
   * Attention heads [R,h,T,dh] of parts fused along the last axis of xs [R,T,n*D]. Split, not
   * indexed: the backward of a split concatenates, the backward of an index fills a zero tensor of
   * the whole input per part.
   */
  NDArray[] heads(NDArray xs, int n) {
    NDList parts = xs.split(n, 2);
    NDArray[] out = new NDArray[n];
    for (int i = 0; i < n; i++) {
      out[i] = split(parts.get(i));
    }
    return out;
  }

  /**
   * Pre-LN self-attention block on packed x [N,D], attention per bucket, residual added.
   */
  private NDArray packedSelfAttention(NDArray x, String pre, Packed pk, boolean train) {
    NDArray qkv = withZeroRow(linearFused(norm(x, pre + ".ln1"), pre + ".self", "q", "k", "v"));
    NDArray a = perBucket(pk, (i, l, b) -> {
      NDArray[] hs = heads(laidOut(qkv, l, b[0]), 3);
      return attend(hs[0], hs[1], hs[2], b[2], train);
    });
    return x.add(drop(linear(a, pre + ".self.o"), train));
  }

  /**
   * Pre-LN cross-attention block of packed outputs y to their own inputs (packed x), per output
   * bucket; inputs laid out per bucket by cross.get(i) {scatter, valid, mask}.
   */
  private NDArray packedCrossAttention(NDArray y, NDArray x, String pre, Packed out, List<NDArray[]> cross,
      boolean train) {
    NDArray kv = withZeroRow(linearFused(x, pre + ".ex", "k", "v"));
    NDArray q = withZeroRow(linear(norm(y, pre + ".ln2"), pre + ".ex.q"));
    NDArray e = perBucket(out, (i, l, b) -> {
      NDArray[] c2 = cross.get(i);
      NDArray[] keys = heads(rowsOf(kv, c2[0]).reshape(l.rows().length, -1, 2 * d), 2);
      return attend(split(laidOut(q, l, b[0])), keys[0], keys[1], c2[2], train);
    });
    return y.add(drop(linear(e, pre + ".ex.o"), train));
  }

  /** Attention of bucket i: [rows,h,len,dh] for its layout l and arrays b {scatter, valid, mask}. */
  private interface BucketAttention {
    NDArray apply(int i, Packing.Layout l, NDArray[] b);
  }

  /**
   * Runs attention once per bucket of pk and returns the real tokens' outputs packed, [N,D]: the
   * buckets' outputs concatenated are in packed order (see {@link Packing}).
   */
  private NDArray perBucket(Packed pk, BucketAttention attention) {
    NDList parts = new NDList();
    for (int i = 0; i < pk.buckets.size(); i++) {
      Packing.Layout l = pk.packing.buckets.get(i);
      NDArray[] b = pk.buckets.get(i);
      NDArray a = merge(attention.apply(i, l, b));
      parts.add(rowsOf(a.reshape((long) l.rows().length * l.len(), d), b[1]));
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }

  /** Embeddings plus positions of the packed tokens of ids [R,T]: [N,D]. */
  private NDArray packedInput(NDArray ids, Packed pk, String table, boolean train) {
    NDManager m = ids.getManager();
    NDArray tokens = ids.reshape(-1).get(new NDIndex("{}", pk.source));
    NDArray at = rowsOf(view(positions, m), pk.positions);
    return drop(embed(tokens, table).add(at), train);
  }

  /** Attention buckets for r encoder rows: up to 4, at least 16 rows each. */
  static int ioBuckets(int r) {
    return Math.max(1, Math.min(4, r / 16));
  }

  Memory encodeIo(NDArray ins, NDArray outs, int examples, boolean train) {
    return encodeIo(ins, outs, examples, train, ioBuckets((int) ins.getShape().get(0)));
  }

  /**
   * I/O encoder: each input by self-attention; each output by self-attention plus
   * cross-attention to its own input. ins/outs are [B*E, T] ids; the decoders attend to the
   * output encodings (which carry the input through their cross-attention). Runs on packed tokens
   * with attention in up to {@code buckets} length buckets ({@link Packing}). The memory is, per
   * task ("concat"), its examples' output tokens concatenated without padding in between
   * ({@link Packing#concatenated}), or per example ("maxpool"); zeros at pads, masked.
   */
  Memory encodeIo(NDArray ins, NDArray outs, int examples, boolean train, int buckets) {
    NDManager m = ins.getManager();
    int tin = (int) ins.getShape().get(1);
    int tout = (int) outs.getShape().get(1);
    if (Math.max(tin, tout) > maxPositions()) {
      throw new IllegalArgumentException("sequence position " + Math.max(tin, tout) + " exceeds the maximum "
          + maxPositions() + " of this model");
    }
    Packed pin = new Packed(ins, buckets);
    Packed pout = new Packed(outs, buckets);
    List<NDArray[]> cross = new java.util.ArrayList<>();
    for (Packing.Layout l : pout.packing.buckets) {
      cross.add(Packed.arrays(pin.packing.layout(l.rows()), m));
    }
    NDArray x = packedInput(ins, pin, "io.inEmb", train);
    for (int l = 0; l < c.encoderLayers(); l++) {
      String pre = "io.in.l" + l;
      x = packedSelfAttention(x, pre, pin, train);
      x = x.add(drop(ffn(norm(x, pre + ".ln3"), pre, train), train));
    }
    x = norm(x, "io.in.ln");
    NDArray y = packedInput(outs, pout, "io.outEmb", train);
    for (int l = 0; l < c.encoderLayers(); l++) {
      String pre = "io.out.l" + l;
      y = packedSelfAttention(y, pre, pout, train);
      y = packedCrossAttention(y, x, pre, pout, cross, train);
      y = y.add(drop(ffn(norm(y, pre + ".ln3"), pre, train), train));
    }
    NDArray encoded = withZeroRow(norm(y, "io.out.ln"));
    if (c.maxPool()) {
      return new Memory(rowsOf(encoded, pout.restore).reshape(-1, tout, d), keyMask(outs), examples);
    }
    Packing.Layout tasks = pout.packing.concatenated(examples);
    NDArray[] a = Packed.arrays(tasks, m);
    return new Memory(laidOut(encoded, tasks, a[0]), a[2], 1);
  }

  /** Program encoder ec(Y): Transformer encoder then l stride-2 convolutions; prog is [B, S*2^l]. */
  NDArray encodeProgram(NDArray prog, boolean train) {
    NDManager m = prog.getManager();
    int t = (int) prog.getShape().get(1);
    NDArray mask = keyMask(prog);
    NDArray x = drop(embed(prog, "penc.emb").add(pos(m, 0, t)), train);
    for (int l = 0; l < c.encoderLayers(); l++) {
      x = encoderLayer(x, "penc.l" + l, mask, train);
    }
    x = norm(x, "penc.ln").transpose(0, 2, 1);
    for (int i = 0; i < c.compressionLog2(); i++) {
      x = Conv1d.conv1d(x, p.get("penc.conv" + i + ".w"), p.get("penc.conv" + i + ".b"), new Shape(2), new Shape(0),
          new Shape(1), 1).singletonOrThrow();
      if (i < c.compressionLog2() - 1) {
        x = ai.djl.nn.Activation.relu(x);
      }
    }
    return x.transpose(0, 2, 1);
  }

  /** Averaged program token embeddings over every 2^l tokens (pretraining latents), [B,S,D]. */
  NDArray averagedEmbeddings(NDArray prog) {
    Shape s = prog.getShape();
    long b = s.get(0);
    long sl = s.get(1) / c.compression();
    NDArray valid = prog.neq(0).toType(DataType.FLOAT32, false);
    NDArray e = embed(prog, "penc.emb").mul(valid.expandDims(2));
    NDArray sum = e.reshape(b, sl, c.compression(), d).sum(new int[] {2});
    NDArray cnt = valid.reshape(b, sl, c.compression()).sum(new int[] {2}).maximum(1f);
    return sum.div(cnt.expandDims(2));
  }

  /** Nearest codebook row per vector of e [..., D]: code indices 0..K-1 (not latent ids), int64. */
  NDArray nearest(NDArray e) {
    NDManager m = e.getManager();
    NDArray cb = view(p.get("vq.codebook"), m);
    NDArray dots = Linear.linear(e, cb).singletonOrThrow();
    NDArray cn = cb.square().sum(new int[] {1});
    return cn.sub(dots.mul(2)).argMin(-1);
  }

  /** Codebook rows for latent ids (>= FIRST_CODE), [.., D] in m. */
  NDArray codeVectors(NDArray latentIds) {
    NDManager m = latentIds.getManager();
    NDArray idx = latentIds.sub(ModelConfig.FIRST_CODE).maximum(0).toType(DataType.INT64, false);
    return Embedding.embedding(idx, view(p.get("vq.codebook"), m), SparseFormat.DENSE).singletonOrThrow();
  }

  // ---------------------------------------------------------------- decoders (full)

  /** Token embeddings plus positions for decoder inputs tokens [N,T] (repeated per group). */
  NDArray decoderInput(String pre, NDArray tokens, int from, int groups, boolean train) {
    NDManager m = tokens.getManager();
    NDArray t = groups > 1 ? tokens.repeat(0, groups) : tokens;
    int len = (int) t.getShape().get(1);
    return drop(embed(t, pre + ".emb").add(pos(m, from, len)), train);
  }

  /**
   * Teacher-forced decoder: logits [N,T,V] for inputs tokens [N,T]. lat (nullable) is the latent
   * memory [N,S,D] without positions, latMask its additive mask [N,1,1,S].
   */
  NDArray decodeFull(String pre, NDArray tokens, Memory mem, NDArray lat, NDArray latMask, boolean noEx,
      boolean train) {
    return decodeLayers(pre, decoderInput(pre, tokens, 0, mem.groups(), train), mem, lat, latMask, noEx, train);
  }

  /**
   * The ablations' latent predictor, teacher-forced: inputs [N,S,D] (the BOS vector, then the
   * previous latents) to predicted latents [N,S,D] (AE) or Gaussians [N,S,2D] (VAE: mean, then
   * log-variance).
   */
  NDArray predictLatents(NDArray inputs, Memory mem, boolean train) {
    NDManager m = inputs.getManager();
    int g = mem.groups();
    int s = (int) inputs.getShape().get(1);
    NDArray x = (g > 1 ? inputs.repeat(0, g) : inputs).add(pos(m, 0, s));
    return decodeLayers("apred", drop(x, train), mem, null, null, false, train);
  }

  /** The ablations' predictor's learned BOS vector repeated for n rows, [n,1,D] in m. */
  NDArray latentBos(NDManager m, int n) {
    NDArray bos = view(p.get("apred.bos"), m);
    return n == 1 ? bos : bos.repeat(0, n);
  }

  /** The predictor's teacher-forced inputs for latents [N,S,D]: BOS, then latents 1..S-1. */
  NDArray predictorInputs(NDArray latents) {
    int n = (int) latents.getShape().get(0);
    int s = (int) latents.getShape().get(1);
    NDArray bos = latentBos(latents.getManager(), n);
    return s == 1 ? bos : bos.concat(latents.get(new NDIndex(":, :{}", s - 1)), 1);
  }

  /** The VAE predictor's output [..,2D] as {mean, log-variance clipped to ±LOGVAR_BOUND}. */
  NDArray[] gaussianOf(NDArray pred) {
    return new NDArray[] {pred.get(new NDIndex("..., :{}", d)),
        pred.get(new NDIndex("..., {}:", d)).clip(-LOGVAR_BOUND, LOGVAR_BOUND)};
  }

  /**
   * The ablations' latents for one task at inference: s vectors rolled out by the predictor (each
   * step recomputes the prefix, at most ⌈T/2^l⌉ long), [1,S,D]. VAE: each latent is its Gaussian's
   * mean when {@code rng} is null, else a draw from it (ancestral sampling).
   */
  NDArray rollOutLatents(Memory mem, int s, NDManager m, SplittableRandom rng) {
    NDArray seq = latentBos(m, 1);
    for (int j = 0; j < s; j++) {
      NDArray next = predictLatents(seq, mem, false).get(new NDIndex(":, {}:{}", j, j + 1));
      if (c.sampledLatents()) {
        NDArray[] g = gaussianOf(next);
        next = rng == null ? g[0] : g[0].add(g[1].mul(0.5f).exp().mul(m.create(gaussian(rng, d), new Shape(1, 1, d))));
      }
      seq = seq.concat(next, 1);
    }
    return seq.get(new NDIndex(":, 1:"));
  }

  /** n standard normal draws. */
  static float[] gaussian(SplittableRandom rng, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i += 2) {
      double u = 1.0 - rng.nextDouble();
      double r = Math.sqrt(-2 * Math.log(u));
      double a = 2 * Math.PI * rng.nextDouble();
      v[i] = (float) (r * Math.cos(a));
      if (i + 1 < n) {
        v[i + 1] = (float) (r * Math.sin(a));
      }
    }
    return v;
  }

  /** The training noise generator (seeded per step with the dropout), for the VAE's draws. */
  SplittableRandom noise() {
    return dropRng;
  }

  /** Decoder layers and head over embedded inputs x [N*G,T,D]. */
  private NDArray decodeLayers(String pre, NDArray x, Memory mem, NDArray lat, NDArray latMask, boolean noEx,
      boolean train) {
    NDManager m = x.getManager();
    int g = mem.groups();
    int t = (int) x.getShape().get(1);
    NDArray causalMask = causal(m, t);
    NDArray latMem = null;
    NDArray latM = null;
    if (lat != null) {
      int s = (int) lat.getShape().get(1);
      latMem = lat.add(pos(m, 0, s));
      latM = latMask;
      if (g > 1) {
        latMem = latMem.repeat(0, g);
        latM = latM.repeat(0, g);
      }
    }
    for (int l = 0; l < c.decoderLayers(); l++) {
      String lp = pre + ".l" + l;
      NDArray[] ex = mem.projected().computeIfAbsent(lp + ".ex", block -> crossKv(mem.mem(), block));
      NDArray[] la = latMem == null ? new NDArray[2] : crossKv(latMem, lp + ".lat");
      NDArray[] qkv = selfQkv(x, lp);
      x = decoderLayer(x, lp, qkv[0], qkv[1], qkv[2], causalMask,
          new Cross(ex[0], ex[1], mem.mask(), la[0], la[1], latM, noEx), train);
    }
    return head(pre, x, g);
  }

  /** Final norm, max-pool over groups when pooling, output projection: [N,T,V]. */
  NDArray head(String pre, NDArray x, int groups) {
    x = norm(x, pre + ".ln");
    if (c.maxPool()) {
      x = linear(x, pre + ".pool").tanh();
      Shape s = x.getShape();
      x = x.reshape(s.get(0) / groups, groups, s.get(1), d).max(new int[] {1});
    }
    return linear(x, pre + ".out");
  }

  // ---------------------------------------------------------------- decoders (incremental)

  /** KV cache of one batch of decoder rows (rows x groups internal rows). */
  static final class Cache {
    NDArray[] selfK;
    NDArray[] selfV;
    NDArray[] exK;
    NDArray[] exV;
    NDArray exMask;
    NDArray[] latK;
    NDArray[] latV;
    NDArray latMask;
    int length;
  }

  /**
   * Shared example keys/values for all rows of a decoder: memory [G, Tk, D] (one task) becomes
   * per layer [1, G*h, Tk, dh], contiguous; returns {K..., V..., mask} where mask is
   * [1, G*h, 1, Tk].
   */
  NDArray[][] sharedExample(String pre, Memory mem) {
    int layers = c.decoderLayers();
    NDArray[] ks = new NDArray[layers];
    NDArray[] vs = new NDArray[layers];
    long g = mem.mem().getShape().get(0);
    long tk = mem.mem().getShape().get(1);
    for (int l = 0; l < layers; l++) {
      NDArray[] kv = crossKv(mem.mem(), pre + ".l" + l + ".ex");
      ks[l] = contiguous(kv[0].reshape(1, g * h, tk, dh));
      vs[l] = contiguous(kv[1].reshape(1, g * h, tk, dh));
    }
    NDArray mask = mem.mask().reshape(g, 1, 1, tk).repeat(1, h).reshape(1, g * h, 1, tk);
    return new NDArray[][] {ks, vs, {mask}};
  }

  /** Per-row latent keys/values for latent memory lat [N,S,D] (no positions), repeated per group. */
  void latentCache(Cache cache, String pre, NDArray lat, NDArray latMask, int groups) {
    NDManager m = lat.getManager();
    int s = (int) lat.getShape().get(1);
    NDArray mem = lat.add(pos(m, 0, s));
    NDArray mask = latMask;
    if (groups > 1) {
      mem = mem.repeat(0, groups);
      mask = mask.repeat(0, groups);
    }
    cache.latK = new NDArray[c.decoderLayers()];
    cache.latV = new NDArray[c.decoderLayers()];
    for (int l = 0; l < c.decoderLayers(); l++) {
      NDArray[] kv = crossKv(mem, pre + ".l" + l + ".lat");
      cache.latK[l] = contiguous(kv[0]);
      cache.latV[l] = contiguous(kv[1]);
    }
    cache.latMask = mask;
  }

  static NDArray contiguous(NDArray x) {
    Shape s = x.getShape();
    return x.reshape(-1).reshape(s);
  }

  /**
   * One incremental step: tokens [N] (int), returns logits [N,V]. New cache arrays are attached
   * to {@code keep}; the replaced ones are closed.
   */
  NDArray step(String pre, Cache cache, NDArray tokens, int groups, NDManager keep) {
    NDArray x = decoderInput(pre, tokens.reshape(-1, 1), cache.length, groups, false);
    int layers = c.decoderLayers();
    ensureSelfCache(cache);
    List<Cache> one = List.of(cache);
    List<NDManager> keeps = List.of(keep);
    for (int l = 0; l < layers; l++) {
      String lp = pre + ".l" + l;
      NDArray[] qkv = selfQkv(x, lp);
      NDArray k = selfKeys(one, l, true, qkv[1], new long[0], cache.length, x.getManager(), keeps);
      NDArray v = selfKeys(one, l, false, qkv[2], new long[0], cache.length, x.getManager(), keeps);
      Cross cr = new Cross(cache.exK[l], cache.exV[l], cache.exMask,
          cache.latK == null ? null : cache.latK[l], cache.latV == null ? null : cache.latV[l], cache.latMask, false);
      x = decoderLayer(x, lp, qkv[0], k, v, null, cr, false);
    }
    cache.length++;
    NDArray logits = head(pre, x, groups);
    return logits.reshape(logits.getShape().get(0), -1);
  }

  /**
   * One incremental step over the rows of several decoders of one kind (tasks and lengths may
   * differ) as one batch: caches.get(i) holds rows[i] rows; tokens is [R] in decoder order; ex
   * holds per layer the stacked example keys and values of the tasks, exMask and slots map rows to
   * tasks; lat (latent program decoder only) holds the decoders' latent keys/values concatenated in
   * row order. Self-attention keys of shorter decoders are padded and masked. Each decoder's new
   * self keys/values are appended to its own cache, attached to keeps.get(i). Returns logits [R,V].
   */
  NDArray stepFused(String pre, List<Cache> caches, int[] rows, NDArray tokens, NDArray[] exK, NDArray[] exV,
      NDArray exMask, Slots slots, NDArray[] latK, NDArray[] latV, NDArray latMask, List<NDManager> keeps) {
    NDManager m = tokens.getManager();
    int n = caches.size();
    int total = 0;
    int longest = 0;
    boolean sameLength = true;
    for (int i = 0; i < n; i++) {
      total += rows[i];
      longest = Math.max(longest, caches.get(i).length);
      sameLength &= caches.get(i).length == caches.get(0).length;
    }
    if (longest + 1 > maxPositions()) {
      throw new IllegalArgumentException("sequence position " + (longest + 1) + " exceeds the maximum " + maxPositions());
    }
    long[] at = new long[total];
    float[] mask = sameLength ? null : new float[total * (longest + 1)];
    for (int i = 0, r = 0; i < n; i++) {
      int len = caches.get(i).length;
      for (int j = 0; j < rows[i]; j++, r++) {
        at[r] = len;
        if (mask != null) {
          for (int k = len + 1; k <= longest; k++) {
            mask[r * (longest + 1) + k] = NEG;
          }
        }
      }
    }
    NDArray selfMask = mask == null ? null : m.create(mask, new Shape(total, 1, 1, longest + 1));
    NDArray x = embed(tokens.reshape(-1, 1), pre + ".emb")
        .add(positions.get(m, new NDIndex("{}", m.create(at))).reshape(total, 1, d));
    long[] cuts = new long[n - 1];
    for (int i = 0, sum = 0; i < n - 1; i++) {
      sum += rows[i];
      cuts[i] = sum;
    }
    int layers = c.decoderLayers();
    caches.forEach(this::ensureSelfCache);
    for (int l = 0; l < layers; l++) {
      String lp = pre + ".l" + l;
      NDArray[] qkv = selfQkv(x, lp);
      NDArray k = selfKeys(caches, l, true, qkv[1], cuts, longest, m, keeps);
      NDArray v = selfKeys(caches, l, false, qkv[2], cuts, longest, m, keeps);
      Cross cr = new Cross(exK[l], exV[l], exMask, latK == null ? null : latK[l], latV == null ? null : latV[l],
          latMask, false, slots);
      x = decoderLayer(x, lp, qkv[0], k, v, selfMask, cr, false);
    }
    for (Cache cache : caches) {
      cache.length++;
    }
    NDArray logits = head(pre, x, 1);
    return logits.reshape(total, -1);
  }

  private void ensureSelfCache(Cache cache) {
    if (cache.selfK == null) {
      cache.selfK = new NDArray[c.decoderLayers()];
      cache.selfV = new NDArray[c.decoderLayers()];
    }
  }

  /**
   * Appends this step's keys (or values) [R,h,1,dh] to each decoder's cache of layer l and returns
   * all rows' keys [R,h,longest+1,dh], shorter caches padded with zeros after their new key.
   */
  private NDArray selfKeys(List<Cache> caches, int l, boolean keys, NDArray fresh, long[] cuts, int longest,
      NDManager m, List<NDManager> keeps) {
    NDList parts = caches.size() == 1 ? new NDList(fresh) : fresh.split(cuts, 0);
    NDList padded = new NDList();
    for (int i = 0; i < caches.size(); i++) {
      Cache cache = caches.get(i);
      NDArray[] arr = keys ? cache.selfK : cache.selfV;
      NDArray part = parts.get(i);
      NDArray all = arr[l] == null ? part : arr[l].concat(part, 2);
      replace(arr, l, all, keeps.get(i));
      if (cache.length < longest) {
        Shape s = all.getShape();
        all = all.concat(m.zeros(new Shape(s.get(0), h, longest - cache.length, dh)), 2);
        all.attach(m);
      }
      padded.add(all);
    }
    if (padded.size() == 1) {
      return padded.get(0);
    }
    NDArray joined = NDArrays.concat(padded, 0);
    joined.attach(m);
    return joined;
  }

  private static void replace(NDArray[] arr, int i, NDArray value, NDManager keep) {
    NDArray old = arr[i];
    value.attach(keep);
    arr[i] = value;
    if (old != null && old != value) {
      old.close();
    }
  }

  /** Masked mean cross-entropy of logits [N,T,V] against targets [N,T] (0 = ignore); {loss, correct, count}. */
  static NDArray[] maskedCrossEntropy(NDArray logits, NDArray targets) {
    NDArray logp = logits.logSoftmax(-1);
    NDArray idx = targets.toType(DataType.INT64, false).expandDims(2);
    NDArray picked = logp.gather(idx, 2).squeeze(2);
    NDArray valid = targets.neq(0).toType(DataType.FLOAT32, false);
    NDArray count = valid.sum();
    NDArray loss = picked.mul(valid).sum().neg().div(count.maximum(1f));
    NDArray correct = logits.argMax(-1).toType(DataType.INT64, false)
        .eq(targets.toType(DataType.INT64, false)).toType(DataType.FLOAT32, false).mul(valid).sum();
    return new NDArray[] {loss, correct, count};
  }

  static NDArray concatAll(NDArray... xs) {
    return NDArrays.concat(new NDList(xs));
  }
}
