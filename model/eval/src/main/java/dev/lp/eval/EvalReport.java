package dev.lp.eval;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The results of one evaluation run, rendered as machine-readable JSON, as markdown tables in the
 * paper's layout (Table 1, Figure 3b, Figure 5a) and, through {@link EvalPlots}, as PNG plots.
 *
 * @param command the exact command line that produced it
 * @param machine where it ran (cores, CPU, Java)
 * @param date when it ran (ISO-8601)
 * @param models one result per model, all over the same datasets
 */
public record EvalReport(String command, String machine, String date, List<ModelResult> models) {

  /**
   * The paper's Table 1 accuracies (percent at B = 1, 10, 100), printed as reference rows beside
   * datasets drawn from the training distribution.
   */
  public static final Map<String, Map<Integer, Integer>> PAPER_TABLE_1 = paperTable();

  public EvalReport {
    if (command == null || machine == null || date == null || models == null || models.isEmpty()) {
      throw new IllegalArgumentException("EvalReport needs a command, machine, date and at least one model");
    }
    models = List.copyOf(models);
  }

  private static Map<String, Map<Integer, Integer>> paperTable() {
    Map<String, Map<Integer, Integer>> m = new LinkedHashMap<>();
    m.put("RobustFill [LSTM]", Map.of(1, 45, 10, 49, 100, 61));
    m.put("RobustFill [Transformer]", Map.of(1, 47, 10, 51, 100, 61));
    m.put("Latent RobustFill [AE]", Map.of(1, 47, 10, 50, 100, 60));
    m.put("Latent RobustFill [VAE]", Map.of(1, 46, 10, 51, 100, 62));
    m.put("Latent Programmer", Map.of(1, 51, 10, 57, 100, 68));
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Dataset names in first-seen order over all models. */
  public List<String> datasets() {
    Set<String> names = new LinkedHashSet<>();
    for (ModelResult m : models) {
      m.datasets().forEach(d -> names.add(d.dataset()));
    }
    return List.copyOf(names);
  }

  /** Beam sizes evaluated on a dataset by any model, ascending. */
  public List<Integer> beamSizes(String dataset) {
    Set<Integer> b = new TreeSet<>();
    for (ModelResult m : models) {
      DatasetResult d = m.on(dataset);
      if (d != null) {
        d.results().forEach(r -> b.add(r.setting().beamSize()));
      }
    }
    return List.copyOf(b);
  }

  /** The beam size of the by-length view: 10 as in Figure 3b when evaluated, else the largest. */
  public static int referenceBeam(List<Integer> beamSizes) {
    if (beamSizes == null || beamSizes.isEmpty()) {
      throw new IllegalArgumentException("no beam sizes");
    }
    return beamSizes.contains(10) ? 10 : beamSizes.stream().mapToInt(Integer::intValue).max().getAsInt();
  }

  /** How a model is labelled in tables and plots. */
  public static String label(ModelResult m) {
    return m.name() + " (" + m.kind() + ")";
  }

  // ---------------------------------------------------------------------------------- JSON

  /** The whole report as pretty-printed JSON; per task only in the main results, not the sweep. */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("command", command);
    root.addProperty("machine", machine);
    root.addProperty("date", date);
    root.addProperty("accuracy", "a task is solved when some returned program reproduces all its outputs");
    JsonArray ms = new JsonArray();
    for (ModelResult m : models) {
      JsonObject mo = new JsonObject();
      mo.addProperty("name", m.name());
      mo.addProperty("kind", m.kind());
      mo.addProperty("version", m.version());
      JsonArray ds = new JsonArray();
      for (DatasetResult d : m.datasets()) {
        JsonObject dobj = new JsonObject();
        dobj.addProperty("dataset", d.dataset());
        dobj.addProperty("tasks", d.facts().size());
        dobj.addProperty("paperComparable", d.paperComparable());
        JsonArray rs = new JsonArray();
        for (SettingResult r : d.results()) {
          JsonObject ro = summary(r);
          JsonArray bl = new JsonArray();
          for (LengthBucket b : r.byLength(d.facts())) {
            JsonObject bo = new JsonObject();
            bo.addProperty("expressions", b.expressions());
            bo.addProperty("tasks", b.tasks());
            bo.addProperty("solved", b.solved());
            bo.addProperty("accuracy", b.accuracy());
            bl.add(bo);
          }
          ro.add("byLength", bl);
          JsonArray ts = new JsonArray();
          for (int i = 0; i < r.tasks(); i++) {
            TaskFacts f = d.facts().get(i);
            TaskOutcome o = r.outcomes().get(i);
            JsonObject to = new JsonObject();
            to.addProperty("index", f.index());
            if (f.hasProgram()) {
              to.addProperty("expressions", f.expressions());
              to.addProperty("tokens", f.tokens());
            }
            to.addProperty("solved", o.solved());
            to.addProperty("rank", o.rank());
            to.add("program", o.program() == null ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(o.program()));
            to.addProperty("returned", o.returned());
            to.addProperty("ms", o.nanos() / 1e6);
            to.addProperty("modelCalls", o.modelCalls());
            if (o.failed()) {
              to.addProperty("error", o.error());
            }
            ts.add(to);
          }
          ro.add("perTask", ts);
          rs.add(ro);
        }
        dobj.add("results", rs);
        JsonArray sw = new JsonArray();
        d.sweep().forEach(r -> sw.add(summary(r)));
        dobj.add("latentSweep", sw);
        ds.add(dobj);
      }
      mo.add("datasets", ds);
      ms.add(mo);
    }
    root.add("models", ms);
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root);
  }

  private static JsonObject summary(SettingResult r) {
    JsonObject o = new JsonObject();
    o.addProperty("beamSize", r.setting().beamSize());
    o.addProperty("latentBeams", r.setting().latentBeams());
    o.addProperty("tasks", r.tasks());
    o.addProperty("solved", r.solved());
    o.addProperty("accuracy", r.accuracy());
    if (r.hasHidden()) {
      o.addProperty("generalised", r.generalised());
      o.addProperty("generalisation", r.generalisation());
      o.addProperty("occamGeneralised", r.occamGeneralised());
      o.addProperty("occamGeneralisation", r.occamGeneralisation());
    }
    o.addProperty("allBeamsDiedShare", r.allBeamsDiedShare());
    o.addProperty("meanPruned", r.meanPruned());
    o.addProperty("errors", r.errors());
    o.addProperty("meanMs", r.meanMillis());
    o.addProperty("meanModelCalls", r.meanModelCalls());
    JsonArray dn = new JsonArray();
    for (int n = 1; n <= Evaluator.MAX_NGRAM; n++) {
      dn.add(r.meanDistinct(n));
    }
    o.add("distinctNgrams", dn);
    return o;
  }

  // ------------------------------------------------------------------------------ markdown

  /** The tables only (for the console and the body of the results section). */
  public String tables() {
    StringBuilder md = new StringBuilder();
    md.append("Accuracy (consistent): share of tasks for which some program among the B returned reproduces all "
        + "given outputs (the paper's metric). Generalises: share of tasks with hidden examples whose first "
        + "consistent program (what a user gets) also reproduces every hidden example. Generalises, Occam-ranked: the "
        + "same for the answer the Occam ranking picks from the same candidates (fewest expressions, then fewest "
        + "tokens, the model's order breaking ties; with version-space guidance the enumerator's shortest program is "
        + "among them). All beams died: tasks on "
        + "which guidance pruned every program beam before anything finished. LP searches L latent codes, then ⌊B/L⌋ programs per code; the "
        + "baseline one beam of width B. Distinct-n: distinct n-grams over the programs a task's beams "
        + "decoded (one found from two codes counts twice) divided by their tokens (EOS excluded), "
        + "averaged over tasks. Model calls: encodes plus latent and program steps (each a batched forward call) per "
        + "task; step-wise search re-encodes and searches once per partial program and step.\n\n");
    List<String> datasets = datasets();
    for (String ds : datasets) {
      table1(md, ds);
    }
    for (String ds : datasets) {
      byLength(md, ds);
    }
    for (String ds : datasets) {
      sweep(md, ds);
    }
    return md.toString();
  }

  /**
   * The full markdown section: heading, command, machine, date, the tables, then the given plot
   * links (paths relative to the markdown file).
   */
  public String toMarkdown(List<String> plotLinks) {
    StringBuilder md = new StringBuilder();
    md.append("## Evaluation (`lp eval`)\n\n");
    md.append("Command: `").append(command).append("`  \n");
    md.append("Machine: ").append(machine).append("  \n");
    md.append("Written: ").append(date).append("\n\n");
    md.append(tables());
    if (plotLinks != null && !plotLinks.isEmpty()) {
      md.append("### Plots\n\n");
      for (String p : plotLinks) {
        String name = p.substring(p.lastIndexOf('/') + 1).replace(".png", "");
        md.append("![").append(name).append("](").append(p).append(")\n");
      }
    }
    return md.toString();
  }

  private void table1(StringBuilder md, String ds) {
    List<Integer> beams = beamSizes(ds);
    int tasks = tasksOf(ds);
    md.append(String.format(Locale.ROOT, "### Accuracy: %s (%d tasks)%n%n| model |", ds, tasks));
    beams.forEach(b -> md.append(" B=").append(b).append(" |"));
    md.append("\n|---|").append("---:|".repeat(beams.size())).append('\n');
    boolean comparable = false;
    for (ModelResult m : models) {
      DatasetResult d = m.on(ds);
      if (d == null) {
        continue;
      }
      comparable |= d.paperComparable();
      md.append("| ").append(escape(label(m))).append(" |");
      for (int b : beams) {
        SettingResult r = d.atBeam(b);
        md.append(r == null ? " — |" : String.format(Locale.ROOT, " %.1f%% (L=%d) |", 100 * r.accuracy(),
            r.setting().latentBeams()));
      }
      md.append('\n');
    }
    if (comparable) {
      for (var e : PAPER_TABLE_1.entrySet()) {
        md.append("| ").append(e.getKey()).append(" — paper, 1K held-out |");
        for (int b : beams) {
          Integer v = e.getValue().get(b);
          md.append(v == null ? " — |" : " " + v + "% |");
        }
        md.append('\n');
      }
    }
    md.append("\n| model | B | L | solved | accuracy (consistent) | generalises | generalises, Occam-ranked "
        + "| all beams died | pruned/task "
        + "| model errors | mean ms/task | model calls/task | distinct-1 | distinct-2 | distinct-3 | distinct-4 |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ModelResult m : models) {
      DatasetResult d = m.on(ds);
      if (d == null) {
        continue;
      }
      for (SettingResult r : d.results()) {
        String gen = r.hasHidden() ? String.format(Locale.ROOT, "%.1f%% (%d)", 100 * r.generalisation(),
            r.generalised()) : "—";
        String occam = r.hasHidden() ? String.format(Locale.ROOT, "%.1f%% (%d)", 100 * r.occamGeneralisation(),
            r.occamGeneralised()) : "—";
        md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d/%d | %.1f%% | %s | %s | %.1f%% | %.1f | %d | %.1f | %.1f |%s%n",
            escape(label(m)), r.setting().beamSize(), r.setting().latentBeams(), r.solved(), r.tasks(),
            100 * r.accuracy(), gen, occam, 100 * r.allBeamsDiedShare(), r.meanPruned(), r.errors(), r.meanMillis(),
            r.meanModelCalls(), distinctCells(r)));
      }
    }
    md.append('\n');
  }

  private void byLength(StringBuilder md, String ds) {
    List<Integer> beams = beamSizes(ds);
    if (beams.isEmpty()) {
      return;
    }
    int ref = referenceBeam(beams);
    List<ModelResult> with = new ArrayList<>();
    List<List<LengthBucket>> buckets = new ArrayList<>();
    TreeSet<Integer> lengths = new TreeSet<>();
    for (ModelResult m : models) {
      DatasetResult d = m.on(ds);
      SettingResult r = d == null ? null : d.atBeam(ref);
      if (r == null || !d.hasPrograms()) {
        continue;
      }
      with.add(m);
      List<LengthBucket> bl = r.byLength(d.facts());
      buckets.add(bl);
      bl.forEach(b -> lengths.add(b.expressions()));
    }
    if (with.isEmpty()) {
      return;
    }
    md.append(String.format(Locale.ROOT, "### Accuracy by ground-truth program length: %s, B=%d%n%n", ds, ref));
    md.append("| expressions | tasks |");
    with.forEach(m -> md.append(' ').append(escape(label(m))).append(" |"));
    md.append("\n|---:|---:|").append("---:|".repeat(with.size())).append('\n');
    for (int n : lengths) {
      Integer tasks = null;
      StringBuilder cells = new StringBuilder();
      for (List<LengthBucket> bl : buckets) {
        LengthBucket b = bl.stream().filter(x -> x.expressions() == n).findFirst().orElse(null);
        if (b != null) {
          tasks = b.tasks();
        }
        cells.append(b == null ? " — |" : String.format(Locale.ROOT, " %.1f%% (%d/%d) |", 100 * b.accuracy(),
            b.solved(), b.tasks()));
      }
      md.append("| ").append(n).append(" | ").append(tasks).append(" |").append(cells).append('\n');
    }
    md.append('\n');
  }

  private void sweep(StringBuilder md, String ds) {
    boolean any = models.stream().map(m -> m.on(ds)).anyMatch(d -> d != null && !d.sweep().isEmpty());
    if (!any) {
      return;
    }
    md.append(String.format(Locale.ROOT, "### Latent beam sweep: %s, B=%d%n%n", ds, Evaluator.SWEEP_BEAM_SIZE));
    md.append("| model | L | programs per code | accuracy | distinct-1 | distinct-2 | distinct-3 | distinct-4 |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ModelResult m : models) {
      DatasetResult d = m.on(ds);
      if (d == null) {
        continue;
      }
      for (SettingResult r : d.sweep()) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f%% |%s%n", escape(label(m)),
            r.setting().latentBeams(), r.setting().beamSize() / r.setting().latentBeams(), 100 * r.accuracy(),
            distinctCells(r)));
      }
    }
    md.append('\n');
  }

  private int tasksOf(String ds) {
    for (ModelResult m : models) {
      DatasetResult d = m.on(ds);
      if (d != null) {
        return d.facts().size();
      }
    }
    return 0;
  }

  private static String distinctCells(SettingResult r) {
    StringBuilder sb = new StringBuilder();
    for (int n = 1; n <= Evaluator.MAX_NGRAM; n++) {
      sb.append(String.format(Locale.ROOT, " %.3f |", r.meanDistinct(n)));
    }
    return sb.toString();
  }

  // A '|' inside a cell would split the markdown table row.
  private static String escape(String s) {
    return s.replace("|", "\\|");
  }
}
