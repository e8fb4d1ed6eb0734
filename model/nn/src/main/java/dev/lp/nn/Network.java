package dev.lp.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.lp.dsl.Tokens;
import dev.lp.search.SynthesisModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One network (baseline or Latent Programmer) with its weights, Adam state and NDManager.
 *
 * <p>Contract: {@link #trainStep} runs forward, the losses of eq. 5 (or the baseline
 * cross-entropy), backward and one Adam update with the given learning rate, then (LP, after
 * pretraining) the EMA codebook update; {@link #evaluate} computes the same numbers with dropout
 * off and changes nothing. Not thread-safe: one thread at a time, and {@link #inference} shares
 * these weights (do not train while serving from it).
 */
public final class Network implements AutoCloseable {

  private final ModelConfig cfg;
  private final NDManager manager;
  private final Params params;
  private final Net net;
  /** RobustFill's LSTM over the same parameters and primitives (kind "lstm"); null for Transformers. */
  private final LstmNet lstm;
  private final Adam adam = new Adam();
  private long dropoutSeed;
  private boolean closed;

  private Network(ModelConfig cfg, long seed) {
    this.cfg = cfg;
    this.manager = NDManager.newBaseManager();
    this.params = new Params(manager.newSubManager(), seed);
    Engine.getInstance().setRandomSeed((int) seed);
    JniUtils.setGradMode(false);
    this.net = new Net(cfg, params);
    this.lstm = cfg.recurrent() ? new LstmNet(net) : null;
    this.dropoutSeed = seed;
  }

  /** A freshly initialised network; the same seed gives the same weights. */
  public static Network create(ModelConfig cfg, long seed) {
    if (cfg == null) {
      throw new IllegalArgumentException("ModelConfig must not be null");
    }
    return new Network(cfg, seed);
  }

  /**
   * Loads weights written by {@link #save}; IllegalArgumentException when the file is missing,
   * truncated, corrupt, or was saved under a config with other shapes.
   */
  public static Network load(Path weightsFile, ModelConfig cfg) {
    if (cfg == null || weightsFile == null) {
      throw new IllegalArgumentException("weights file and ModelConfig must not be null");
    }
    Params.Stored stored = Params.read(weightsFile);
    ModelConfig saved;
    try {
      saved = ModelConfig.fromJson(stored.configJson());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("weights file " + weightsFile + " carries an invalid config: " + e.getMessage(), e);
    }
    List<String> diff = cfg.shapeDifferences(saved);
    if (!diff.isEmpty()) {
      throw new IllegalArgumentException("weights file " + weightsFile + " was saved for another config (given vs saved): "
          + String.join(", ", diff));
    }
    Network n = new Network(cfg, 0);
    try {
      JniUtils.setGradMode(false);
      n.params.load(stored, weightsFile);
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
    return n;
  }

  /**
   * Writes all weights and the codebook state to one file (atomically); the Adam state goes to its
   * own file through {@link #saveOptimizerState}.
   */
  public void save(Path weightsFile) {
    checkOpen();
    params.save(weightsFile, cfg.toJson());
  }

  /**
   * Sets the seed of the dropout masks; a step's masks depend only on (this seed, step), so a
   * resumed run draws the masks the uninterrupted run would have. Defaults to the creation seed
   * (0 for a loaded network).
   */
  public void seedDropout(long seed) {
    this.dropoutSeed = seed;
  }

  public ModelConfig config() {
    return cfg;
  }

  /** Adam updates applied so far: the bias-correction step, restored by {@link #loadOptimizerState}. */
  public long optimizerSteps() {
    return adam.steps();
  }

  /**
   * Writes the Adam state to one file, atomically ({@link Adam#save} gives the layout). Together with
   * {@link #save} it is all a resumed run needs to continue exactly as if never stopped.
   */
  public void saveOptimizerState(Path file) {
    checkOpen();
    adam.save(file, params, manager);
  }

  /**
   * Replaces the Adam state with the one {@link #saveOptimizerState} wrote. All or nothing: the
   * file is checked completely first, and an IllegalArgumentException naming the problem is thrown
   * (this network unchanged) when it is missing, truncated, corrupt, of another format, or its
   * parameter names or shapes differ from this network's.
   */
  public void loadOptimizerState(Path file) {
    checkOpen();
    adam.load(file, params, manager);
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    return params.count();
  }

  /** One optimisation step without gradient clipping; returns the losses before the update. */
  public StepResult trainStep(Batch batch, long step, float learningRate) {
    return trainStep(batch, step, learningRate, 0f);
  }

  /**
   * One optimisation step; returns the losses before the update. {@code step} is 1-based (the
   * first update of a run is step 1; it picks the dropout masks and, for the LP and the
   * ablations, the phase: {@link ModelConfig#pretraining}). When the gradients' global L2
   * norm exceeds {@code clipNorm} (> 0) they are scaled down to it. A step whose loss or gradient
   * norm is not finite changes nothing (no Adam update, no EMA update; gradients reset to zero) and
   * reports {@link StepResult#skipped()}.
   */
  public StepResult trainStep(Batch batch, long step, float learningRate, float clipNorm) {
    checkOpen();
    if (!(learningRate >= 0f) || Float.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + learningRate);
    }
    if (!(clipNorm >= 0f) || Float.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("gradient clip norm must be a finite number >= 0 (0 = off), got " + clipNorm);
    }
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    net.seedDropout(dropoutSeed * 0x9E3779B97F4A7C15L + step);
    try (NDManager sub = manager.newSubManager()) {
      Forward f;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        f = forward(sub, batch, step, true);
        gc.backward(f.total);
      }
      JniUtils.setGradMode(false);
      Map<String, NDArray> grads = new LinkedHashMap<>();
      for (String name : params.trainable()) {
        NDArray g = params.get(name).getGradient();
        g.attach(sub);
        grads.put(name, g);
      }
      float norm = globalNorm(grads);
      float loss = f.total.getFloat();
      if (Float.isFinite(loss) && Float.isFinite(norm)) {
        float scale = clipNorm > 0f && norm > clipNorm ? clipNorm / norm : 1f;
        adam.update(params, sub, grads, learningRate, scale);
        if (cfg.isLatent() && !cfg.pretraining(step)) {
          emaUpdate(f.encodings, f.codes, f.latentValid);
        }
        return f.result(norm, false);
      }
      for (NDArray g : grads.values()) {
        Params.fill(g, 0f); // not g - g or 0 * g: those stay NaN where g is not finite
      }
      return f.result(norm, true);
    }
  }

  /** Global L2 norm of the gradients (NaN or infinity when any is not finite). */
  private static float globalNorm(Map<String, NDArray> grads) {
    NDArray sum = null;
    for (NDArray g : grads.values()) {
      NDArray sq = g.square().sum();
      sum = sum == null ? sq : sum.add(sq);
    }
    return sum == null ? 0f : (float) Math.sqrt(sum.getFloat());
  }

  /** Losses and metrics with dropout off; nothing changes. */
  public StepResult evaluate(Batch batch, long step) {
    checkOpen();
    JniUtils.setGradMode(false);
    try (NDManager sub = manager.newSubManager()) {
      return forward(sub, batch, step, false).result(Float.NaN, false);
    }
  }

  /** The synthesis port over these weights (dropout off); closing it does not close this network. */
  public SynthesisModel inference(String version) {
    checkOpen();
    String v = version == null ? "unversioned" : version;
    return cfg.recurrent() ? new LstmSynthesisModel(cfg, lstm, manager, v) : new NnSynthesisModel(this, net, manager, v);
  }

  // ---------------------------------------------------------------- forward and losses

  private final class Forward {
    NDArray total;
    final Map<String, NDArray> parts = new LinkedHashMap<>();
    NDArray correct;
    NDArray count;
    NDArray encodings;
    NDArray codes;
    NDArray latentValid;

    StepResult result(float gradNorm, boolean skipped) {
      Map<String, Float> out = new LinkedHashMap<>();
      parts.forEach((k, v) -> out.put(k, v.getFloat()));
      float n = count.getFloat();
      return new StepResult(total.getFloat(), out, n == 0 ? 0f : correct.getFloat() / n, Math.round(n), gradNorm,
          skipped);
    }
  }

  private Forward forward(NDManager m, Batch batch, long step, boolean train) {
    int b = batch.size();
    int[][] progs = batch.programs();
    int t = progs[0].length;
    if (t > cfg.maxProgramLength()) {
      throw new IllegalArgumentException("batch programs have " + t + " tokens, more than maxProgramLength "
          + cfg.maxProgramLength());
    }
    int tin = batch.inputs()[0][0].length;
    int tout = batch.outputs()[0][0].length;
    if (tin > cfg.maxIoLength() || tout > cfg.maxIoLength()) {
      throw new IllegalArgumentException("batch I/O strings have " + Math.max(tin, tout)
          + " characters, more than maxIoLength " + cfg.maxIoLength());
    }
    int[] decIn = new int[b * t];
    int[] target = new int[b * t];
    for (int i = 0; i < b; i++) {
      decIn[i * t] = Tokens.BOS;
      System.arraycopy(progs[i], 0, decIn, i * t + 1, t - 1);
      System.arraycopy(progs[i], 0, target, i * t, t);
    }
    NDArray decInput = m.create(decIn, new Shape(b, t));
    NDArray targets = m.create(target, new Shape(b, t));
    Forward f = new Forward();
    if (cfg.recurrent()) {
      NDArray[] ce = Net.maskedCrossEntropy(lstm.decodeFull(decInput, lstmMemory(m, batch, train), train), targets);
      f.total = ce[0];
      f.parts.put("ce", ce[0]);
      f.correct = ce[1];
      f.count = ce[2];
      return f;
    }
    Net.Memory mem = encodeExamples(m, batch, train);
    if (!cfg.hasProgramEncoder()) {
      NDArray logits = net.decodeFull("pdec", decInput, mem, null, null, false, train);
      NDArray[] ce = Net.maskedCrossEntropy(logits, targets);
      f.total = ce[0];
      f.parts.put("ce", ce[0]);
      f.correct = ce[1];
      f.count = ce[2];
      return f;
    }
    boolean pretrain = cfg.pretraining(step);
    int c = cfg.compression();
    int s = (t + c - 1) / c;
    int t4 = s * c;
    int[] padded = new int[b * t4];
    float[] valid = new float[b * s];
    int[] lens = new int[b];
    for (int i = 0; i < b; i++) {
      System.arraycopy(progs[i], 0, padded, i * t4, t);
      int len = 0;
      while (len < t && progs[i][len] != Tokens.PAD) {
        len++;
      }
      lens[i] = (len + c - 1) / c;
      for (int j = 0; j < lens[i]; j++) {
        valid[i * s + j] = 1f;
      }
    }
    NDArray prog = m.create(padded, new Shape(b, t4));
    NDArray latValid = m.create(valid, new Shape(b, s));
    NDArray latMask = latValid.sub(1f).mul(-Net.NEG).reshape(b, 1, 1, s);
    NDArray enc = net.encodeProgram(prog, train);
    if (cfg.continuousLatents()) {
      return forwardContinuous(m, f, enc, latValid, latMask, decInput, targets, mem, pretrain, train);
    }
    NDArray codes = net.nearest(enc.stopGradient());
    NDArray quantized = net.codeVectors(codes.add(ModelConfig.FIRST_CODE));
    NDArray diff = enc.sub(quantized.stopGradient());
    NDArray commit = meanOverValid(diff.square().mean(new int[] {2}), latValid);
    NDArray lat = pretrain ? net.averagedEmbeddings(prog) : enc.add(quantized.sub(enc).stopGradient());
    NDArray aeLogits = net.decodeFull("pdec", decInput, mem, lat, latMask, pretrain, train);
    NDArray[] ae = Net.maskedCrossEntropy(aeLogits, targets);
    // latent predictor: input [BOS, z_1..z_S], target [z_1..z_Si, EOS, PAD...]
    int[] codeIds = codes.toType(DataType.INT32, false).toIntArray();
    int[] lpIn = new int[b * (s + 1)];
    int[] lpTarget = new int[b * (s + 1)];
    for (int i = 0; i < b; i++) {
      lpIn[i * (s + 1)] = ModelConfig.LATENT_BOS;
      for (int j = 0; j < lens[i]; j++) {
        int id = codeIds[i * s + j] + ModelConfig.FIRST_CODE;
        lpIn[i * (s + 1) + j + 1] = id;
        lpTarget[i * (s + 1) + j] = id;
      }
      lpTarget[i * (s + 1) + lens[i]] = ModelConfig.LATENT_EOS;
    }
    NDArray lpLogits = net.decodeFull("lpred", m.create(lpIn, new Shape(b, s + 1)), mem, null, null, false, train);
    NDArray[] lp = Net.maskedCrossEntropy(lpLogits, m.create(lpTarget, new Shape(b, s + 1)));
    f.parts.put("ae", ae[0]);
    f.parts.put("commit", commit);
    f.parts.put("lp", lp[0]);
    NDArray total = ae[0].add(commit.mul(Net.scalar(m, cfg.commitment()))).add(lp[0]);
    f.correct = ae[1];
    f.count = ae[2];
    if (!pretrain) {
      NDArray probs = lpLogits.get(new NDIndex(":, :{}, {}:", s, ModelConfig.FIRST_CODE)).softmax(-1);
      NDArray soft = probs.matMul(net.view(params.get("vq.codebook"), m));
      NDArray e2eLogits = net.decodeFull("pdec", decInput, mem, soft, latMask, false, train);
      NDArray[] e2e = Net.maskedCrossEntropy(e2eLogits, targets);
      f.parts.put("e2e", e2e[0]);
      total = total.add(e2e[0]);
      f.correct = e2e[1];
    }
    f.total = total;
    f.encodings = enc.stopGradient();
    f.codes = codes;
    f.latentValid = latValid;
    return f;
  }

  /**
   * The ablations with continuous latents (paper section 5.1). AE: the decoder reads the encoder's
   * latents (autoencoder loss) and the predictor regresses them from the examples (squared error,
   * "lp"). VAE: the encoder gives a Gaussian per latent, the decoder reads a draw from it, a KL term
   * pulls the Gaussians toward N(0, I) ("kl"), and the predictor gives its own Gaussian per latent,
   * trained by KL(encoder's || predictor's) ("lp"). The predictor is teacher-forced on the
   * latents the decoder read and does not train the encoder. After pretraining the decoder also
   * reads the predicted latents (means for the VAE; end-to-end loss). As for the LP, pretraining
   * hides the examples from the autoencoder pass so the latents must carry the program. KL terms
   * are averaged over the D dimensions, like the squared error.
   */
  private Forward forwardContinuous(NDManager m, Forward f, NDArray enc, NDArray latValid, NDArray latMask,
      NDArray decInput, NDArray targets, Net.Memory mem, boolean pretrain, boolean train) {
    int b = (int) enc.getShape().get(0);
    int s = (int) enc.getShape().get(1);
    int d = cfg.dModel();
    NDArray z = enc;
    NDArray mu = null;
    NDArray logvar = null;
    NDArray total = null;
    // these operands carry gradients: constants go in as Net.scalar (see there), never as Java numbers
    NDArray half = Net.scalar(m, 0.5f);
    NDArray one = Net.scalar(m, 1f);
    if (cfg.sampledLatents()) {
      mu = net.linear(enc, "vae.mu");
      logvar = net.linear(enc, "vae.logvar").clip(-Net.LOGVAR_BOUND, Net.LOGVAR_BOUND);
      z = train ? mu.add(logvar.mul(half).exp().mul(m.create(Net.gaussian(net.noise(), b * s * d), new Shape(b, s, d))))
          : mu;
      NDArray kl = meanOverValid(mu.square().add(logvar.exp()).sub(one).sub(logvar).mul(half).mean(new int[] {2}),
          latValid);
      f.parts.put("kl", kl);
      total = kl;
    }
    NDArray aeLogits = net.decodeFull("pdec", decInput, mem, z, latMask, pretrain, train);
    NDArray[] ae = Net.maskedCrossEntropy(aeLogits, targets);
    NDArray target = z.stopGradient();
    NDArray pred = net.predictLatents(net.predictorInputs(target), mem, train);
    NDArray perLatent;
    if (cfg.sampledLatents()) {
      NDArray[] gaussian = net.gaussianOf(pred);
      NDArray pMean = gaussian[0];
      NDArray pLogvar = gaussian[1];
      NDArray qMean = mu.stopGradient();
      NDArray qLogvar = logvar.stopGradient();
      // KL(N(q) || N(p)) per dimension
      perLatent = pLogvar.sub(qLogvar).add(qLogvar.exp().add(qMean.sub(pMean).square()).div(pLogvar.exp())).sub(one)
          .mul(half).mean(new int[] {2});
      pred = pMean;
    } else {
      perLatent = pred.sub(target).square().mean(new int[] {2});
    }
    NDArray lpLoss = meanOverValid(perLatent, latValid);
    f.parts.put("ae", ae[0]);
    f.parts.put("lp", lpLoss);
    total = total == null ? ae[0].add(lpLoss) : total.add(ae[0]).add(lpLoss);
    f.correct = ae[1];
    f.count = ae[2];
    if (!pretrain) {
      NDArray[] e2e = Net.maskedCrossEntropy(net.decodeFull("pdec", decInput, mem, pred, latMask, false, train), targets);
      f.parts.put("e2e", e2e[0]);
      total = total.add(e2e[0]);
      f.correct = e2e[1];
    }
    f.total = total;
    return f;
  }

  /** Mean of per-latent values [B,S] over the valid latents (valid [B,S] is 1 or 0). */
  private static NDArray meanOverValid(NDArray perLatent, NDArray valid) {
    return perLatent.mul(valid).sum().div(valid.sum());
  }

  /** Every task's examples of a batch through the I/O encoder. */
  private Net.Memory encodeExamples(NDManager m, Batch batch, boolean train) {
    NDArray[] io = exampleIds(m, batch);
    return net.encodeIo(io[0], io[1], batch.examples(), train);
  }

  /** Every task's examples of a batch through the LSTM encoders. */
  private LstmNet.Memory lstmMemory(NDManager m, Batch batch, boolean train) {
    NDArray[] io = exampleIds(m, batch);
    return lstm.encode(io[0], io[1], batch.examples(), train);
  }

  /** The batch's inputs and outputs as character ids {[N,Tin], [N,Tout]}, N = tasks × examples. */
  private static NDArray[] exampleIds(NDManager m, Batch batch) {
    int rows = batch.size() * batch.examples();
    int tin = batch.inputs()[0][0].length;
    int tout = batch.outputs()[0][0].length;
    return new NDArray[] {m.create(flatten(batch.inputs(), rows, tin), new Shape(rows, tin)),
        m.create(flatten(batch.outputs(), rows, tout), new Shape(rows, tout))};
  }

  private static int[] flatten(int[][][] x, int rows, int len) {
    int[] out = new int[rows * len];
    int r = 0;
    for (int[][] task : x) {
      for (int[] row : task) {
        System.arraycopy(row, 0, out, r * len, len);
        r++;
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- updates

  /** EMA codebook update from the valid encodings (no gradient), Laplace-smoothed counts. */
  private void emaUpdate(NDArray enc, NDArray codes, NDArray valid) {
    NDManager m = enc.getManager();
    int k = cfg.latentCodes();
    float decay = cfg.emaDecay();
    NDArray flat = enc.reshape(-1, cfg.dModel());
    NDArray onehot = codes.reshape(-1).oneHot(k).toType(DataType.FLOAT32, false).mul(valid.reshape(-1, 1));
    NDArray counts = onehot.sum(new int[] {0});
    NDArray sums = onehot.transpose().matMul(flat);
    NDArray emaCount = params.get("vq.emaCount");
    NDArray emaSum = params.get("vq.emaSum");
    emaCount.muli(decay).addi(counts.mul(1f - decay));
    emaSum.muli(decay).addi(sums.mul(1f - decay));
    NDArray cnt = net.view(emaCount, m);
    NDArray n = cnt.sum();
    float eps = 1e-5f;
    NDArray smoothed = cnt.add(eps).div(n.add(k * eps)).mul(n);
    NDArray codebook = net.view(emaSum, m).div(smoothed.reshape(k, 1));
    Params.assign(params.get("vq.codebook"), codebook);
  }

  /**
   * The Latent Programmer's discrete latent code of each program (tokens including EOS, no
   * padding), as the autoencoder computes it: program encoder, then the nearest codebook row per
   * latent, ⌈T/2^l⌉ latent ids (≥ {@link ModelConfig#FIRST_CODE}, no BOS/EOS). This is the code the
   * latent predictor is trained to predict; a search given it shows what the code carries.
   *
   * @throws UnsupportedOperationException for a model without discrete latents
   */
  public int[][] latentCodes(List<int[]> programs) {
    checkOpen();
    if (!cfg.isLatent()) {
      throw new UnsupportedOperationException("model kind " + cfg.kind() + " has no discrete latent codes");
    }
    int c = cfg.compression();
    int[][] out = new int[programs.size()][];
    JniUtils.setGradMode(false);
    for (int i = 0; i < out.length; i++) {
      int[] prog = programs.get(i);
      if (prog == null || prog.length < 1 || prog.length > cfg.maxProgramLength()) {
        throw new IllegalArgumentException("program " + i + " must have 1.." + cfg.maxProgramLength() + " tokens, got "
            + (prog == null ? "null" : prog.length));
      }
      int s = cfg.latentLength(prog.length);
      // one program at a time, padded only to its own multiple of 2^l, as in a batch of its length
      try (NDManager sub = manager.newSubManager()) {
        NDArray ids = sub.create(java.util.Arrays.copyOf(prog, s * c), new Shape(1, s * c));
        out[i] = net.nearest(net.encodeProgram(ids, false)).add(ModelConfig.FIRST_CODE).toType(DataType.INT32, false)
            .toIntArray();
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- test hooks

  /** VQ assignment for encodings [N, D] as latent ids (package-private, for tests). */
  int[] assign(float[][] encodings) {
    JniUtils.setGradMode(false);
    try (NDManager sub = manager.newSubManager()) {
      int n = encodings.length;
      float[] flat = new float[n * cfg.dModel()];
      for (int i = 0; i < n; i++) {
        System.arraycopy(encodings[i], 0, flat, i * cfg.dModel(), cfg.dModel());
      }
      NDArray ids = net.nearest(sub.create(flat, new Shape(n, cfg.dModel()))).add(ModelConfig.FIRST_CODE);
      return ids.toType(DataType.INT32, false).toIntArray();
    }
  }

  /** One EMA update from explicit encodings and code indices 0..K-1 (package-private, for tests). */
  void emaUpdateForTest(float[][] encodings, int[] codeIndices) {
    JniUtils.setGradMode(false);
    try (NDManager sub = manager.newSubManager()) {
      int n = encodings.length;
      float[] flat = new float[n * cfg.dModel()];
      float[] ones = new float[n];
      for (int i = 0; i < n; i++) {
        System.arraycopy(encodings[i], 0, flat, i * cfg.dModel(), cfg.dModel());
        ones[i] = 1f;
      }
      emaUpdate(sub.create(flat, new Shape(n, cfg.dModel())), sub.create(codeIndices).toType(DataType.INT64, false),
          sub.create(ones));
    }
  }

  /**
   * The AE ablation's latents for one task: {rolled out [S][D], teacher-forced predictions on the
   * rolled-out prefix [S][D]} (package-private, for tests: the two must agree).
   */
  float[][][] aeLatentsForTest(List<String> inputs, List<String> outputs, int s) {
    JniUtils.setGradMode(false);
    Batch b = Batch.encode(List.of(inputs), List.of(outputs), List.of(new int[] {Tokens.EOS}));
    try (NDManager m = manager.newSubManager()) {
      Net.Memory mem = encodeExamples(m, b, false);
      NDArray rolled = net.rollOutLatents(mem, s, m, null);
      NDArray forced = net.predictLatents(net.predictorInputs(rolled), mem, false).get(new NDIndex("..., :{}", cfg.dModel()));
      return new float[][][] {rows(rolled.toFloatArray(), s), rows(forced.toFloatArray(), s)};
    }
  }

  private float[][] rows(float[] flat, int n) {
    float[][] out = new float[n][cfg.dModel()];
    for (int i = 0; i < n; i++) {
      System.arraycopy(flat, i * cfg.dModel(), out[i], 0, cfg.dModel());
    }
    return out;
  }

  /** Overwrites every value of one parameter (package-private, for tests). */
  void fillParameterForTest(String name, float value) {
    NDArray w = params.get(name);
    Params.fill(w, value);
  }

  /** The values of one parameter, or of its gradient (package-private, for tests). */
  float[] valuesForTest(String name, boolean gradient) {
    NDArray w = params.get(name);
    if (!gradient) {
      return w.toFloatArray();
    }
    try (NDManager sub = manager.newSubManager()) {
      NDArray g = w.getGradient();
      g.attach(sub);
      return g.toFloatArray();
    }
  }

  /** Names of the trainable parameters (package-private, for tests). */
  List<String> trainableForTest() {
    return params.trainable();
  }

  /** The codebook as [K][D] (package-private, for tests). */
  float[][] codebook() {
    NDArray cb = params.get("vq.codebook");
    float[] v = cb.toFloatArray();
    int k = cfg.latentCodes();
    float[][] out = new float[k][cfg.dModel()];
    for (int i = 0; i < k; i++) {
      System.arraycopy(v, i * cfg.dModel(), out[i], 0, cfg.dModel());
    }
    return out;
  }

  /**
   * Log-probabilities [rows][T][V] by full recomputation (no cache) of decoder "pdec" or "lpred"
   * over tokens [rows][T], with the examples of one task and, for the LP program decoder, the
   * latent codes per row (package-private, for tests).
   */
  float[][][] fullLogProbs(String prefix, List<String> inputs, List<String> outputs, int[][] tokens, int[][] latents) {
    JniUtils.setGradMode(false);
    int rows = tokens.length;
    int t = tokens[0].length;
    List<List<String>> ins = new java.util.ArrayList<>();
    List<List<String>> outs = new java.util.ArrayList<>();
    List<int[]> progs = new java.util.ArrayList<>();
    for (int r = 0; r < rows; r++) {
      ins.add(inputs);
      outs.add(outputs);
      progs.add(new int[] {Tokens.EOS});
    }
    Batch b = Batch.encode(ins, outs, progs);
    try (NDManager m = manager.newSubManager()) {
      int[] flat = new int[rows * t];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(tokens[r], 0, flat, r * t, t);
      }
      if (cfg.recurrent()) {
        return logProbs(lstm.decodeFull(m.create(flat, new Shape(rows, t)), lstmMemory(m, b, false), false), rows, t);
      }
      Net.Memory mem = encodeExamples(m, b, false);
      NDArray lat = null;
      NDArray latMask = null;
      if (latents != null) {
        int s = 1;
        for (int[] l : latents) {
          s = Math.max(s, l.length);
        }
        int[] ids = new int[rows * s];
        float[] mask = new float[rows * s];
        for (int r = 0; r < rows; r++) {
          for (int j = 0; j < s; j++) {
            if (j < latents[r].length) {
              ids[r * s + j] = latents[r][j];
            } else if (j > 0 || latents[r].length > 0) {
              mask[r * s + j] = Net.NEG;
            }
          }
        }
        NDArray idArr = m.create(ids, new Shape(rows, s));
        lat = net.codeVectors(idArr).mul(idArr.gt(0).toType(DataType.FLOAT32, false).expandDims(2));
        latMask = m.create(mask, new Shape(rows, 1, 1, s));
      }
      return logProbs(net.decodeFull(prefix, m.create(flat, new Shape(rows, t)), mem, lat, latMask, false, false),
          rows, t);
    }
  }

  private static float[][][] logProbs(NDArray logits, int rows, int t) {
    NDArray logp = logits.logSoftmax(-1);
    int v = (int) logp.getShape().get(2);
    float[] all = logp.toFloatArray();
    float[][][] out = new float[rows][t][v];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < t; i++) {
        System.arraycopy(all, (r * t + i) * v, out[r][i], 0, v);
      }
    }
    return out;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("network is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.close();
    }
  }
}
