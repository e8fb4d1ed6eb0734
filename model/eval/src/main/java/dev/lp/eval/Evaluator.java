package dev.lp.eval;

import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import dev.lp.search.Candidate;
import dev.lp.search.Consistency;
import dev.lp.search.Ranking;
import dev.lp.search.Guidance;
import dev.lp.search.SearchBudget;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TwoLevelSearch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the paper's evaluation of one model: for each task and each budget, a full {@link
 * TwoLevelSearch} and the accuracy test of docs/DSL.md (solved when some returned program
 * reproduces every given output). The search is never stopped at the first consistent program, so
 * the returned beams are exactly the top-B that accuracy and diversity are defined over.
 *
 * <p>One thread, like the model it drives. A model that throws on a task marks that task failed
 * (unsolved, with the message) instead of ending the evaluation, and the reports count failures.
 */
public final class Evaluator {

  /** Largest n of the distinct n-gram ratios (Figure 5a uses 1..4). */
  public static final int MAX_NGRAM = 4;

  /** Beam size of the latent-beam sweep (Figure 5a). */
  public static final int SWEEP_BEAM_SIZE = 10;

  /** Latent beams of the sweep (Figure 5a). */
  public static final List<Integer> SWEEP_LATENT_BEAMS = List.of(1, 2, 3, 5, 10);

  /** Told after each task; {@code runningAccuracy[i]} is the accuracy so far at setting i. */
  @FunctionalInterface
  public interface ProgressListener {
    void onTask(String phase, int done, int total, double[] runningAccuracy);

    ProgressListener NONE = (phase, done, total, acc) -> { };
  }

  /**
   * Told every candidate of every search (the model's in its order, then the enumerator's shortest
   * program when it was not among them), with whether it is consistent with the shown examples and
   * whether it generalises to the hidden ones (null without hidden examples): the data a ranking is
   * studied on.
   */
  @FunctionalInterface
  public interface CandidateLog {
    void record(Task task, Setting setting, List<Candidate> candidates, List<Boolean> consistent,
        List<Boolean> generalises);

    CandidateLog NONE = (task, setting, candidates, consistent, generalises) -> { };
  }

  private final SynthesisModel model;
  private final TwoLevelSearch search;
  private final Guidance guidance;
  private final boolean enumeratorOnly;
  private CandidateLog candidateLog = CandidateLog.NONE;

  /** An evaluator of the paper's protocol: no execution guidance. */
  public Evaluator(SynthesisModel model) {
    this(model, Guidance.OFF);
  }

  /** An evaluator whose searches use {@code guidance}, as a served request with that option would. */
  public Evaluator(SynthesisModel model, Guidance guidance) {
    this(model, guidance, false);
  }

  /**
   * With {@code enumeratorOnly}, no model search at all: each task's answer is its version space's
   * shortest program (Occam's ranking), the baseline a learned ranking must beat.
   */
  public Evaluator(SynthesisModel model, Guidance guidance, boolean enumeratorOnly) {
    if (model == null) {
      throw new IllegalArgumentException("model is null");
    }
    if (guidance == null) {
      throw new IllegalArgumentException("guidance is null");
    }
    this.model = model;
    this.guidance = guidance;
    this.enumeratorOnly = enumeratorOnly;
    this.search = new TwoLevelSearch(model);
  }

  /** Where every search's candidates are told (default: nowhere). */
  public Evaluator withCandidateLog(CandidateLog log) {
    if (log == null) {
      throw new IllegalArgumentException("candidate log is null");
    }
    this.candidateLog = log;
    return this;
  }

  public Guidance guidance() {
    return guidance;
  }

  public boolean hasLatents() {
    return model.info().hasLatents();
  }

