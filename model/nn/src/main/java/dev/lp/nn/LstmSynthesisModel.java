package dev.lp.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import dev.lp.dsl.Tokens;
import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import java.util.List;

/**
 * The {@link SynthesisModel} port over RobustFill's LSTM ({@link LstmNet}): no latent codes, one
 * program decoder whose state per row is the LSTM's (h, c) for each of the task's examples.
 * Decoders step one at a time (the interface's default {@link #stepAll}).
 */
final class LstmSynthesisModel extends Handles.Owned implements SynthesisModel {
  private final ModelConfig cfg;
  private final LstmNet lstm;
  private final ModelInfo info;

  LstmSynthesisModel(ModelConfig cfg, LstmNet lstm, NDManager parent, String version) {
    super(parent.newSubManager(), "synthesis model");
    this.cfg = cfg;
    this.lstm = lstm;
    this.info = new ModelInfo(cfg.kind(), version, Tokens.VOCAB, 0, -1, -1, cfg.maxProgramLength(), 0);
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public Spec encode(List<String> inputs, List<String> outputs) {
    checkOpen();
    IoStrings.Examples examples = IoStrings.Examples.of(inputs, outputs, lstm.maxStringLength());
    JniUtils.setGradMode(false);
    NDManager sm = m.newSubManager();
    try {
      LstmNet.Memory mem;
      try (NDManager tmp = sm.newSubManager()) {
        NDArray[] io = examples.arrays(tmp);
        mem = lstm.encode(io[0], io[1], examples.count(), false);
        mem.arrays().attach(sm);
      }
      return new LstmSpec(sm, mem);
    } catch (RuntimeException ex) {
      sm.close();
      throw ex;
    }
  }

  @Override
  public Decoder latentDecoder(Spec spec, int rows) {
    checkOpen();
    throw new UnsupportedOperationException("model kind " + cfg.kind() + " has no latent codes");
  }

  @Override
  public Decoder programDecoder(Spec spec, int[][] latents) {
    checkOpen();
    LstmSpec s = spec(spec);
    if (latents == null) {
      throw new IllegalArgumentException("latents must not be null (pass one array per row)");
    }
    if (latents.length < 1) {
      throw new IllegalArgumentException("a decoder needs at least one row, got " + latents.length);
    }
    return new LstmDecoder(s, latents.length);
  }

  private LstmSpec spec(Spec spec) {
    if (!(spec instanceof LstmSpec s) || s.model() != this) {
      throw new IllegalArgumentException("spec was not made by this model");
    }
    s.checkOpen();
    return s;
  }

  /** The encoded examples of one task. */
  private final class LstmSpec extends Handles.Owned implements Spec {
    final LstmNet.Memory mem;

    LstmSpec(NDManager m, LstmNet.Memory mem) {
      super(m, "spec");
      this.mem = mem;
    }

    LstmSynthesisModel model() {
      return LstmSynthesisModel.this;
    }
  }

  /** Program rows with their LSTM state {h, c}, each [layers, rows·E, D]. */
  private final class LstmDecoder extends Handles.Owned implements Decoder {
    final LstmSpec spec;
    final NDArray[] state;
    final int examples;
    int rows;
    int length;

    LstmDecoder(LstmSpec spec, int rows) {
      super(LstmSynthesisModel.this.m.newSubManager(), "decoder");
      this.spec = spec;
      this.rows = rows;
      this.examples = spec.mem.examples();
      JniUtils.setGradMode(false);
      try {
        this.state = lstm.initialState(spec.mem, rows, m);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public int rows() {
      return rows;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public float[][] step(int[] tokens) {
      checkOpen();
      if (spec.isClosed()) {
        throw new IllegalStateException("the spec of this decoder is closed");
      }
      Handles.checkTokens(tokens, rows, Tokens.VOCAB);
      if (length >= cfg.maxProgramLength() + 1) {
        throw new IllegalStateException("decoder already holds " + length + " tokens, the maximum for programs is "
            + cfg.maxProgramLength());
      }
      JniUtils.setGradMode(false);
      try (NDManager tmp = m.newSubManager()) {
        NDArray[] next = {state[0], state[1]};
        NDArray logits = lstm.step(tmp.create(tokens), next, spec.mem);
        replace(next);
        float[][] out = Handles.logProbRows(logits, rows, Tokens.VOCAB);
        length++;
        return out;
      }
    }

    @Override
    public void reorder(int[] parents) {
      checkOpen();
      long[] idx = Handles.keptRows(parents, rows, examples);
      JniUtils.setGradMode(false);
      try (NDManager tmp = m.newSubManager()) {
        NDArray index = tmp.create(idx);
        replace(new NDArray[] {state[0].get(new NDIndex(":, {}", index)), state[1].get(new NDIndex(":, {}", index))});
      }
      rows = parents.length;
    }

    /** Moves the new state into this decoder's manager and frees the old one. */
    private void replace(NDArray[] next) {
      for (int i = 0; i < 2; i++) {
        if (next[i] != state[i]) {
          next[i].attach(m);
          state[i].close();
          state[i] = next[i];
        }
      }
    }
  }
}
