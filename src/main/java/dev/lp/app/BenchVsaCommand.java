package dev.lp.app;

import dev.lp.app.report.CommandText;
import dev.lp.app.report.Machine;
import dev.lp.app.report.ResultsDoc;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Program;
import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import dev.lp.search.TokenConstraint;
import dev.lp.search.vsa.VersionSpace;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code lp bench vsa}: builds the {@link VersionSpace} of sampled and/or golden tasks one after another on
 * one thread and reports build time (p50, p99, max), size and heap, the share of tasks whose own program
 * the version space admits token by token (its constraint, teacher-forced), the share cut by the budget,
 * the program count and the shortest program against the task's own; writes section "vsa-bench" of the
 * results file. Every number is measured by this run.
 */
@Command(
    name = "vsa",
    mixinStandardHelpOptions = true,
    description = "Benchmarks version-space construction on sampled, golden and/or a file's tasks; writes section vsa-bench (--section) of RESULTS.md.")
public final class BenchVsaCommand implements Callable<Integer> {

  @Option(names = "--section", defaultValue = "vsa-bench",
      description = "section of the results file to write (default: ${DEFAULT-VALUE})")
  String section;

  @Spec CommandSpec spec;

  @Option(names = "--sample", defaultValue = "1000",
      description = "tasks sampled from the paper distribution (0: none; default: ${DEFAULT-VALUE})")
  int sample;

  @Option(names = "--seed", defaultValue = "777", description = "sampler seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--tasks", paramLabel = "FILE",
      description = "also the tasks of this JSONL file (the golden format, e.g. data/everyday/tasks.jsonl)")
  Path tasksFile;

  @Option(names = "--golden", description = "also the six golden splits (the first --golden-tasks of each)")
  boolean golden;

  @Option(names = "--golden-tasks", defaultValue = "100",
      description = "tasks per golden split (default: ${DEFAULT-VALUE})")
  int goldenTasks;

  @Option(names = "--golden-dir", defaultValue = "model/dsl/src/test/resources/golden",
      description = "where the golden splits are (default: ${DEFAULT-VALUE})")
  Path goldenDir;

  @Option(names = "--time-budget", defaultValue = "1000",
      description = "build time budget per task in milliseconds of the building thread's CPU time (default: ${DEFAULT-VALUE})")
  long timeBudgetMs;

  @Option(names = "--results", defaultValue = "runs/RESULTS.md",
      description = "results file (default: ${DEFAULT-VALUE})")
  Path results;

