package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Tokens;

/**
 * RobustFill's LSTM model, the paper's "RobustFill [LSTM]" row of Table 1 (kind "lstm"), as the
 * paper's Appendix A gives it, at the width ({@code dModel}) and depths ({@code encoderLayers},
 * {@code decoderLayers}) of its {@link ModelConfig}:
 *
 * <ul>
 *   <li>e(I_i), e(O_i): an LSTM encoder over each input's and one over each output's characters;
 *   <li>per example i and step t, double attention from the decoder's last top-layer state h:
 *       s^I = Attention(h, e(I_i)), s^O = Attention(Concat(h, s^I), e(O_i)) (scaled dot product
 *       with a learned projection of the query), then h_{t,i} = LSTM(h, Concat(y_{t-1}, s^I, s^O));
 *       the previous program token's embedding y_{t-1} is part of the input, as in RobustFill;
 *   <li>h_t = maxpool_i tanh(V h_{t,i}) and p(y_t | y_{<t}, X) = Softmax(W h_t).
 * </ul>
 *
 * <p>Not in the appendix, chosen here: the decoder starts from a projection of each example's
 * state after its output's last character (RobustFill starts from the encoder's final state), and
 * dropout (our seeded masks, {@link Net#drop}) falls on embeddings and on h_t, never inside the
 * fused LSTM call, so steps stay deterministic. Attention feeds the recurrence, so training steps
 * through the program one token at a time with the same {@link #step} the search uses.
 *
 * <p>Memories are 4-D, [M, E, T, D] for M tasks of E examples; at inference M = 1 and the R beam
 * rows broadcast against it, row r·E + e of the decoder state belonging to example e.
 */
final class LstmNet {
  private final Net net;
  private final ModelConfig c;
  private final Params p;
  private final int d;

  LstmNet(Net net) {
    this.net = net;
    this.c = net.c;
    this.p = net.p;
    this.d = c.dModel();
  }

  /**
   * Longest string accepted at inference: an LSTM has no position table, but it is held to the
   * Transformers' bound so that every kind accepts the same requests.
   */
  int maxStringLength() {
    return net.maxPositions();
  }

  /** Creates the parameters, in a fixed order (so a seed fixes the initial weights). */
  static void addParams(Params p, ModelConfig c) {
    int d = c.dModel();
    p.embedding("rnn.inEmb", Alphabet.IO_VOCAB, d, 1f);
    p.embedding("rnn.outEmb", Alphabet.IO_VOCAB, d, 1f);
    lstmParams(p, "rnn.in", c.encoderLayers(), d, d);
    lstmParams(p, "rnn.out", c.encoderLayers(), d, d);
    p.linear("rnn.init", d, c.decoderLayers() * d);
    p.embedding("rnn.dec.emb", Tokens.VOCAB, d, 1f);
    p.linear("rnn.dec.attIn.q", d, d);
    p.linear("rnn.dec.attOut.q", 2 * d, d);
    lstmParams(p, "rnn.dec", c.decoderLayers(), 3 * d, d);
    p.linear("rnn.dec.pool", d, d);
    p.linear("rnn.dec.out", d, Tokens.VOCAB);
  }

  /**
   * PyTorch's LSTM layout per layer: wih [4D, in] (the first layer's in is {@code input}, then D),
   * whh [4D, D], bih, bhh (gates i, f, g, o), all U(±1/√D) as in PyTorch.
   */
  private static void lstmParams(Params p, String name, int layers, int input, int d) {
    float a = (float) (1.0 / Math.sqrt(d));
    for (int l = 0; l < layers; l++) {
      String pre = name + ".l" + l;
      int in = l == 0 ? input : d;
      p.add(pre + ".wih", new Shape(4L * d, in), p.uniform(4 * d * in, a), true);
      p.add(pre + ".whh", new Shape(4L * d, d), p.uniform(4 * d * d, a), true);
      p.add(pre + ".bih", new Shape(4L * d), p.uniform(4 * d, a), true);
      p.add(pre + ".bhh", new Shape(4L * d), p.uniform(4 * d, a), true);
    }
  }

  /**
   * Encoded examples of M tasks: input and output states [M,E,T,D] with additive key masks
   * [M,E,1,T], and the decoder's initial hidden state [layers, M·E, D].
   */
  record Memory(NDArray in, NDArray inMask, NDArray out, NDArray outMask, NDArray h0, int examples) {
    /** Every array, for moving the memory into a longer-lived manager. */
    NDList arrays() {
      return new NDList(in, inMask, out, outMask, h0);
    }
  }

  /** ins [N,Tin], outs [N,Tout] character ids (0 = pad), N = tasks × examples, task-major. */
  Memory encode(NDArray ins, NDArray outs, int examples, boolean train) {
    NDManager m = ins.getManager();
    int n = (int) ins.getShape().get(0);
    int tasks = n / examples;
    long tin = ins.getShape().get(1);
    long tout = outs.getShape().get(1);
    NDArray zeros = m.zeros(new Shape(c.encoderLayers(), n, d));
    NDArray in = lstm(net.drop(net.embed(ins, "rnn.inEmb"), train), zeros, zeros, "rnn.in", c.encoderLayers())
        .get(0);
    NDArray out = lstm(net.drop(net.embed(outs, "rnn.outEmb"), train), zeros, zeros, "rnn.out", c.encoderLayers())
        .get(0);
    // the state after each output's last real character (an empty output: its first position)
    NDArray last = outs.neq(0).toType(DataType.INT64, false).sum(new int[] {1}).sub(1L).maximum(0L);
    NDArray end = out.gather(last.reshape(n, 1, 1).broadcast(new Shape(n, 1, d)), 1).reshape(n, d);
    NDArray h0 = net.linear(end, "rnn.init").tanh().reshape(n, c.decoderLayers(), d).transpose(1, 0, 2);
    return new Memory(in.reshape(tasks, examples, tin, d), Net.keyMask(ins).reshape(tasks, examples, 1, tin),
        out.reshape(tasks, examples, tout, d), Net.keyMask(outs).reshape(tasks, examples, 1, tout), h0, examples);
  }