  /**
   * The budgets for these beam sizes: L = {@code latentBeams} when given and the model has latent
   * codes or samples them (VAE), else the default ({@link Setting#defaultLatentBeams}); a baseline
   * and the AE ablation always get L = 1.
   *
   * @throws IllegalArgumentException for no beam sizes, a repeated one, B &lt; 1 or L &lt; 1 (a larger L is
   *     capped at B)
   */
  public List<Setting> settings(List<Integer> beamSizes, Integer latentBeams) {
    if (beamSizes == null || beamSizes.isEmpty()) {
      throw new IllegalArgumentException("no beam sizes given");
    }
    if (beamSizes.stream().distinct().count() != beamSizes.size()) {
      throw new IllegalArgumentException("beam sizes repeat: " + beamSizes);
    }
    List<Setting> out = new ArrayList<>();
    for (Integer b : beamSizes) {
      if (b == null) {
        throw new IllegalArgumentException("a beam size is null");
      }
      boolean lp = hasLatents() || model.info().sampledLatents();
      // A given L is capped at each B (B = 1 has one code); models without codes always use 1.
      int l = lp && latentBeams != null ? Math.min(latentBeams, b) : Setting.defaultLatentBeams(b, lp);
      TwoLevelSearch.checkBudget(b, l);
      out.add(new Setting(b, l));
    }
    return out;
  }

  /** The sweep's budgets: B = 10 with each L of {@link #SWEEP_LATENT_BEAMS}. */
  public static List<Setting> sweepSettings() {
    return SWEEP_LATENT_BEAMS.stream().map(l -> new Setting(SWEEP_BEAM_SIZE, l)).toList();
  }

  /**
   * Evaluates a dataset at each setting, then (when {@code sweep} and the model has latent codes)
   * the latent-beam sweep.
   */
  public DatasetResult evaluate(Dataset dataset, List<Setting> settings, boolean sweep, ProgressListener progress) {
    if (dataset == null) {
      throw new IllegalArgumentException("dataset is null");
    }
    List<TaskFacts> facts = new ArrayList<>();
    for (int i = 0; i < dataset.tasks().size(); i++) {
      facts.add(TaskFacts.of(i, dataset.tasks().get(i)));
    }
    List<SettingResult> results = run(dataset.tasks(), settings, "eval", progress);
    List<SettingResult> sweepResults = sweep && hasLatents()
        ? run(dataset.tasks(), sweepSettings(), "sweep", progress) : List.of();
    return new DatasetResult(dataset.name(), dataset.paperComparable(), facts, results, sweepResults);
  }

  /** Runs every task at every setting (task-major, so progress shows all settings at once). */
  public List<SettingResult> run(List<Task> tasks, List<Setting> settings, String phase, ProgressListener progress) {
    if (tasks == null || tasks.isEmpty()) {
      throw new IllegalArgumentException("no tasks to evaluate");
    }
    if (settings == null || settings.isEmpty()) {
      throw new IllegalArgumentException("no settings to evaluate");
    }
    ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
    List<List<TaskOutcome>> outcomes = new ArrayList<>();
    settings.forEach(s -> outcomes.add(new ArrayList<>(tasks.size())));
    int[] solved = new int[settings.size()];
    for (int t = 0; t < tasks.size(); t++) {
      Task task = tasks.get(t);
      if (task == null) {
        throw new IllegalArgumentException("task " + t + " is null");
      }
      double[] running = new double[settings.size()];
      for (int s = 0; s < settings.size(); s++) {
        TaskOutcome o = runOne(task, settings.get(s));
        outcomes.get(s).add(o);
        if (o.solved()) {
          solved[s]++;
        }
        running[s] = solved[s] / (double) (t + 1);
      }
      listener.onTask(phase, t + 1, tasks.size(), running);
    }
    List<SettingResult> out = new ArrayList<>();
    for (int s = 0; s < settings.size(); s++) {
      out.add(new SettingResult(settings.get(s), outcomes.get(s)));
    }
    return out;
  }