  @Override
  public Integer call() {
    if (sample < 0) {
      throw usage("--sample must be >= 0, got " + sample);
    }
    if (sample == 0 && !golden && tasksFile == null) {
      throw usage("no tasks: give --sample N > 0, --tasks FILE and/or --golden");
    }
    if (goldenTasks < 1) {
      throw usage("--golden-tasks must be >= 1, got " + goldenTasks);
    }
    if (timeBudgetMs < 1 || timeBudgetMs > 600_000) {
      throw usage("--time-budget must be in 1..600000 ms, got " + timeBudgetMs);
    }
    List<Dataset> sets = new ArrayList<>();
    if (sample > 0) {
      TaskSampler sampler = new TaskSampler(SamplerConfig.paper());
      sets.add(new Dataset("sampled (paper config, seed " + seed + ")", sampler.stream(seed, 0, sample).toList()));
    }
    if (tasksFile != null) {
      sets.add(new Dataset(tasksFile.toString(), TaskFiles.read("--tasks", tasksFile, this::usage)));
    }
    if (golden) {
      for (String split : EvalCommand.GOLDEN_SPLITS) {
        List<Task> all = TaskFiles.read("--golden-dir", goldenDir.resolve(split + ".jsonl"), this::usage);
        sets.add(new Dataset("golden/" + split, all.subList(0, Math.min(goldenTasks, all.size()))));
      }
    }
    VersionSpace.Budget budget = VersionSpace.Budget.DEFAULT.withTime(Duration.ofMillis(timeBudgetMs));
    PrintWriter log = spec.commandLine().getErr();
    // Warm-up so the first tasks do not pay for class loading and compilation.
    TaskSampler warm = new TaskSampler(SamplerConfig.paper().withMaxInputLength(30).withMaxOutputLength(30));
    for (int i = 0; i < 30; i++) {
      Task t = warm.sample(1L, i);
      VersionSpace.build(t.inputs(), t.outputs(), budget);
    }
    List<Stats> stats = new ArrayList<>();
    for (Dataset d : sets) {
      log.printf(Locale.ROOT, "%s: %d tasks...%n", d.name(), d.tasks().size());
      log.flush();
      Stats s = measure(d, budget);
      stats.add(s);
      log.println("  " + s.line());
      log.flush();
    }
    String markdown = section(stats, budget);
    Path file = results.toAbsolutePath().normalize();
    new ResultsDoc(file).putSection(section, markdown);
    PrintWriter out = spec.commandLine().getOut();
    for (Stats s : stats) {
      out.println(s.line());
    }
    out.println("wrote section " + section + " of " + file);
    out.flush();
    return 0;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  record Dataset(String name, List<Task> tasks) {}

  /** What one dataset measured. */
  record Stats(String name, int tasks, long[] nanos, long[] cpuNanos, int admitted, int withProgram, int expressible, int cut,
      double meanLog10Programs, int counted, double meanShortest, double meanTrue, int shorter, int compared,
      double meanVectors, int maxVectors, double meanExplored, int maxExplored, double meanAutomaton,
      long peakHeapBytes) {

    long percentile(double q) {
      return nanos[Math.min(nanos.length - 1, (int) Math.ceil(q * nanos.length) - 1)];
    }

    long cpuPercentile(double q) {
      return cpuNanos[Math.min(cpuNanos.length - 1, (int) Math.ceil(q * cpuNanos.length) - 1)];
    }

    String line() {
      return String.format(Locale.ROOT,
          "%s: %d tasks, build p50 %.1f ms, p99 %.1f ms, max %.1f ms (CPU p50 %.1f ms, p99 %.1f ms);"
              + " own program admitted %d/%d; expressible %d; cut %d",
          name, tasks, percentile(0.5) / 1e6, percentile(0.99) / 1e6, nanos[nanos.length - 1] / 1e6,
          cpuPercentile(0.5) / 1e6, cpuPercentile(0.99) / 1e6,
          admitted, withProgram, expressible, cut);
    }
  }

  private static Stats measure(Dataset d, VersionSpace.Budget budget) {
    List<MemoryPoolMXBean> heap = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
        heap.add(pool);
      }
    }
    int n = d.tasks().size();
    long[] nanos = new long[n];
    long[] cpuNanos = new long[n];
    int admitted = 0;
    int withProgram = 0;
    int expressible = 0;
    int cut = 0;
    double log10 = 0;
    int counted = 0;
    double shortest = 0;
    double own = 0;
    int shorter = 0;
    int compared = 0;
    double vectors = 0;
    int maxVectors = 0;
    double explored = 0;
    int maxExplored = 0;
    double automaton = 0;
    for (int i = 0; i < n; i++) {
      Task t = d.tasks().get(i);
      VersionSpace vs = VersionSpace.build(t.inputs(), t.outputs(), budget);
      nanos[i] = vs.buildNanos();
      cpuNanos[i] = vs.buildCpuNanos();
      cut += vs.cut() ? 1 : 0;
      vectors += vs.vectorCount();
      maxVectors = Math.max(maxVectors, vs.vectorCount());
      explored += vs.exploredNodeCount();
      maxExplored = Math.max(maxExplored, vs.exploredNodeCount());
      automaton += vs.automatonSize();
      if (t.program() != null) {
        withProgram++;
        admitted += admits(vs.constraint(), t.program()) ? 1 : 0;
      }
      if (vs.expressible()) {
        expressible++;
        log10 += log10(vs.programCount());
        counted++;
        Program p = vs.shortest().orElseThrow();
        if (t.program() != null) {
          shortest += p.size();
          own += t.program().size();
          shorter += p.size() < t.program().size() ? 1 : 0;
          compared++;
        }
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : heap) {
      peak += pool.getPeakUsage().getUsed();
    }
    Arrays.sort(nanos);
    Arrays.sort(cpuNanos);
    return new Stats(d.name(), n, nanos, cpuNanos, admitted, withProgram, expressible, cut,
        counted == 0 ? 0 : log10 / counted, counted, compared == 0 ? 0 : shortest / compared,
        compared == 0 ? 0 : own / compared, shorter, compared, vectors / n, maxVectors, explored / n, maxExplored,
        automaton / n, peak);
  }

