package dev.lp.app;

import dev.lp.app.models.ModelLoader;
import dev.lp.app.report.CommandText;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.nn.ModelConfig;
import dev.lp.trainer.MetricsLog;
import dev.lp.checkpoint.CheckpointStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp train-report}: writes what training runs did into docs/RESULTS.md from their own
 * artifacts (verified checkpoint manifests and metrics.csv), with their learning curves, so the
 * numbers there are the runs' numbers and nothing is typed by hand.
 */
@Command(
    name = "train-report",
    mixinStandardHelpOptions = true,
    description = "Summarises training runs (checkpoint manifest + metrics.csv) into a docs/RESULTS.md section.")
public final class TrainReportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--run", required = true, description = "a training run directory (repeatable)")
  List<Path> runs;

  @Option(names = "--step", description = "report the checkpoint of this step in every run (default: the newest)")
  Long step;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md", description = "results file (default: ${DEFAULT-VALUE})")
  Path results;

  @Option(names = "--section", defaultValue = "training", description = "section name (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--overlay", paramLabel = "NAME",
      description = "also draw every run's loss and token accuracy on one chart each against tasks seen"
          + " (plots/NAME-loss.png, plots/NAME-accuracy.png), running means over --smooth rows")
  String overlay;

  @Option(names = "--smooth", defaultValue = "10", description = "logged rows per running mean in --overlay charts (default: ${DEFAULT-VALUE})")
  int smooth;

  @Override
  public Integer call() throws IOException {
    if (!ResultsDoc.isSectionName(section)) {
      throw new ParameterException(spec.commandLine(),
          "--section must be lower-case words with dashes, got '" + section + "'");
    }
    StringBuilder md = new StringBuilder("## Training runs (`lp train`)\n\n");
    md.append("Command: `").append(CommandText.of(spec))
        .append("`  \nMachine: ").append(Machine.describe()).append("  \nWritten: ")
        .append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
    md.append("| run | kind | model | params (d, heads, ffn, layers) | steps | tasks seen | mean tasks/s | loss | token accuracy |\n");
    md.append("|---|---|---|---|---:|---:|---:|---:|---:|\n");
    List<String> recipes = new ArrayList<>();
    List<String> plots = new ArrayList<>();
    Path plotDir = results.toAbsolutePath().getParent().resolve("plots");
    for (Path run : runs) {
      CheckpointStore.Checkpoint c = pick(run);
      ModelConfig cfg = ModelConfig.fromJson(c.manifest().config().toString());
      Path csv = run.resolve("metrics.csv");
      if (!Files.isRegularFile(csv)) {
        throw new ParameterException(spec.commandLine(), "run " + run + " has no metrics.csv");
      }
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        throw new ParameterException(spec.commandLine(), csv + " is empty");
      }
      List<String> header = Arrays.asList(lines.get(0).split(","));
      int rate = header.indexOf("tasks_per_s");
      if (!"step".equals(header.get(0)) || rate < 0) {
        throw new ParameterException(spec.commandLine(),
            csv + " does not start with a step column or has no tasks_per_s column: " + lines.get(0));
      }
      double rateSum = 0;
      int rateRows = 0;
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        if (f.length == header.size() && parseOr(f[0], Long.MAX_VALUE) <= c.manifest().step()) {
          double v = parseOr(f[rate], Double.NaN);
          if (Double.isFinite(v)) {
            rateSum += v;
            rateRows++;
          }
        }
      }
      // the LSTM has no multi-head attention and no feed-forward blocks
      String headsFfn = cfg.recurrent() ? "—, —" : cfg.heads() + ", " + cfg.ffn();
      md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %d, %s, %d+%d | %d | %,d | %.1f | %.3f | %.3f |%n",
          run.getFileName(), cfg.kind(), c.version(), cfg.dModel(), headsFfn, cfg.encoderLayers(), cfg.decoderLayers(), c.manifest().step(), c.manifest().tasksSeen(), rateRows == 0 ? Double.NaN : rateSum / rateRows,
          metric(c, "loss"), metric(c, "token_acc")));
      var command = c.manifest().recipe() == null ? null : c.manifest().recipe().get("command");
      recipes.add("- `" + run.getFileName() + "`: `" + (command == null ? "(no recipe recorded)" : command.getAsString())
          + "` (train seed " + c.manifest().trainSeed() + ", init seed " + c.manifest().initSeed() + ")");
      List<String> metricCols = header.subList(2, header.size());
      try (MetricsLog log = new MetricsLog(csv, metricCols)) {
        List<String> losses = metricCols.stream()
            .filter(m -> !m.equals("token_acc") && !m.equals("lr") && !m.equals("tasks_per_s")).toList();
        String name = "train-" + run.getFileName();
        log.plot(plotDir.resolve(name + "-loss.png"), run.getFileName() + ": training losses", losses);
        log.plot(plotDir.resolve(name + "-accuracy.png"), run.getFileName() + ": token accuracy (teacher forced)",
            List.of("token_acc"));
        plots.add("![" + name + "-loss](plots/" + name + "-loss.png) ![" + name + "-accuracy](plots/" + name
            + "-accuracy.png)");
      }
    }
    if (overlay != null) {
      if (!ResultsDoc.isSectionName(overlay) || smooth < 1) {
        throw new ParameterException(spec.commandLine(), "--overlay must be lower-case words with dashes and --smooth >= 1");
      }
      java.util.Map<String, Path> csvs = new java.util.LinkedHashMap<>();
      runs.forEach(r -> csvs.put(r.getFileName().toString(), r.resolve("metrics.csv")));
      MetricsLog.overlay(csvs, "loss", plotDir.resolve(overlay + "-loss.png"),
          "training loss (running mean of " + smooth + " rows)", smooth);
      MetricsLog.overlay(csvs, "token_acc", plotDir.resolve(overlay + "-accuracy.png"),
          "token accuracy, teacher forced (running mean of " + smooth + " rows)", smooth);
      plots.add(0, "![" + overlay + "-loss](plots/" + overlay + "-loss.png) ![" + overlay + "-accuracy](plots/"
          + overlay + "-accuracy.png)");
    }
    md.append("\nLoss and token accuracy are the means over the last logged window before the checkpoint "
        + "(teacher-forced, training batches). Recipes, as recorded in each checkpoint manifest:\n\n");
    recipes.forEach(r -> md.append(r).append('\n'));
    md.append('\n');
    plots.forEach(p -> md.append(p).append("\n\n"));
    new ResultsDoc(results).putSection(section, md.toString());
    System.out.print(md);
    return 0;
  }

  private CheckpointStore.Checkpoint pick(Path run) {
    if (step == null) {
      return ModelLoader.resolve(run);
    }
    Path dir = run.resolve("checkpoints").resolve(String.format("step-%09d", step));
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(spec.commandLine(), "run " + run + " has no checkpoint at step " + step);
    }
    return CheckpointStore.open(dir);
  }

  private static double metric(CheckpointStore.Checkpoint c, String name) {
    Double v = c.manifest().metrics() == null ? null : c.manifest().metrics().get(name);
    return v == null ? Double.NaN : v;
  }

  /** A cell's number, or {@code otherwise} for a row cut short or garbled (it is skipped). */
  private static long parseOr(String cell, long otherwise) {
    try {
      return Long.parseLong(cell.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  private static double parseOr(String cell, double otherwise) {
    try {
      return Double.parseDouble(cell.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