  /** Teacher-forced program logits [M,T,V] for decoder inputs [M,T] (BOS first), one step per token. */
  NDArray decodeFull(NDArray decIn, Memory mem, boolean train) {
    NDManager m = decIn.getManager();
    int rows = (int) decIn.getShape().get(0);
    int t = (int) decIn.getShape().get(1);
    NDArray[] state = {mem.h0(), m.zeros(mem.h0().getShape())};
    NDArray emb = net.drop(net.embed(decIn, "rnn.dec.emb"), train);
    NDList pooled = new NDList();
    for (int i = 0; i < t; i++) {
      pooled.add(recur(emb.get(new NDIndex(":, {}:{}", i, i + 1)), state, mem, rows));
    }
    return net.linear(net.drop(NDArrays.concat(pooled, 1), train), "rnn.dec.out");
  }

  /**
   * One decoder step for R rows of one task (M = 1): tokens [R], state {h, c} each [layers, R·E,
   * D], replaced by the new state; returns logits [R,V].
   */
  NDArray step(NDArray tokens, NDArray[] state, Memory mem) {
    int rows = (int) tokens.getShape().get(0);
    NDArray h = recur(net.embed(tokens.reshape(rows, 1), "rnn.dec.emb"), state, mem, rows);
    return net.linear(h, "rnn.dec.out").reshape(rows, Tokens.VOCAB);
  }

  /** The decoder's initial state for R rows of one task: {h0 repeated per row, zeros}. */
  NDArray[] initialState(Memory mem, int rows, NDManager m) {
    NDArray h0 = mem.h0();
    Shape s = h0.getShape();
    NDArray h = h0.get(m, new NDIndex(":")).expandDims(1).broadcast(new Shape(s.get(0), rows, s.get(1), d))
        .reshape(s.get(0), rows * s.get(1), d);
    return new NDArray[] {h, m.zeros(h.getShape())};
  }

  /**
   * The recurrence of one step for R rows: y [R,1,D] (the previous token's embedding), state {h, c}
   * [layers, R·E, D] replaced by the new one; returns h_t = maxpool_i tanh(V h_{t,i}) as [R,1,D].
   */
  private NDArray recur(NDArray y, NDArray[] state, Memory mem, int rows) {
    int e = mem.examples();
    int layers = (int) state[0].getShape().get(0);
    // the top layer's state, viewed in the step's manager so that nothing lands in the decoder's
    NDArray h = state[0].get(y.getManager(), new NDIndex("{}", layers - 1)).reshape(rows, e, 1, d);
    NDArray fromIn = attend(net.linear(h, "rnn.dec.attIn.q"), mem.in(), mem.inMask());
    NDArray fromOut = attend(net.linear(h.concat(fromIn, -1), "rnn.dec.attOut.q"), mem.out(), mem.outMask());
    NDArray ys = y.expandDims(1).broadcast(new Shape(rows, e, 1, d));
    NDArray x = NDArrays.concat(new NDList(ys, fromIn, fromOut), -1).reshape(rows * e, 1, 3L * d);
    NDList r = lstm(x, state[0], state[1], "rnn.dec", layers);
    state[0] = r.get(1);
    state[1] = r.get(2);
    return net.linear(r.get(0).reshape(rows, e, 1, d), "rnn.dec.pool").tanh().max(new int[] {1});
  }

  /**
   * Scaled dot-product attention of projected queries q [R,E,1,D] to keys = values k [M,E,Tk,D]
   * (M = R, or 1 broadcast over the rows) under an additive mask [M,E,1,Tk]: [R,E,1,D].
   */
  private NDArray attend(NDArray q, NDArray k, NDArray mask) {
    NDManager m = q.getManager();
    NDArray kt = k.transpose(0, 1, 3, 2);
    kt.attach(m);
    return q.mul(Net.scalar(m, (float) (1.0 / Math.sqrt(d)))).matMul(kt).add(mask).softmax(-1).matMul(k);
  }

  /** libtorch's fused LSTM, batch first, no dropout inside: {output [N,T,D], h [L,N,D], c [L,N,D]}. */
  private NDList lstm(NDArray x, NDArray h0, NDArray c0, String name, int layers) {
    NDList weights = new NDList();
    for (int l = 0; l < layers; l++) {
      String pre = name + ".l" + l;
      weights.add(p.get(pre + ".wih"));
      weights.add(p.get(pre + ".whh"));
      weights.add(p.get(pre + ".bih"));
      weights.add(p.get(pre + ".bhh"));
    }
    return x.getNDArrayInternal().lstm(x, new NDList(h0, c0), weights, true, layers, 0.0, false, false, true);
  }
}