  /** Whether the constraint admits the program token by token with exactly its length as the budget. */
  static boolean admits(TokenConstraint c, Program p) {
    int[] ids = Tokens.encode(p);
    boolean[] allowed = new boolean[Tokens.VOCAB];
    long state = c.start();
    for (int k = 0; k < ids.length; k++) {
      c.allowed(state, ids.length - k, allowed);
      if (!allowed[ids[k]]) {
        return false;
      }
      state = c.advance(state, ids[k]);
    }
    return true;
  }

  private static double log10(java.math.BigInteger x) {
    int bits = x.bitLength();
    if (bits < 1000) {
      return Math.log10(x.doubleValue());
    }
    return Math.log10(x.shiftRight(bits - 900).doubleValue()) + (bits - 900) * Math.log10(2);
  }

  private String section(List<Stats> stats, VersionSpace.Budget budget) {
    StringBuilder md = new StringBuilder();
    md.append("## Version space construction (`lp bench vsa`)\n\n");
    md.append("Command: `").append(CommandText.of(spec)).append("`  \n");
    md.append("Machine: ").append(Machine.describe()).append("  \n");
    md.append("Written: ").append(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append("\n\n");
    md.append(String.format(Locale.ROOT,
        "One thread, tasks one after another, budget %d ms of the thread's CPU time / %,d vectors / %,d DAG nodes per task. Targets: "
            + "p50 ≤ 50 ms, p99 ≤ 1 s, ≥ 99%% of sampled tasks expressible.%n%n",
        budget.time().toMillis(), budget.maxVectors(), budget.maxNodes()));
    md.append("| tasks | n | build p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms | own program admitted | expressible"
        + " | cut by budget |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Stats s : stats) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s | %s |%n", s.name(),
          s.tasks(), s.percentile(0.5) / 1e6, s.percentile(0.99) / 1e6, s.nanos()[s.tasks() - 1] / 1e6,
          s.cpuPercentile(0.5) / 1e6, s.cpuPercentile(0.99) / 1e6,
          share(s.admitted(), s.withProgram()), share(s.expressible(), s.tasks()), share(s.cut(), s.tasks())));
    }
    md.append("\n| tasks | mean log10 programs | shortest / own program (expressions) | shortest has fewer | "
        + "mean vectors (max) | mean DAG nodes explored (max) | mean automaton nodes | peak heap MiB |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Stats s : stats) {
      md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f / %.2f | %s | %,.0f (%,d) | %,.0f (%,d) | %,.0f | %.0f |%n",
          s.name(), s.meanLog10Programs(), s.meanShortest(), s.meanTrue(), share(s.shorter(), s.compared()),
          s.meanVectors(), s.maxVectors(), s.meanExplored(), s.maxExplored(), s.meanAutomaton(),
          s.peakHeapBytes() / (1024.0 * 1024.0)));
    }
    md.append("\n\"Own program admitted\": the task's own program passes the version space's TokenConstraint token by "
        + "token with exactly its length as the budget (it is in the space). \"Expressible\": some program is. A cut "
        + "task keeps what was built within the budget, so it may still be expressible. Peak heap: the JVM's heap "
        + "pools' peak over the dataset (garbage included), an upper bound on what one build holds. Build ms are wall "
        + "time; CPU ms the building thread's CPU time (the budget's clock), which other load on the machine barely "
        + "moves.\n");
    return md.toString();
  }

  private static String share(int k, int n) {
    return n == 0 ? "–" : String.format(Locale.ROOT, "%d (%.1f%%)", k, 100.0 * k / n);
  }
}
