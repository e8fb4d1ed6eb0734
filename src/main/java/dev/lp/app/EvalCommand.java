package dev.lp.app;

import dev.lp.app.models.ModelLoader;
import dev.lp.app.report.CommandText;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.eval.Dataset;
import dev.lp.eval.DatasetResult;
import dev.lp.eval.EvalPlots;
import dev.lp.eval.EvalReport;
import dev.lp.eval.Evaluator;
import dev.lp.eval.ModelResult;
import dev.lp.eval.SettingResult;
import dev.lp.search.Guidance;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TwoLevelSearch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp eval}: the paper's evaluation (section 5.1-5.2) of one or more checkpoints on task
 * files, freshly sampled tasks and/or the six golden ExeDec splits. Prints Table 1 (accuracy at
 * each B), accuracy by ground-truth length (Figure 3b) and, with {@code --sweep}, the latent-beam
 * sweep (Figure 5a, on the first dataset only, for latent models); writes a JSON report and one
 * marked section of the results file with its plots. Bad arguments exit with code 2 and a message.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluates checkpoints: accuracy at beam sizes B, by program length, latent-beam sweep.")
public final class EvalCommand implements Callable<Integer> {

  /** The six ExeDec RobustFill test splits shipped as golden files. */
  static final List<String> GOLDEN_SPLITS = List.of("NONE", "LENGTH_GENERALIZATION", "COMPOSE_DIFFERENT_CONCEPTS",
      "SWITCH_CONCEPT_ORDER", "COMPOSE_NEW_OP", "ADD_OP_FUNCTIONALITY");

  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "checkpoint directory (or run directory: its newest checkpoint); repeat to compare models")
  List<Path> checkpoints;

  @Option(names = "--tasks", paramLabel = "FILE", description = "tasks in the golden JSONL format (program optional)")
  Path tasksFile;

  @Option(names = "--sample", paramLabel = "N", description = "evaluate on N freshly sampled tasks")
  Integer sample;

  @Option(names = "--seed", defaultValue = "777",
      description = "sampler seed for --sample (default: ${DEFAULT-VALUE}, held out: lp train's --train-seed defaults to 1;"
          + " a seed equal to a checkpoint's training seed draws tasks it trained on, and is warned about)")
  long seed;

  @Option(names = "--max-expressions", defaultValue = "10",
      description = "most expressions per sampled program (default: ${DEFAULT-VALUE})")
  int maxExpressions;

  @Option(names = "--golden", description = "also evaluate on the six golden ExeDec splits")
  boolean golden;

  @Option(names = "--golden-dir", defaultValue = "model/dsl/src/test/resources/golden",
      description = "where the golden splits are (default: ${DEFAULT-VALUE})")
  Path goldenDir;

  @Option(names = "--beams", split = ",", defaultValue = "1,10,100", paramLabel = "B[,B...]",
      description = "beam sizes (default: ${DEFAULT-VALUE})")
  List<Integer> beams;

  @Option(names = "--latent-beams", paramLabel = "L",
      description = "latent beams for every B, capped at B (default: floor(sqrt(B)); the baseline always uses 1)")
  Integer latentBeams;

  @Option(names = "--guidance", split = ",", defaultValue = "versionspace", paramLabel = "MODE[,MODE...]",
      description = "execution guidance of the program beams, one evaluation per mode: off (the paper's protocol),"
          + " prefix, versionspace (the model ranks the version space's programs; what the engine serves by default),"
          + " stepwise (step-wise re-synthesis: one verified expression at a time, the rest searched again),"
          + " occam (no model: the version space's shortest program) (default: ${DEFAULT-VALUE})")
  List<String> guidance;

  @Option(names = "--hidden", defaultValue = "4", paramLabel = "K",
      description = "hidden examples per --sample task, to measure whether found programs generalise (default:"
          + " ${DEFAULT-VALUE}; 0 samples the 4-example tasks of earlier evaluations)")
  int hidden;

  @Option(names = "--sweep", description = "also sweep L over 1,2,3,5,10 at B=10 (first dataset, latent models)")
  boolean sweep;

  @Option(names = "--json", paramLabel = "FILE", description = "write the machine-readable report here")
  Path json;

  @Option(names = "--candidates", paramLabel = "FILE",
      description = "write every search's candidates (program, score, consistent, generalises) as JSONL here,"
          + " one line per model, mode, task and setting: the data a ranking is studied on")
  Path candidates;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md",
      description = "results file; plots go to plots/ beside it (default: ${DEFAULT-VALUE})")
  Path results;

  @Option(names = "--section", defaultValue = "eval", description = "results section name (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--limit", paramLabel = "N", description = "evaluate only the first N tasks of each dataset")
  Integer limit;

  private final Function<Path, SynthesisModel> loader;

  public EvalCommand() {
    this(ModelLoader::load);
  }

  /** For tests: loads "checkpoints" through {@code loader} (e.g. into scripted models). */
  EvalCommand(Function<Path, SynthesisModel> loader) {
    this.loader = loader;
  }

  @Override
  public Integer call() throws IOException {
    checkArguments();
    List<Dataset> datasets = datasets();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    // Every checkpoint loads before any is evaluated: a bad second one must not waste the first's run.
    List<SynthesisModel> loaded = new ArrayList<>();
    List<ModelResult> models = new ArrayList<>();
    try {
      for (Path checkpoint : checkpoints) {
        loaded.add(load(checkpoint, err));
      }
      if (candidates != null) {
        Path target = candidates.toAbsolutePath().normalize();
        try {
          Files.createDirectories(target.getParent());
          candidateLines = Files.newBufferedWriter(target, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw usage("--candidates: cannot write " + target + ": " + e.getMessage());
        }
      }
      for (int i = 0; i < checkpoints.size(); i++) {
        for (String mode : modes()) {
          models.add(evaluate(checkpoints.get(i) + " guidance=" + mode, loaded.get(i), mode, datasets, err));
        }
      }
    } finally {
      loaded.forEach(SynthesisModel::close);
      if (candidateLines != null) {
        candidateLines.close();
      }
    }
    try {
      return write(models, out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write the results: " + e.getMessage(), e);
    }
  }

  private int write(List<ModelResult> models, PrintWriter out) throws IOException {
    EvalReport report = new EvalReport(commandLine(), Machine.describe(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        models);
    out.println(report.tables());

    if (json != null) {
      Path target = json.toAbsolutePath().normalize();
      Files.createDirectories(target.getParent());
      Files.writeString(target, report.toJson(), StandardCharsets.UTF_8);
      out.println("wrote " + target);
    }
    Path resultsFile = results.toAbsolutePath().normalize();
    Path plotDir = resultsFile.getParent().resolve("plots");
    List<String> plots = EvalPlots.write(report, plotDir, section);
    String rel = resultsFile.getParent().relativize(plotDir).toString().replace('\\', '/');
    new ResultsDoc(resultsFile).putSection(section,
        report.toMarkdown(plots.stream().map(p -> rel + "/" + p).toList()));
    out.println("wrote section " + section + " of " + resultsFile + " and " + plots.size() + " plots in " + plotDir);
    out.flush();
    return 0;
  }

  private void checkArguments() {
    if (tasksFile == null && sample == null && !golden) {
      throw usage("no tasks: give --tasks FILE, --sample N and/or --golden");
    }
    if (sample != null && sample < 1) {
      throw usage("--sample must be >= 1, got " + sample);
    }
    if (limit != null && limit < 1) {
      throw usage("--limit must be >= 1, got " + limit);
    }
    if (beams == null || beams.isEmpty()) {
      throw usage("--beams needs at least one beam size");
    }
    if (beams.stream().distinct().count() != beams.size()) {
      throw usage("--beams repeats a beam size: " + beams);
    }
    modes();
    if (hidden < 0 || hidden > 60) {
      throw usage("--hidden must be in 0..60, got " + hidden);
    }
    if (latentBeams != null && latentBeams < 1) {
      throw usage("--latent-beams must be >= 1, got " + latentBeams);
    }
    for (int b : beams) {
      try {
        TwoLevelSearch.checkBudget(b, latentBeams == null ? 1 : Math.min(latentBeams, b));
      } catch (IllegalArgumentException e) {
        throw usage("--beams/--latent-beams: " + e.getMessage());
      }
    }
    if (!ResultsDoc.isSectionName(section)) {
      throw usage("--section must be lower-case words with dashes, got '" + section + "'");
    }
    if (json != null) {
      requireWritable("--json", json);
    }
    requireWritable("--results", results);
    Path plotDir = results.toAbsolutePath().normalize().getParent().resolve("plots");
    if (Files.exists(plotDir) && !Files.isDirectory(plotDir)) {
      throw usage("--results: the plots go to " + plotDir + ", which is a file");
    }
  }

  /** Checked before any work: the file's directory exists (or is created) and is writable. */
  private void requireWritable(String flag, Path file) {
    Path target = file.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw usage(flag + " " + file + " is a directory");
    }
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw usage(flag + " " + file + ": cannot create its directory: " + e);
    }
    if (!Files.isWritable(target.getParent())) {
      throw usage(flag + " " + file + ": its directory is not writable");
    }
  }

  private List<Dataset> datasets() {
    List<Dataset> out = new ArrayList<>();
    if (tasksFile != null) {
      List<Task> tasks = TaskFiles.read("--tasks", tasksFile, this::usage);
      // The paper's numbers sit beside a file's rows only when it looks like the paper's data (what `lp
      // generate` writes: 4 examples and the program of every task); hand-written tasks, such as
      // data/everyday, are another distribution.
      boolean paperLike = tasks.stream().allMatch(t -> t.program() != null && t.inputs().size() == 4);
      out.add(new Dataset(tasksFile.toString(), tasks, paperLike));
    }
    if (sample != null) {
      SamplerConfig config;
      try {
        config = SamplerConfig.paper().withMaxExpressions(maxExpressions);
      } catch (IllegalArgumentException e) {
        throw usage("--max-expressions: " + e.getMessage());
      }
      List<Task> tasks = new TaskSampler(config).streamWithHidden(seed, 0, sample, hidden).toList();
      // The paper's numbers are a fair reference only for its own distribution.
      out.add(new Dataset("sample(seed=" + seed + ", n=" + sample + ", max-expressions=" + maxExpressions
          + (hidden > 0 ? ", hidden=" + hidden : "") + ")",
          tasks, maxExpressions == SamplerConfig.paper().maxExpressions()));
    }
    if (golden) {
      for (String split : GOLDEN_SPLITS) {
        Path file = goldenDir.resolve(split + ".jsonl");
        out.add(new Dataset("golden/" + split, TaskFiles.read("--golden-dir", file, this::usage), false));
      }
    }
    return limit == null ? out : out.stream().map(d -> d.limit(limit)).toList();
  }

  private SynthesisModel load(Path checkpoint, PrintWriter err) {
    SynthesisModel model;
    try {
      model = loader.apply(checkpoint);
    } catch (RuntimeException e) {
      throw usage("--checkpoint " + checkpoint + ": cannot load: " + e.getMessage());
    }
    if (sample != null) {
      try {
        long trainSeed = ModelLoader.resolve(checkpoint).manifest().trainSeed();
        if (trainSeed == seed) {
          err.println("warning: --seed " + seed + " is the training seed of " + checkpoint
              + ": the sampled tasks are among those it trained on");
        }
      } catch (RuntimeException notACheckpointDirectory) {
        // a stand-in model (tests) has no manifest to compare with
      }
    }
    return model;
  }

  /** The --guidance modes, in order, each once: a {@link Guidance} label, or occam. */
  private List<String> modes() {
    List<String> out = new ArrayList<>();
    for (String g : guidance) {
      String mode = g.trim().toLowerCase(Locale.ROOT);
      if (!mode.equals(OCCAM)) {
        try {
          mode = Guidance.parse(g).label();
        } catch (IllegalArgumentException e) {
          throw usage("--guidance: " + e.getMessage() + " (or occam)");
        }
      }
      if (out.contains(mode)) {
        throw usage("--guidance repeats " + mode);
      }
      out.add(mode);
    }
    if (out.isEmpty()) {
      throw usage("--guidance needs at least one mode");
    }
    return out;
  }

  /** The evaluation mode without a model search: the version space's shortest program. */
  private static final String OCCAM = "occam";

  private ModelResult evaluate(String name, SynthesisModel model, String mode, List<Dataset> datasets,
      PrintWriter err) {
    Evaluator evaluator = mode.equals(OCCAM) ? new Evaluator(model, Guidance.VERSIONSPACE, true)
        : new Evaluator(model, Guidance.parse(mode));
    var settings = evaluator.settings(beams, latentBeams);
    List<DatasetResult> results = new ArrayList<>();
    for (int i = 0; i < datasets.size(); i++) {
      Dataset d = datasets.get(i);
      if (candidateLines != null) {
        evaluator.withCandidateLog(candidateLog(name, mode, d));
      }
      Progress progress = new Progress(err, name + " on " + d.name());
      DatasetResult r = evaluator.evaluate(d, settings, sweep && i == 0, progress);
      progress.finish();
      err.println(name + " on " + d.name() + ": " + r.results().stream().map(EvalCommand::summary)
          .collect(Collectors.joining(", ")));
      err.flush();
      results.add(r);
    }
    return new ModelResult(name, model.info().kind(), model.info().version(), results);
  }

  /** Open while evaluating with --candidates. */
  private java.io.BufferedWriter candidateLines;

  private Evaluator.CandidateLog candidateLog(String model, String mode, Dataset d) {
    java.util.Map<Task, Integer> index = new java.util.IdentityHashMap<>();
    for (int t = 0; t < d.tasks().size(); t++) {
      index.put(d.tasks().get(t), t);
    }
    return (task, setting, cands, consistent, generalises) -> {
      com.google.gson.JsonObject o = new com.google.gson.JsonObject();
      o.addProperty("model", model);
      o.addProperty("mode", mode);
      o.addProperty("dataset", d.name());
      o.addProperty("task", index.getOrDefault(task, -1));
      o.addProperty("B", setting.beamSize());
      o.addProperty("L", setting.latentBeams());
      com.google.gson.JsonArray a = new com.google.gson.JsonArray();
      for (int c = 0; c < cands.size(); c++) {
        var cand = cands.get(c);
        com.google.gson.JsonObject j = new com.google.gson.JsonObject();
        j.addProperty("program", cand.parsed() ? dev.lp.dsl.ProgramText.print(cand.programOrNull()) : null);
        j.addProperty("tokens", cand.tokens().length);
        j.addProperty("expressions", cand.parsed() ? cand.programOrNull().expressions().size() : 0);
        j.addProperty("score", cand.score());
        j.addProperty("latent", java.util.Arrays.toString(cand.latentCode()));
        j.addProperty("consistent", consistent.get(c));
        j.addProperty("generalises", generalises.get(c));
        a.add(j);
      }
      o.add("candidates", a);
      try {
        candidateLines.write(o.toString());
        candidateLines.newLine();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot write --candidates " + candidates + ": " + e.getMessage(), e);
      }
    };
  }

  private static String summary(SettingResult r) {
    return String.format(Locale.ROOT, "B=%d L=%d %.1f%%%s%s", r.setting().beamSize(), r.setting().latentBeams(),
        100 * r.accuracy(), r.hasHidden() ? String.format(Locale.ROOT, " (generalises %.1f%%)", 100 * r.generalisation())
        : "", r.errors() == 0 ? "" : " (" + r.errors() + " model errors)");
  }

  /** A progress bar per phase (evaluation, sweep) of one model on one dataset. */
  private static final class Progress implements Evaluator.ProgressListener {
    private final PrintWriter err;
    private final String what;
    private String phase;
    private ProgressBar bar;
    private int done;

    Progress(PrintWriter err, String what) {
      this.err = err;
      this.what = what;
    }

    @Override
    public void onTask(String p, int doneNow, int total, double[] runningAccuracy) {
      if (!p.equals(phase)) {
        finish();
        phase = p;
        err.println(what + " (" + p + ")");
        bar = new ProgressBar(err, "tasks", total);
      }
      done = doneNow;
      bar.update(done);
    }

    void finish() {
      if (bar != null) {
        bar.finish(done);
        bar = null;
      }
    }
  }

  private String commandLine() {
    return CommandText.of(spec);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
