package dev.lp.eval;

import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import dev.lp.search.Candidate;
import dev.lp.search.Consistency;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TwoLevelSearch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a Latent Programmer's discrete codes carry, a diagnostic beyond the paper's tables. Per task
 * with a known program: the code the autoencoder gives that program (the target the latent
 * predictor is trained on), the latent beam's L codes, and two searches of the same budget B: the
 * ordinary two-level search (L codes × ⌊B/L⌋ programs) and one beam of B programs given the true
 * code. Far higher accuracy given the true code means the latent predictor is the bottleneck; both
 * low means the codes carry little of the program; a codebook used by few codes (low perplexity)
 * means the quantizer has collapsed.
 */
public final class LatentProbe {

  /**
   * One task.
   *
   * @param trueCode latent ids of the true program's code (no BOS/EOS)
   * @param beamCodes the latent beam's codes, best first
   * @param solved whether the two-level search found a consistent program
   * @param solvedGivenTrue whether B programs decoded from the true code include a consistent one
   */
  public record TaskProbe(int[] trueCode, List<int[]> beamCodes, boolean solved, boolean solvedGivenTrue) {
    public TaskProbe {
      trueCode = trueCode.clone();
      beamCodes = beamCodes.stream().map(int[]::clone).toList();
    }
  }

  private final SynthesisModel model;
  private final Function<int[], int[]> codeOfProgram;
  private final TwoLevelSearch search;

  /**
   * @param model a Latent Programmer
   * @param codeOfProgram the autoencoder's code (latent ids) for program tokens including EOS
   */
  public LatentProbe(SynthesisModel model, Function<int[], int[]> codeOfProgram) {
    if (model == null || codeOfProgram == null) {
      throw new IllegalArgumentException("LatentProbe needs a model and the autoencoder's codes");
    }
    if (!model.info().hasLatents()) {
      throw new IllegalArgumentException("model " + model.info().version() + " (kind " + model.info().kind()
          + ") has no discrete latent codes");
    }
    this.model = model;
    this.codeOfProgram = codeOfProgram;
    this.search = new TwoLevelSearch(model);
  }

  /** Probes every task of {@code dataset} that has a program (others are skipped and counted). */
  public Report run(Dataset dataset, int beamSize, int latentBeams, Evaluator.ProgressListener progress) {
    TwoLevelSearch.checkBudget(beamSize, latentBeams);
    List<TaskProbe> probes = new ArrayList<>();
    int skipped = 0;
    int done = 0;
    int solved = 0;
    int solvedGivenTrue = 0;
    for (Task t : dataset.tasks()) {
      done++;
      if (t.program() == null) {
        skipped++;
        continue;
      }
      int[] truth = codeOfProgram.apply(Tokens.encode(t.program()));
      TwoLevelSearch.Outcome normal = search.search(t.inputs(), t.outputs(), beamSize, latentBeams, c -> true);
      TwoLevelSearch.Outcome given = search.searchGivenCodes(t.inputs(), t.outputs(), List.of(truth), beamSize);
      TaskProbe p = new TaskProbe(truth, normal.latentCodes(), anyConsistent(normal.candidates(), t),
          anyConsistent(given.candidates(), t));
      probes.add(p);
      solved += p.solved() ? 1 : 0;
      solvedGivenTrue += p.solvedGivenTrue() ? 1 : 0;
      int n = probes.size();
      progress.onTask("latents", done, dataset.tasks().size(), new double[] {(double) solved / n,
          (double) solvedGivenTrue / n});
    }
    if (probes.isEmpty()) {
      throw new IllegalArgumentException("dataset " + dataset.name() + " has no task with a program to probe");
    }
    return new Report(dataset.name(), beamSize, latentBeams, model.info().latentVocab() - FIRST_CODE, skipped, probes,
        Map.of());
  }

  /** Latent ids below this are PAD, BOS and EOS (docs/DSL.md and ModelConfig: codes start at 3). */
  static final int FIRST_CODE = 3;

  private static boolean anyConsistent(List<Candidate> cs, Task t) {
    return cs.stream().anyMatch(c -> Consistency.consistent(c, t.inputs(), t.outputs()));
  }

