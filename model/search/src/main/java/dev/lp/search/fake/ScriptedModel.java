package dev.lp.search.fake;

import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import dev.lp.search.BeamSearch;
import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic {@link SynthesisModel} without DJL, for tests and engine benchmarks: for each
 * scripted task (its examples) it makes beam search find exactly the scripted programs, in the
 * scripted order, and puts a uniform-ish distribution everywhere else.
 *
 * <p>How: per task, the latent codes (in order of first appearance) and, per code, its programs
 * form tries whose next-token probabilities give each scripted sequence an exact probability
 * (see {@code ScriptTrie}). Scores are length-normalised log-probabilities (same alpha as the
 * search). With automatic scores, entry j of a task gets program score {@code base - 0.05·j} and
 * code i latent score {@code base' - 0.05·i}, so candidates come back in list order as long as the
 * beams are wide enough to hold them (latent beams ≥ distinct codes, ⌊B/L⌋ ≥ programs per code).
 * Off the script (unknown examples, unscripted codes or prefixes) EOS takes half the mass and the
 * other ids share the rest, so stray beams end at once with scores far below the scripted ones.
 *
 * <p>Instrumented: counts {@link #stepAll} calls and the decoders of each, and open handles. An
 * optional delay per forward call (each {@code stepAll}, or each lone {@code step}) simulates model
 * cost. Like a real model it serves one thread at a time; the counters may be read from any thread.
 */
public final class ScriptedModel implements SynthesisModel {

  /** Score gap between consecutive entries of a task (and consecutive codes) in automatic mode. */
  public static final double RANK_GAP = 0.05;

  /**
   * One scripted program of a task.
   *
   * @param latentCode code ids without BOS/EOS (empty for the baseline)
   * @param program program ids without BOS, with or without the final EOS
   * @param score its length-normalised log-probability, or NaN to let the model assign one from
   *     the entry's position; all entries of a task are either explicit or NaN
   */
  public record Entry(int[] latentCode, int[] program, double score) {
    public Entry {
      if (latentCode == null || program == null) {
        throw new IllegalArgumentException("Entry needs a latent code (empty for the baseline) and program ids");
      }
      latentCode = latentCode.clone();
      program = program.clone();
    }

    /** An entry ranked by its position in the task's list. */
    public static Entry ranked(int[] latentCode, Program program) {
      return new Entry(latentCode, Tokens.encode(program), Double.NaN);
    }

    /** A baseline entry (no latent code) ranked by its position. */
    public static Entry ranked(Program program) {
      return ranked(new int[0], program);
    }

    @Override
    public int[] latentCode() {
      return latentCode.clone();
    }

    @Override
    public int[] program() {
      return program.clone();
    }
  }

  /** Builds a {@link ScriptedModel}; defaults: LP with 16 codes, alpha 0.6, no delay. */
  public static final class Builder {
    private boolean latents = true;
    private int latentVocab = 19;
    private int latentBos = 1;
    private int latentEos = 2;
    private int maxLatentLength = 8;
    private int maxProgramLength = 40;
    private double alpha = BeamSearch.Settings.DEFAULT_ALPHA;
    private Duration delay = Duration.ZERO;
    private String version = "scripted";
    private final Map<String, List<Entry>> tasks = new LinkedHashMap<>();

    private Builder() {}

    /** A baseline model: no latent codes, every entry's code must be empty. */
    public Builder baseline() {
      latents = false;
      return this;
    }

    /** Latent vocabulary (codes are the ids other than BOS/EOS) and longest code with EOS. */
    public Builder latents(int vocab, int bos, int eos, int maxLength) {
      latents = true;
      latentVocab = vocab;
      latentBos = bos;
      latentEos = eos;
      maxLatentLength = maxLength;
      return this;
    }

    /** Longest program in tokens including EOS. */
    public Builder maxProgramLength(int n) {
      maxProgramLength = n;
      return this;
    }

    /** The length-normalisation alpha the search will use (scores are computed with it). */
    public Builder alpha(double a) {
      alpha = a;
      return this;
    }

    /** Sleep per forward call, to simulate model cost. */
    public Builder stepDelay(Duration d) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("step delay must be >= 0, got " + d);
      }
      delay = d;
      return this;
    }

    public Builder version(String v) {
      version = v;
      return this;
    }

    /** Scripts the programs beam search must find for these examples, best first. */
    public Builder task(List<String> inputs, List<String> outputs, List<Entry> entries) {
      String key = key(inputs, outputs);
      if (entries == null || entries.isEmpty()) {
        throw new IllegalArgumentException("task " + key + " needs at least one entry");
      }
      if (tasks.putIfAbsent(key, List.copyOf(entries)) != null) {
        throw new IllegalArgumentException("task " + key + " is scripted twice");
      }
      return this;
    }

    public ScriptedModel build() {
      if (maxProgramLength < 1) {
        throw new IllegalArgumentException("maxProgramLength must be >= 1, got " + maxProgramLength);
      }
      ModelInfo info = latents
          ? new ModelInfo("lp", version, Tokens.VOCAB, latentVocab, latentBos, latentEos, maxProgramLength,
              maxLatentLength)
          : new ModelInfo("baseline", version, Tokens.VOCAB, 0, -1, -1, maxProgramLength, 0);
      if (latents && (latentVocab < 3 || latentBos < 0 || latentBos >= latentVocab || latentEos < 0
          || latentEos >= latentVocab || latentBos == latentEos || maxLatentLength < 1)) {
        throw new IllegalArgumentException("bad latent settings: vocab " + latentVocab + ", bos " + latentBos
            + ", eos " + latentEos + ", max length " + maxLatentLength);
      }
      Map<String, Task> compiled = new HashMap<>();
      for (var e : tasks.entrySet()) {
        compiled.put(e.getKey(), compile(e.getKey(), e.getValue(), info, alpha));
      }
      return new ScriptedModel(info, compiled, delay);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The table key of a task: its examples, unambiguously (length-prefixed). */
  public static String key(List<String> inputs, List<String> outputs) {
    if (inputs == null || outputs == null || inputs.size() != outputs.size()) {
      throw new IllegalArgumentException("examples need equal-sized input and output lists, got "
          + (inputs == null ? "null" : inputs.size()) + " and " + (outputs == null ? "null" : outputs.size()));
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < inputs.size(); i++) {
      String in = inputs.get(i);
      String out = outputs.get(i);
      if (in == null || out == null) {
        throw new IllegalArgumentException("example " + i + " has a null string");
      }
      sb.append(in.length()).append(':').append(in).append(out.length()).append(':').append(out).append(';');
    }
    return sb.toString();
  }

  // ---- compiled script -------------------------------------------------------------------

  /** A task's tries: one over codes, one over programs per code. */
  private record Task(ScriptTrie codes, Map<List<Integer>, ScriptTrie> programs) {}

  private static Task compile(String key, List<Entry> entries, ModelInfo info, double alpha) {
    int n = entries.size();
    long explicit = entries.stream().filter(e -> !Double.isNaN(e.score())).count();
    if (explicit != 0 && explicit != n) {
      throw new IllegalArgumentException("task " + key + ": give every entry a score or none (" + explicit
          + " of " + n + " have one)");
    }
    Map<List<Integer>, List<int[]>> byCode = new LinkedHashMap<>();
    Map<List<Integer>, List<Integer>> ranks = new LinkedHashMap<>();
    Map<List<Integer>, List<Double>> scores = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (int j = 0; j < n; j++) {
      Entry e = entries.get(j);
      int[] code = e.latentCode;
      int[] prog = withEos(e.program, key, j, info);
      checkCode(code, key, j, info);
      if (!Double.isNaN(e.score()) && !(e.score() < 0)) {
        throw new IllegalArgumentException("task " + key + " entry " + j + ": score must be < 0, got " + e.score());
      }
      if (!seen.add(Arrays.toString(code) + Arrays.toString(prog))) {
        throw new IllegalArgumentException("task " + key + " entry " + j + " repeats an earlier (code, program)");
      }
      List<Integer> c = Arrays.stream(code).boxed().toList();
      byCode.computeIfAbsent(c, x -> new ArrayList<>()).add(prog);
      ranks.computeIfAbsent(c, x -> new ArrayList<>()).add(j);
      scores.computeIfAbsent(c, x -> new ArrayList<>()).add(e.score());
    }
    List<List<int[]>> groups = new ArrayList<>(byCode.values());
    List<int[]> groupRanks = ranks.values().stream()
        .map(r -> r.stream().mapToInt(Integer::intValue).toArray()).toList();
    double base = explicit == 0 ? ScriptTrie.autoBase(groups, groupRanks, RANK_GAP, alpha) : 0;
    Map<List<Integer>, ScriptTrie> programs = new HashMap<>();
    int g = 0;
    for (var c : byCode.keySet()) {
      int[] rank = groupRanks.get(g++);
      double[] s = new double[rank.length];
      for (int j = 0; j < s.length; j++) {
        s[j] = explicit == 0 ? base - RANK_GAP * rank[j] : scores.get(c).get(j);
      }
      programs.put(c, ScriptTrie.of(byCode.get(c), s, alpha, Tokens.VOCAB, Tokens.EOS,
          "task " + key + " code " + c));
    }
    ScriptTrie codes = null;
    if (info.hasLatents()) {
      List<int[]> codeSeqs = new ArrayList<>();
      for (var c : byCode.keySet()) {
        int[] seq = new int[c.size() + 1];
        for (int i = 0; i < c.size(); i++) {
          seq[i] = c.get(i);
        }
        seq[c.size()] = info.latentEos();
        codeSeqs.add(seq);
      }
      int[] codeRank = new int[codeSeqs.size()];
      Arrays.setAll(codeRank, i -> i);
      double codeBase = ScriptTrie.autoBase(List.of(codeSeqs), List.of(codeRank), RANK_GAP, alpha);
      double[] cs = new double[codeRank.length];
      Arrays.setAll(cs, i -> codeBase - RANK_GAP * i);
      codes = ScriptTrie.of(codeSeqs, cs, alpha, info.latentVocab(), info.latentEos(), "task " + key + " codes");
    }
    return new Task(codes, programs);
  }

  private static int[] withEos(int[] program, String key, int j, ModelInfo info) {
    int len = program.length > 0 && program[program.length - 1] == Tokens.EOS ? program.length - 1 : program.length;
    if (len == 0) {
      throw new IllegalArgumentException("task " + key + " entry " + j + ": empty program");
    }
    for (int i = 0; i < len; i++) {
      int t = program[i];
      if (t <= Tokens.EOS || t >= Tokens.VOCAB) {
        throw new IllegalArgumentException("task " + key + " entry " + j + ": program id " + t + " at " + i
            + " is not a program token (3.." + (Tokens.VOCAB - 1) + ")");
      }
    }
    if (len + 1 > info.maxProgramLength()) {
      throw new IllegalArgumentException("task " + key + " entry " + j + ": program of " + (len + 1)
          + " tokens with EOS exceeds maxProgramLength " + info.maxProgramLength());
    }
    int[] out = Arrays.copyOf(program, len + 1);
    out[len] = Tokens.EOS;
    return out;
  }

  private static void checkCode(int[] code, String key, int j, ModelInfo info) {
    if (!info.hasLatents()) {
      if (code.length != 0) {
        throw new IllegalArgumentException("task " + key + " entry " + j + ": a baseline entry has no latent code");
      }
      return;
    }
    if (code.length + 1 > info.maxLatentLength()) {
      throw new IllegalArgumentException("task " + key + " entry " + j + ": code of " + code.length
          + " ids plus EOS exceeds maxLatentLength " + info.maxLatentLength());
    }
    for (int t : code) {
      if (t < 0 || t >= info.latentVocab() || t == info.latentBos() || t == info.latentEos()) {
        throw new IllegalArgumentException("task " + key + " entry " + j + ": latent id " + t
            + " is not a code id (0.." + (info.latentVocab() - 1) + " except BOS/EOS)");
      }
    }
  }

  // ---- the model -------------------------------------------------------------------------

  private final ModelInfo info;
  private final Map<String, Task> tasks;
  private final long delayNanos;
  private final AtomicInteger stepAllCalls = new AtomicInteger();
  private final AtomicInteger forwardCalls = new AtomicInteger();
  private final AtomicInteger encodeCalls = new AtomicInteger();
  private final AtomicInteger openHandles = new AtomicInteger();
  private final List<Integer> decodersPerStepAll = new ArrayList<>();
  private volatile boolean closed;

  private ScriptedModel(ModelInfo info, Map<String, Task> tasks, Duration delay) {
    this.info = info;
    this.tasks = Map.copyOf(tasks);
    this.delayNanos = delay.toNanos();
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public Spec encode(List<String> inputs, List<String> outputs) {
    checkOpen();
    encodeCalls.incrementAndGet();
    return new ScriptedSpec(tasks.get(key(inputs, outputs)));
  }

  @Override
  public Decoder latentDecoder(Spec spec, int rows) {
    checkOpen();
    if (!info.hasLatents()) {
      throw new UnsupportedOperationException("the baseline scripted model has no latent codes");
    }
    ScriptedSpec s = spec(spec);
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    }
    ScriptTrie[] tries = new ScriptTrie[rows];
    Arrays.fill(tries, s.task == null ? null : s.task.codes());
    return new ScriptedDecoder(s, tries, info.latentVocab(), info.latentBos(), info.latentEos());
  }

  @Override
  public Decoder programDecoder(Spec spec, int[][] latents) {
    checkOpen();
    ScriptedSpec s = spec(spec);
    if (latents == null || latents.length == 0) {
      throw new IllegalArgumentException("programDecoder needs one latent code per row, got none");
    }
    ScriptTrie[] tries = new ScriptTrie[latents.length];
    for (int i = 0; i < latents.length; i++) {
      if (latents[i] == null) {
        throw new IllegalArgumentException("latent code of row " + i + " is null (pass an empty array)");
      }
      List<Integer> code = info.hasLatents() ? Arrays.stream(latents[i]).boxed().toList() : List.of();
      tries[i] = s.task == null ? null : s.task.programs().get(code);
    }
    return new ScriptedDecoder(s, tries, Tokens.VOCAB, Tokens.BOS, Tokens.EOS);
  }

  @Override
  public List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
    checkOpen();
    if (decoders == null || tokens == null || decoders.size() != tokens.size()) {
      throw new IllegalArgumentException("stepAll needs one token array per decoder");
    }
    stepAllCalls.incrementAndGet();
    synchronized (decodersPerStepAll) {
      decodersPerStepAll.add(decoders.size());
    }
    pause();
    List<float[][]> out = new ArrayList<>(decoders.size());
    for (int i = 0; i < decoders.size(); i++) {
      if (!(decoders.get(i) instanceof ScriptedDecoder d)) {
        throw new IllegalArgumentException("decoder " + i + " was not made by this model");
      }
      out.add(d.advance(tokens.get(i)));
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Number of {@link #stepAll} calls so far. */
  public int stepAllCalls() {
    return stepAllCalls.get();
  }

  /** Forward calls so far: one per {@code stepAll} plus one per lone {@code Decoder.step}. */
  public int forwardCalls() {
    return forwardCalls.get();
  }

  /** Number of {@link #encode} calls so far. */
  public int encodeCalls() {
    return encodeCalls.get();
  }

  /** Decoder count of each {@link #stepAll} call, in order. */
  public List<Integer> decodersPerStepAll() {
    synchronized (decodersPerStepAll) {
      return List.copyOf(decodersPerStepAll);
    }
  }

  /** Specs and decoders made and not yet closed (0 after a well-behaved search). */
  public int openHandles() {
    return openHandles.get();
  }

  private void pause() {
    forwardCalls.incrementAndGet();
    if (delayNanos > 0) {
      try {
        Thread.sleep(delayNanos / 1_000_000, (int) (delayNanos % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted during a scripted model step", e);
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("scripted model " + info.version() + " is closed");
    }
  }

  private ScriptedSpec spec(Spec spec) {
    if (!(spec instanceof ScriptedSpec s)) {
      throw new IllegalArgumentException("spec was not made by this model: " + spec);
    }
    if (s.closed) {
      throw new IllegalStateException("spec is closed");
    }
    return s;
  }

  private final class ScriptedSpec implements Spec {
    final Task task; // null: examples not in the script
    boolean closed;

    ScriptedSpec(Task task) {
      this.task = task;
      openHandles.incrementAndGet();
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        openHandles.decrementAndGet();
      }
    }
  }

  private final class ScriptedDecoder implements Decoder {
    private final ScriptedSpec spec;
    private final int vocab;
    private final int bos;
    private final int eos;
    private ScriptTrie[] tries; // per row; null = off the script
    private int[][] prefixes; // per row: ids generated so far, excluding BOS
    private int length;
    private boolean closed;

    ScriptedDecoder(ScriptedSpec spec, ScriptTrie[] tries, int vocab, int bos, int eos) {
      this.spec = spec;
      this.tries = tries;
      this.vocab = vocab;
      this.bos = bos;
      this.eos = eos;
      this.prefixes = new int[tries.length][0];
      openHandles.incrementAndGet();
    }

    @Override
    public int rows() {
      return tries.length;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public float[][] step(int[] tokens) {
      checkOpen();
      pause();
      return advance(tokens);
    }

    float[][] advance(int[] tokens) {
      if (closed) {
        throw new IllegalStateException("decoder is closed");
      }
      if (spec.closed) {
        throw new IllegalStateException("decoder used after its spec was closed");
      }
      if (tokens == null || tokens.length != tries.length) {
        throw new IllegalArgumentException("step needs one token per row (" + tries.length + "), got "
            + (tokens == null ? "null" : tokens.length));
      }
      float[][] out = new float[tries.length][];
      for (int r = 0; r < tries.length; r++) {
        int t = tokens[r];
        if (t < 0 || t >= vocab) {
          throw new IllegalArgumentException("row " + r + ": token " + t + " outside vocab 0.." + (vocab - 1));
        }
        if (length == 0 && t != bos) {
          throw new IllegalArgumentException("row " + r + ": the first token must be BOS " + bos + ", got " + t);
        }
        if (length > 0) {
          prefixes[r] = Arrays.copyOf(prefixes[r], length);
          prefixes[r][length - 1] = t;
        }
        out[r] = tries[r] == null ? ScriptTrie.offScript(vocab, eos) : tries[r].logProbs(prefixes[r], length);
      }
      length++;
      return out;
    }

    @Override
    public void reorder(int[] parents) {
      if (closed) {
        throw new IllegalStateException("decoder is closed");
      }
      if (parents == null) {
        throw new IllegalArgumentException("parents are null");
      }
      ScriptTrie[] t = new ScriptTrie[parents.length];
      int[][] p = new int[parents.length][];
      for (int i = 0; i < parents.length; i++) {
        if (parents[i] < 0 || parents[i] >= tries.length) {
          throw new IllegalArgumentException("parent " + parents[i] + " at " + i + " is not a row (0.."
              + (tries.length - 1) + ")");
        }
        t[i] = tries[parents[i]];
        p[i] = prefixes[parents[i]];
      }
      tries = t;
      prefixes = p;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        openHandles.decrementAndGet();
      }
    }
  }
}