  /** One full search on one task and its accuracy test. */
  public TaskOutcome runOne(Task task, Setting setting) {
    if (task == null || setting == null) {
      throw new IllegalArgumentException("runOne needs a task and a setting");
    }
    long start = System.nanoTime();
    int length = 0;
    if (model.info().continuousLatents()) {
      // the ablations with continuous latents are given the true program length, as in the paper
      if (task.program() == null) {
        return TaskOutcome.failed("model kind " + model.info().kind() + " needs each task's program (for its length);"
            + " this task has none", System.nanoTime() - start);
      }
      length = Tokens.encode(task.program()).length;
    }
    if (enumeratorOnly) {
      return occam(task, start);
    }
    TwoLevelSearch.Outcome outcome;
    try {
      outcome = search.search(task.inputs(), task.outputs(),
          SearchBudget.of(setting.beamSize(), setting.latentBeams()).withGuidance(guidance), length, c -> true);
    } catch (RuntimeException e) {
      String m = e.getMessage();
      return TaskOutcome.failed(e.getClass().getSimpleName() + (m == null ? "" : ": " + m), System.nanoTime() - start);
    }
    List<Candidate> candidates = new ArrayList<>(outcome.candidates());
    // As the engine answers: when no model program is consistent, the enumerator's shortest one is.
    outcome.guidance().enumerated().ifPresent(enumerated -> {
      if (candidates.stream().noneMatch(c -> java.util.Arrays.equals(c.tokens(), enumerated.tokens()))) {
        candidates.add(enumerated);
      }
    });
    java.util.function.Predicate<Candidate> consistent = c -> Consistency.consistent(c, task.inputs(), task.outputs());
    int rank = Ranking.MODEL.pick(candidates, consistent);
    int occamRank = Ranking.OCCAM.pick(candidates, consistent);
    if (candidateLog != CandidateLog.NONE) {
      List<Boolean> ok = new ArrayList<>(candidates.size());
      List<Boolean> general = new ArrayList<>(candidates.size());
      for (Candidate c : candidates) {
        boolean k = consistent.test(c);
        ok.add(k);
        general.add(!task.hasHidden() ? null : k && task.generalises(c.programOrNull()));
      }
      candidateLog.record(task, setting, List.copyOf(candidates), ok, java.util.Collections.unmodifiableList(general));
    }
    long nanos = System.nanoTime() - start;
    // Diversity over the beams' contents (as the paper measures it): a program two codes decoded
    // counts twice, though the candidates list it once.
    List<int[]> bodies = new ArrayList<>(outcome.decoded().size());
    for (Candidate c : outcome.decoded()) {
      bodies.add(withoutEos(c.tokens()));
    }
    String program = rank < 0 ? null : ProgramText.print(candidates.get(rank).programOrNull());
    // What a user gets is the first consistent program: it generalises if it also fits the hidden pairs.
    Boolean generalises = !task.hasHidden() ? null : rank >= 0 && task.generalises(candidates.get(rank).programOrNull());
    Boolean occamGeneralises = !task.hasHidden() ? null
        : occamRank >= 0 && task.generalises(candidates.get(occamRank).programOrNull());
    boolean allDied = outcome.programBeams() > 0 && outcome.beamsDied() == outcome.programBeams();
    return new TaskOutcome(rank >= 0, rank, program, candidates.size(), NGrams.distinctRatios(bodies, MAX_NGRAM),
        nanos, null, generalises, outcome.pruned(), allDied, occamGeneralises, outcome.modelCalls());
  }

  /** The version space's shortest program as the only answer. */
  private TaskOutcome occam(Task task, long start) {
    var g = dev.lp.search.TaskGuidance.prepare(Guidance.VERSIONSPACE, task.inputs(), task.outputs());
    var enumerated = g.enumerated();
    long nanos = System.nanoTime() - start;
    if (enumerated.isEmpty()) {
      return new TaskOutcome(false, -1, null, 0, new double[MAX_NGRAM], nanos, null,
          task.hasHidden() ? false : null, 0, true);
    }
    Candidate c = enumerated.get();
    boolean ok = Consistency.consistent(c, task.inputs(), task.outputs());
    Boolean generalises = !task.hasHidden() ? null : ok && task.generalises(c.programOrNull());
    return new TaskOutcome(ok, ok ? 0 : -1, ok ? ProgramText.print(c.programOrNull()) : null, 1,
        NGrams.distinctRatios(List.of(withoutEos(c.tokens())), MAX_NGRAM), nanos, null, generalises, 0, false);
  }

  // EOS ends every complete program, so counting it would only add one shared unigram per beam.
  private static int[] withoutEos(int[] tokens) {
    return tokens.length > 0 && tokens[tokens.length - 1] == Tokens.EOS
        ? Arrays.copyOf(tokens, tokens.length - 1) : tokens;
  }
}