  /**
   * The probe's results on one dataset.
   *
   * @param codebookSize K, the number of codes the quantizer can choose
   * @param skipped tasks without a program (not probed)
   * @param losses teacher-forced losses on the probed tasks by term ("ae": the decoder reads the
   *     true code; "e2e": it reads the predictor's soft code; "lp": the predictor's cross-entropy
   *     on the true code; "commit"; "baseline-ce": a baseline's loss on the same tasks, for
   *     reference), empty when not measured
   */
  public record Report(String dataset, int beamSize, int latentBeams, int codebookSize, int skipped,
      List<TaskProbe> tasks, Map<String, Double> losses) {
    public Report {
      tasks = List.copyOf(tasks);
      losses = Map.copyOf(losses);
      if (tasks.isEmpty()) {
        throw new IllegalArgumentException("a report needs at least one probed task");
      }
    }

    /** This report with the teacher-forced losses measured on the same tasks. */
    public Report withLosses(Map<String, Double> measured) {
      return new Report(dataset, beamSize, latentBeams, codebookSize, skipped, tasks, measured);
    }

    /** How often each code id occurs over all latent positions of the true codes. */
    public Map<Integer, Integer> codeCounts() {
      Map<Integer, Integer> counts = new TreeMap<>();
      for (TaskProbe p : tasks) {
        for (int id : p.trueCode()) {
          counts.merge(id, 1, Integer::sum);
        }
      }
      return counts;
    }

    /** exp(entropy) of the code distribution over all latent positions: K when uniform, 1 when one code. */
    public double perplexity() {
      Map<Integer, Integer> counts = codeCounts();
      double total = counts.values().stream().mapToInt(Integer::intValue).sum();
      double h = 0;
      for (int c : counts.values()) {
        double q = c / total;
        h -= q * Math.log(q);
      }
      return Math.exp(h);
    }

    public double meanCodeLength() {
      return tasks.stream().mapToInt(p -> p.trueCode().length).average().orElse(0);
    }

    /** Share of tasks whose best latent-beam code is exactly the true code. */
    public double topCodeExact() {
      return share(p -> !p.beamCodes().isEmpty() && Arrays.equals(p.beamCodes().get(0), p.trueCode()));
    }

    /** Share of tasks whose true code is among the latent beam's L codes. */
    public double trueCodeInBeam() {
      return share(p -> p.beamCodes().stream().anyMatch(c -> Arrays.equals(c, p.trueCode())));
    }

    /**
     * Agreement of the best beam code with the true code, position by position: matching
     * positions over the longer of the two, pooled over tasks.
     */
    public double positionAgreement() {
      long match = 0;
      long positions = 0;
      for (TaskProbe p : tasks) {
        int[] best = p.beamCodes().isEmpty() ? new int[0] : p.beamCodes().get(0);
        int[] truth = p.trueCode();
        for (int i = 0; i < Math.min(best.length, truth.length); i++) {
          match += best[i] == truth[i] ? 1 : 0;
        }
        positions += Math.max(best.length, truth.length);
      }
      return positions == 0 ? 0 : (double) match / positions;
    }

    public double accuracy() {
      return share(TaskProbe::solved);
    }

    public double accuracyGivenTrueCode() {
      return share(TaskProbe::solvedGivenTrue);
    }

    private double share(java.util.function.Predicate<TaskProbe> test) {
      return (double) tasks.stream().filter(test).count() / tasks.size();
    }

    /** The markdown section: a header naming the command, then one table of the measures. */
    public String toMarkdown(String command, String machine, String date, String modelName) {
      StringBuilder md = new StringBuilder();
      md.append("## Latent codes: what they carry (`lp latents`)\n\n");
      md.append("Command: `").append(command).append("`  \nMachine: ").append(machine).append("  \nModel: ")
          .append(modelName).append("  \nWritten: ").append(date).append("\n\n");
      md.append(String.format(Locale.ROOT, "Tasks: %s, %d probed%s. Per task: the code the autoencoder gives the"
          + " true program (what the latent predictor is trained to predict), the latent beam's L=%d codes, and two"
          + " searches of budget B=%d: the two-level search (L codes × ⌊B/L⌋ programs) and one beam of B programs"
          + " given the true code.%n%n", dataset, tasks.size(), skipped == 0 ? "" : " (" + skipped
          + " without a program skipped)", latentBeams, beamSize));
      Map<Integer, Integer> counts = codeCounts();
      int positions = counts.values().stream().mapToInt(Integer::intValue).sum();
      List<Map.Entry<Integer, Integer>> top = counts.entrySet().stream()
          .sorted(Map.Entry.<Integer, Integer>comparingByValue(Comparator.reverseOrder())).limit(5).toList();
      StringBuilder frequent = new StringBuilder();
      for (Map.Entry<Integer, Integer> e : top) {
        frequent.append(frequent.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "TOK_%d %.1f%%",
            e.getKey() - FIRST_CODE, 100.0 * e.getValue() / positions));
      }
      md.append("| measure | value |\n|---|---:|\n");
      row(md, "true codes: mean length (latents per program)", String.format(Locale.ROOT, "%.2f", meanCodeLength()));
      row(md, "codes used by the true codes (of K)", counts.size() + " of " + codebookSize);
      row(md, "code perplexity, exp(entropy) over all latent positions", String.format(Locale.ROOT, "%.1f",
          perplexity()));
      row(md, "most frequent codes (share of latent positions)", frequent.toString());
      row(md, "latent beam: best code equals the true code", pct(topCodeExact()));
      row(md, "latent beam: true code among the L codes", pct(trueCodeInBeam()));
      row(md, "best code's position-by-position agreement with the true code", pct(positionAgreement()));
      row(md, "accuracy, two-level search (L codes × ⌊B/L⌋ programs)", pct(accuracy()));
      row(md, "accuracy, B programs given the true code", pct(accuracyGivenTrueCode()));
      String[][] terms = {{"ae", "teacher-forced loss, decoder reading the true code (ae)"},
          {"e2e", "teacher-forced loss, decoder reading the predictor's soft code (e2e)"},
          {"baseline-ce", "for reference: the baseline's teacher-forced loss on the same tasks (ce)"},
          {"lp", "latent predictor's cross-entropy on the true code (lp)"}, {"commit", "commitment (commit)"}};
      for (String[] t : terms) {
        if (losses.containsKey(t[0])) {
          row(md, t[1], String.format(Locale.ROOT, "%.3f", losses.get(t[0])));
        }
      }
      return md.toString();
    }

    private static void row(StringBuilder md, String name, String value) {
      md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String pct(double v) {
      return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
  }
}
