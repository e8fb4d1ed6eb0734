package dev.lp.nn;

import ai.djl.pytorch.jni.JniUtils;
import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Tokens;
import dev.lp.search.SynthesisModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures paper-size training throughput (batch 32, 4 examples of 20-60 random characters,
 * programs of 20-50 random tokens) and KV-cached decode step time for 10 rows.
 *
 * <p>Usage: {@code NnBench [threads=2] [trainSteps=6] [kinds=baseline,lp]}; run with
 * GLIBC_TUNABLES set as in the root pom (it roughly doubles small-model speed).
 */
public final class NnBench {
  private NnBench() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    String[] kinds = (args.length > 2 ? args[2] : "baseline,lp").split(",");
    ai.djl.engine.Engine.getInstance(); // loads the native library before any JNI call
    JniUtils.setNumThreads(threads);
    System.out.printf("threads=%d GLIBC_TUNABLES=%s%n", threads, System.getenv("GLIBC_TUNABLES") != null ? "set" : "unset");
    SplittableRandom r = new SplittableRandom(42);
    List<Batch> batches = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batches.add(randomBatch(r, 32));
    }
    for (String kind : kinds) {
      ModelConfig cfg = "lp".equals(kind) ? ModelConfig.paperLp().withPretrainSteps(2) : ModelConfig.paperBaseline();
      try (Network net = Network.create(cfg, 1)) {
        System.out.printf("%s: %d parameters%n", kind, net.parameterCount());
        net.trainStep(batches.get(0), 0, 1e-4f); // warm-up
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          net.trainStep(batches.get(s % batches.size()), 10 + s, 1e-4f);
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s train: %.1f tasks/s (%.0f ms/step, batch 32, %d steps%s)%n", kind, 32 * steps / sec,
            1000 * sec / steps, steps, cfg.isLatent() ? ", after pretraining: ae+lp+e2e" : "");
        try (SynthesisModel m = net.inference("bench")) {
          decodeBench(m, r, cfg);
        }
      }
    }
  }

  private static void decodeBench(SynthesisModel m, SplittableRandom r, ModelConfig cfg) {
    List<String> ins = new ArrayList<>();
    List<String> outs = new ArrayList<>();
    for (int e = 0; e < 4; e++) {
      ins.add(randomString(r, 20 + r.nextInt(41)));
      outs.add(randomString(r, 10 + r.nextInt(31)));
    }
    int rows = 10;
    int len = 40;
    for (int rep = 0; rep < 2; rep++) {
      long t0 = System.nanoTime();
      try (var spec = m.encode(ins, outs)) {
        long t1 = System.nanoTime();
        int[][] latents = new int[rows][];
        for (int i = 0; i < rows; i++) {
          latents[i] = cfg.isLatent() ? new int[] {3, 4, 5, 6, 7, 8, 9, 10} : new int[0];
        }
        double latMs = 0;
        if (cfg.isLatent()) {
          try (var lat = m.latentDecoder(spec, rows)) {
            int[] tok = new int[rows];
            Arrays.fill(tok, 1);
            long l0 = System.nanoTime();
            for (int t = 0; t < 10; t++) {
              lat.step(tok);
              lat.reorder(identity(rows));
              Arrays.fill(tok, 3 + t);
            }
            latMs = (System.nanoTime() - l0) / 1e6 / 10;
          }
        }
        try (var dec = m.programDecoder(spec, latents)) {
          int[] tok = new int[rows];
          Arrays.fill(tok, Tokens.BOS);
          long d0 = System.nanoTime();
          for (int t = 0; t < len; t++) {
            dec.step(tok);
            dec.reorder(identity(rows));
            Arrays.fill(tok, 19 + t);
          }
          double stepMs = (System.nanoTime() - d0) / 1e6 / len;
          if (rep == 1) {
            System.out.printf("%s decode: encode %.1f ms; program step+reorder %.2f ms (10 rows, %d steps)%s%n",
                cfg.kind(), (t1 - t0) / 1e6, stepMs, len,
                cfg.isLatent() ? String.format("; latent step+reorder %.2f ms", latMs) : "");
          }
        }
      }
    }
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = n - 1 - i;
    }
    return p;
  }

  static Batch randomBatch(SplittableRandom r, int b) {
    List<List<String>> ins = new ArrayList<>();
    List<List<String>> outs = new ArrayList<>();
    List<int[]> progs = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      List<String> in = new ArrayList<>();
      List<String> out = new ArrayList<>();
      for (int e = 0; e < 4; e++) {
        in.add(randomString(r, 20 + r.nextInt(41)));
        out.add(randomString(r, 10 + r.nextInt(31)));
      }
      ins.add(in);
      outs.add(out);
      int[] p = new int[20 + r.nextInt(31)];
      for (int j = 0; j < p.length - 1; j++) {
        p[j] = 3 + r.nextInt(Tokens.VOCAB - 3);
      }
      p[p.length - 1] = Tokens.EOS;
      progs.add(p);
    }
    return Batch.encode(ins, outs, progs);
  }

  static String randomString(SplittableRandom r, int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(Alphabet.CHARACTERS.charAt(r.nextInt(Alphabet.CHARACTERS.length())));
    }
    return sb.toString();
  }
}
