package dev.lp.app;

import dev.lp.app.models.ModelLoader;
import dev.lp.app.report.CommandText;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.eval.Dataset;
import dev.lp.eval.LatentProbe;
import dev.lp.nn.Batch;
import dev.lp.nn.Network;
import dev.lp.nn.StepResult;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TwoLevelSearch;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp latents}: what a Latent Programmer checkpoint's discrete codes carry ({@link
 * LatentProbe}): codebook use, how often the latent beam finds the code the autoencoder gives the
 * true program, and accuracy with the predicted codes against accuracy given the true code. Writes
 * one marked section of the results file. Bad arguments exit with code 2 and a message.
 */
@Command(
    name = "latents",
    mixinStandardHelpOptions = true,
    description = "Probes an LP checkpoint's latent codes: codebook use, predictor vs the true code, accuracy given it.")
public final class LatentsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "an LP checkpoint directory (or run directory: its newest checkpoint)")
  Path checkpoint;

  @Option(names = "--baseline", paramLabel = "DIR",
      description = "a baseline checkpoint: its teacher-forced loss on the same tasks is printed for reference")
  Path baselineCheckpoint;

  @Option(names = "--tasks", paramLabel = "FILE", description = "tasks in the golden JSONL format, with programs")
  Path tasksFile;

  @Option(names = "--sample", paramLabel = "N", description = "probe N freshly sampled tasks")
  Integer sample;

  @Option(names = "--seed", defaultValue = "777",
      description = "sampler seed for --sample (default: ${DEFAULT-VALUE}, held out: lp train's --train-seed defaults to 1)")
  long seed;

  @Option(names = "--beam", defaultValue = "10", description = "beam size B of both searches (default: ${DEFAULT-VALUE})")
  int beam;

  @Option(names = "--latent-beams", defaultValue = "3", description = "latent beams L (default: ${DEFAULT-VALUE})")
  int latentBeams;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md", description = "results file (default: ${DEFAULT-VALUE})")
  Path results;

  @Option(names = "--section", defaultValue = "latents", description = "results section name (default: ${DEFAULT-VALUE})")
  String section;

  @Override
  public Integer call() throws IOException {
    if ((tasksFile == null) == (sample == null)) {
      throw usage("give exactly one of --tasks FILE or --sample N");
    }
    if (sample != null && sample < 1) {
      throw usage("--sample must be >= 1, got " + sample);
    }
    try {
      TwoLevelSearch.checkBudget(beam, latentBeams);
    } catch (IllegalArgumentException e) {
      throw usage("--beam/--latent-beams: " + e.getMessage());
    }
    if (!ResultsDoc.isSectionName(section)) {
      throw usage("--section must be lower-case words with dashes, got '" + section + "'");
    }
    Dataset dataset = dataset();
    CheckpointStore.Checkpoint c = checkpoint("--checkpoint", checkpoint);
    CheckpointStore.Checkpoint b = baselineCheckpoint == null ? null : checkpoint("--baseline", baselineCheckpoint);
    if (!"lp".equals(c.manifest().kind())) {
      throw usage("--checkpoint " + checkpoint + " is a model of kind " + c.manifest().kind()
          + ", not a Latent Programmer: it has no discrete latent codes");
    }
    if (b != null && !"baseline".equals(b.manifest().kind())) {
      throw usage("--baseline " + baselineCheckpoint + " is a model of kind " + b.manifest().kind() + ", not a baseline");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Network net = network("--checkpoint", c);
    try (net; SynthesisModel model = net.inference(c.version())) {
      LatentProbe probe = new LatentProbe(model, p -> net.latentCodes(List.of(p))[0]);
      ProgressBar bar = new ProgressBar(err, "tasks", dataset.tasks().size());
      LatentProbe.Report report = probe.run(dataset, beam, latentBeams, (phase, done, total, acc) -> bar.update(done))
          .withLosses(losses(net, dataset, c.manifest().step()));
      bar.finish(dataset.tasks().size());
      if (b != null) {
        Map<String, Double> all = new TreeMap<>(report.losses());
        try (Network base = network("--baseline", b)) {
          all.put("baseline-ce", losses(base, dataset, b.manifest().step()).get("ce"));
        }
        report = report.withLosses(all);
      }
      String md = report.toMarkdown(CommandText.of(spec), Machine.describe(),
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), checkpoint + ", version " + model.info().version());
      out.println(md);
      out.println(String.format(Locale.ROOT, "accuracy %.1f%% with the latent beam's codes, %.1f%% given the true code",
          100 * report.accuracy(), 100 * report.accuracyGivenTrueCode()));
      Path resultsFile = results.toAbsolutePath().normalize();
      new ResultsDoc(resultsFile).putSection(section, md);
      out.println("wrote section " + section + " of " + resultsFile);
      out.flush();
    }
    return 0;
  }

  /**
   * Teacher-forced losses (dropout off) on the dataset's tasks with programs, in batches of 32;
   * each term's per-batch value weighted by the batch's program tokens.
   */
  private static Map<String, Double> losses(Network net, Dataset dataset, long step) {
    List<Task> withPrograms = dataset.tasks().stream().filter(t -> t.program() != null).toList();
    Map<String, Double> sums = new TreeMap<>();
    long tokens = 0;
    for (int i = 0; i < withPrograms.size(); i += 32) {
      StepResult r = net.evaluate(Batch.of(withPrograms.subList(i, Math.min(i + 32, withPrograms.size()))), step);
      for (Map.Entry<String, Float> e : r.parts().entrySet()) {
        sums.merge(e.getKey(), (double) e.getValue() * r.tokens(), Double::sum);
      }
      tokens += r.tokens();
    }
    final long total = tokens;
    sums.replaceAll((k, v) -> v / total);
    return sums;
  }

  private CheckpointStore.Checkpoint checkpoint(String option, Path path) {
    try {
      return ModelLoader.resolve(path);
    } catch (CheckpointException e) {
      throw usage(option + " " + path + ": " + e.getMessage());
    }
  }

  private Network network(String option, CheckpointStore.Checkpoint c) {
    try {
      return ModelLoader.network(c);
    } catch (CheckpointException e) {
      throw usage(option + " " + c.dir() + ": " + e.getMessage());
    }
  }

  private Dataset dataset() {
    if (sample != null) {
      List<Task> tasks = new TaskSampler(SamplerConfig.paper()).stream(seed, 0, sample).toList();
      return new Dataset("sample(seed=" + seed + ", n=" + sample + ")", tasks, true);
    }
    List<Task> tasks = TaskFiles.read("--tasks", tasksFile, this::usage);
    if (tasks.stream().noneMatch(t -> t.program() != null)) {
      throw usage("--tasks " + tasksFile + " holds no task with a program");
    }
    return new Dataset(tasksFile.toString(), tasks, false);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
