package dev.lp.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Task;
import dev.lp.search.SynthesisModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvalReportTest {

  private final List<Task> tasks = Fixtures.tasks();
  private EvalReport report;

  @BeforeAll
  void evaluate() {
    Dataset sampled = new Dataset("sample(seed=11, n=8)", tasks, true);
    Dataset split = new Dataset("golden/COMPOSE_NEW_OP", tasks.subList(0, 4), false);
    ModelResult lp = run("ckpt-lp", Fixtures.lp(tasks), sampled, split);
    ModelResult base = run("ckpt-base", Fixtures.baseline(tasks), sampled, split);
    report = new EvalReport("lp eval --beams 1,10", "2 cores", "2025-01-01T00:00:00Z", List.of(lp, base));
  }

  private static ModelResult run(String name, SynthesisModel model, Dataset... datasets) {
    Evaluator ev = new Evaluator(model);
    List<Setting> settings = ev.settings(List.of(1, 10), null);
    List<DatasetResult> results = Arrays.stream(datasets)
        .map(d -> ev.evaluate(d, settings, d.paperComparable(), null)).toList();
    return new ModelResult(name, model.info().kind(), model.info().version(), results);
  }

  @Test
  void jsonHoldsAccuracyPerBeamAndEachTaskWithItsProgram() {
    JsonObject root = JsonParser.parseString(report.toJson()).getAsJsonObject();
    assertEquals("lp eval --beams 1,10", root.get("command").getAsString());
    JsonArray models = root.getAsJsonArray("models");
    assertEquals(2, models.size());
    JsonObject lp = models.get(0).getAsJsonObject();
    assertEquals("lp", lp.get("kind").getAsString());
    JsonObject sampled = lp.getAsJsonArray("datasets").get(0).getAsJsonObject();
    assertEquals(8, sampled.get("tasks").getAsInt());
    JsonArray results = sampled.getAsJsonArray("results");
    assertEquals(0.125, results.get(0).getAsJsonObject().get("accuracy").getAsDouble());
    JsonObject b10 = results.get(1).getAsJsonObject();
    assertEquals(10, b10.get("beamSize").getAsInt());
    assertEquals(3, b10.get("latentBeams").getAsInt());
    assertEquals(0.375, b10.get("accuracy").getAsDouble());
    JsonArray perTask = b10.getAsJsonArray("perTask");
    assertEquals(8, perTask.size());
    JsonObject t1 = perTask.get(1).getAsJsonObject();
    assertTrue(t1.get("solved").getAsBoolean());
    assertEquals(ProgramText.print(tasks.get(1).program()), t1.get("program").getAsString());
    assertEquals(tasks.get(1).program().size(), t1.get("expressions").getAsInt());
    assertTrue(perTask.get(2).getAsJsonObject().get("program").isJsonNull());
    int byLengthTasks = 0;
    for (var b : b10.getAsJsonArray("byLength")) {
      byLengthTasks += b.getAsJsonObject().get("tasks").getAsInt();
    }
    assertEquals(8, byLengthTasks);
    JsonArray sweep = sampled.getAsJsonArray("latentSweep");
    assertEquals(5, sweep.size());
    assertEquals(0.25, sweep.get(0).getAsJsonObject().get("accuracy").getAsDouble());
    assertEquals(4, sweep.get(0).getAsJsonObject().getAsJsonArray("distinctNgrams").size());
    JsonObject base = models.get(1).getAsJsonObject().getAsJsonArray("datasets").get(0).getAsJsonObject();
    assertEquals(0, base.getAsJsonArray("latentSweep").size());
  }

  @Test
  void markdownHasTable1LayoutWithPaperRowsOnlyForComparableData() {
    String md = report.toMarkdown(List.of("plots/eval-by-length-x.png"));
    assertTrue(md.startsWith("## Evaluation (`lp eval`)"), md);
    assertTrue(md.contains("Command: `lp eval --beams 1,10`"), md);
    String[] sections = md.split("\n### ");
    String sampled = section(sections, "Accuracy: sample(seed=11, n=8) (8 tasks)");
    assertTrue(sampled.contains("| model | B=1 | B=10 |"), sampled);
    assertTrue(sampled.contains("| ckpt-lp (lp) | 12.5% (L=1) | 37.5% (L=3) |"), sampled);
    assertTrue(sampled.contains("| ckpt-base (baseline) | 12.5% (L=1) | 37.5% (L=1) |"), sampled);
    assertTrue(sampled.contains("| RobustFill [LSTM] — paper, 1K held-out | 45% | 49% |"), sampled);
    assertTrue(sampled.contains("| RobustFill [Transformer] — paper, 1K held-out | 47% | 51% |"), sampled);
    assertTrue(sampled.contains("| Latent Programmer — paper, 1K held-out | 51% | 57% |"), sampled);
    assertTrue(sampled.contains("| Latent RobustFill [AE] — paper, 1K held-out | 47% | 50% |"), sampled);
    assertTrue(sampled.contains("| Latent RobustFill [VAE] — paper, 1K held-out | 46% | 51% |"), sampled);
    assertTrue(sampled.contains("| ckpt-lp (lp) | 10 | 3 | 3/8 | 37.5% | — | — | 0.0% | 0.0 | 0 |"), sampled);
    String split = section(sections, "Accuracy: golden/COMPOSE_NEW_OP (4 tasks)");
    assertFalse(split.contains("paper"), split);

    String byLength = section(sections, "Accuracy by ground-truth program length: sample(seed=11, n=8), B=10");
    assertTrue(byLength.contains("| expressions | tasks | ckpt-lp (lp) | ckpt-base (baseline) |"), byLength);
    int rows = (int) byLength.lines().filter(l -> l.matches("\\| \\d+ \\| \\d+ \\|.*")).count();
    assertEquals(tasks.stream().map(t -> t.program().size()).distinct().count(), rows, byLength);

    String sweep = section(sections, "Latent beam sweep: sample(seed=11, n=8), B=10");
    assertTrue(sweep.contains("| ckpt-lp (lp) | 1 | 10 | 25.0% |"), sweep);
    assertTrue(sweep.contains("| ckpt-lp (lp) | 10 | 1 | 25.0% |"), sweep);
    assertFalse(sweep.contains("ckpt-base"), sweep);
    assertFalse(md.contains("Latent beam sweep: golden/COMPOSE_NEW_OP"), "no sweep on the split");
    assertTrue(md.contains("![eval-by-length-x](plots/eval-by-length-x.png)"), md);
  }

  private static String section(String[] sections, String heading) {
    return Arrays.stream(sections).filter(s -> s.startsWith(heading)).findFirst()
        .orElseThrow(() -> new AssertionError("no section " + heading));
  }

  @Test
  void plotsAreWrittenAsPngsPerDataset(@TempDir Path dir) throws Exception {
    List<String> files = EvalPlots.write(report, dir.resolve("plots"), "eval");
    assertEquals(List.of("eval-by-length-sample-seed-11-n-8.png", "eval-by-length-golden-compose-new-op.png",
        "eval-latent-sweep-sample-seed-11-n-8.png"), files);
    for (String f : files) {
      byte[] bytes = Files.readAllBytes(dir.resolve("plots").resolve(f));
      assertTrue(bytes.length > 1000, f + " is " + bytes.length + " bytes");
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4), f);
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> EvalPlots.write(report, dir, "Bad Name"))
        .getMessage().contains("plot prefix"));
  }

  @Test
  void referenceBeamPrefersTenLikeFigure3b() {
    assertEquals(10, EvalReport.referenceBeam(List.of(1, 10, 100)));
    assertEquals(100, EvalReport.referenceBeam(List.of(1, 100)));
    assertThrows(IllegalArgumentException.class, () -> EvalReport.referenceBeam(List.of()));
    assertThrows(IllegalArgumentException.class, () -> new EvalReport("c", "m", "d", List.of()));
  }
}
