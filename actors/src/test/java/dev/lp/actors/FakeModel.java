package dev.lp.actors;

import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Tokens;
import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An instrumented scripted model for engine tests: beam search finds the scripted programs (in
 * script order) because each scripted next token gets most of the probability; off-script rows
 * put half their mass on EOS so they end quickly. Records every stepAll call's rows, counts open
 * handles, and can be made slow or failing.
 */
final class FakeModel implements SynthesisModel {
  static final int LATENT_VOCAB = 8;
  static final int LATENT_BOS = 1;
  static final int LATENT_EOS = 2;

  private final ModelInfo info;
  private final List<int[]> programs;
  private final Map<List<Integer>, List<int[]>> programsByCode = new HashMap<>();
  private final List<int[]> codes = new ArrayList<>();
  final AtomicInteger openDecoders = new AtomicInteger();
  final AtomicInteger openSpecs = new AtomicInteger();
  final AtomicInteger encodes = new AtomicInteger();
  /** For each stepAll call, the inputs of the request each decoder belongs to. */
  final List<List<String>> stepAllRequests = new CopyOnWriteArrayList<>();
  volatile long stepDelayMs;
  /** How long opening a decoder takes (a real model projects the examples' keys and values). */
  volatile long openDelayMs;
  volatile boolean failSteps;
  /** Thrown by encode when set: an Error, which the ModelWorker does not catch (it crashes). */
  volatile Error encodeError;

  /** A baseline model whose beam search finds {@code programTexts} in order. */
  static FakeModel baseline(String... programTexts) {
    return new FakeModel(
        new ModelInfo("baseline", "fake-baseline-1", Tokens.VOCAB, 0, -1, -1, 16, 0),
        programTexts);
  }

  /** A latent model: code {@code {3 + i}} leads to {@code programTextsPerCode[i]}. */
  static FakeModel latent(String... programTextsPerCode) {
    var m =
        new FakeModel(
            new ModelInfo(
                "lp", "fake-lp-1", Tokens.VOCAB, LATENT_VOCAB, LATENT_BOS, LATENT_EOS, 16, 3),
            new String[0]);
    for (int i = 0; i < programTextsPerCode.length; i++) {
      int[] code = {3 + i};
      m.codes.add(new int[] {3 + i, LATENT_EOS});
      m.programsByCode.put(List.of(3 + i), List.of(ids(programTextsPerCode[i])));
    }
    return m;
  }

  static int[] ids(String programText) {
    return Tokens.encode(ProgramText.parse(programText));
  }

  private FakeModel(ModelInfo info, String[] programTexts) {
    this.info = info;
    this.programs = new ArrayList<>();
    for (String p : programTexts) {
      programs.add(ids(p));
    }
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  record FakeSpec(List<String> inputs, List<String> outputs, FakeModel owner) implements Spec {
    @Override
    public void close() {
      owner.openSpecs.decrementAndGet();
    }
  }

  @Override
  public Spec encode(List<String> inputs, List<String> outputs) {
    if (encodeError != null) {
      throw encodeError;
    }
    encodes.incrementAndGet();
    openSpecs.incrementAndGet();
    return new FakeSpec(List.copyOf(inputs), List.copyOf(outputs), this);
  }

  @Override
  public Decoder latentDecoder(Spec spec, int rows) {
    if (!info.hasLatents()) {
      throw new UnsupportedOperationException("baseline has no latent decoder");
    }
    int[][] none = new int[rows][0];
    sleep(openDelayMs);
    return new FakeDecoder((FakeSpec) spec, none, true, LATENT_BOS, LATENT_VOCAB, LATENT_EOS);
  }

  @Override
  public Decoder programDecoder(Spec spec, int[][] latents) {
    sleep(openDelayMs);
    return new FakeDecoder((FakeSpec) spec, latents, false, Tokens.BOS, Tokens.VOCAB, Tokens.EOS);
  }

  @Override
  public List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
    List<String> who = new ArrayList<>();
    for (Decoder d : decoders) {
      who.add(String.join(",", ((FakeDecoder) d).spec.inputs()));
    }
    stepAllRequests.add(who);
    sleep(stepDelayMs);
    if (failSteps) {
      throw new IllegalStateException("fake model failure");
    }
    return SynthesisModel.super.stepAll(decoders, tokens);
  }

  @Override
  public void close() {}

  private static void sleep(long ms) {
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final class FakeDecoder implements Decoder {
    final FakeSpec spec;
    private final boolean latent;
    private final int bos;
    private final int vocab;
    private final int eos;
    private List<int[]> prefixes = new ArrayList<>();
    private List<int[]> rowCodes = new ArrayList<>();
    private int length;
    private boolean closed;

    FakeDecoder(FakeSpec spec, int[][] codes, boolean latent, int bos, int vocab, int eos) {
      this.spec = spec;
      this.latent = latent;
      this.bos = bos;
      this.vocab = vocab;
      this.eos = eos;
      for (int[] c : codes) {
        prefixes.add(new int[0]);
        rowCodes.add(c.clone());
      }
      openDecoders.incrementAndGet();
    }

    @Override
    public int rows() {
      return prefixes.size();
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public float[][] step(int[] tokens) {
      if (closed) {
        throw new IllegalStateException("step on a closed decoder");
      }
      if (tokens.length != prefixes.size()) {
        throw new IllegalArgumentException(tokens.length + " tokens for " + prefixes.size() + " rows");
      }
      float[][] out = new float[tokens.length][];
      for (int r = 0; r < tokens.length; r++) {
        int[] p = prefixes.get(r);
        if (tokens[r] != bos) {
          p = Arrays.copyOf(p, p.length + 1);
          p[p.length - 1] = tokens[r];
          prefixes.set(r, p);
        }
        out[r] = next(p, script(rowCodes.get(r)));
      }
      length++;
      return out;
    }

    private List<int[]> script(int[] code) {
      if (latent) {
        return codes;
      }
      var byCode = programsByCode.get(Arrays.stream(code).boxed().toList());
      return byCode != null ? byCode : programs;
    }

    private float[] next(int[] prefix, List<int[]> script) {
      List<Integer> continuations = new ArrayList<>();
      for (int[] s : script) {
        if (s.length > prefix.length && Arrays.equals(s, 0, prefix.length, prefix, 0, prefix.length)) {
          int t = s[prefix.length];
          if (!continuations.contains(t)) {
            continuations.add(t);
          }
        }
      }
      float[] out = new float[vocab];
      if (continuations.isEmpty()) {
        Arrays.fill(out, (float) Math.log(0.5 / (vocab - 1)));
        out[eos] = (float) Math.log(0.5);
        return out;
      }
      // Scripted tokens share 99% of the mass, earlier script entries more; the rest is uniform.
      double[] w = new double[continuations.size()];
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        w[i] = Math.pow(0.5, i);
        sum += w[i];
      }
      Arrays.fill(out, (float) Math.log(0.01 / (vocab - continuations.size())));
      for (int i = 0; i < w.length; i++) {
        out[continuations.get(i)] = (float) Math.log(0.99 * w[i] / sum);
      }
      return out;
    }

    @Override
    public void reorder(int[] parents) {
      if (closed) {
        throw new IllegalStateException("reorder on a closed decoder");
      }
      List<int[]> np = new ArrayList<>();
      List<int[]> nc = new ArrayList<>();
      for (int p : parents) {
        np.add(prefixes.get(p));
        nc.add(rowCodes.get(p));
      }
      prefixes = np;
      rowCodes = nc;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        openDecoders.decrementAndGet();
      }
    }
  }
}
