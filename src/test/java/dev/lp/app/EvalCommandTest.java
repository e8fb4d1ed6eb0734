package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.ConstStr;
import dev.lp.dsl.Program;
import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Task;
import dev.lp.dsl.TaskJsonl;
import dev.lp.dsl.Tokens;
import dev.lp.search.Consistency;
import dev.lp.search.SynthesisModel;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lp eval} end to end with scripted models standing in for checkpoints: "lp" solves task 0
 * (best program) and task 1 (second program of its code), "base" solves task 0 only.
 */
class EvalCommandTest {

  @TempDir Path dir;

  private final List<Task> tasks = new TaskSampler(SamplerConfig.paper().withMaxExpressions(3)).stream(21, 0, 6).toList();
  private final List<SynthesisModel> loaded = new ArrayList<>();
  private Path tasksFile;

  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void writeTasks() throws Exception {
    tasksFile = dir.resolve("tasks.jsonl");
    try (Writer w = Files.newBufferedWriter(tasksFile, StandardCharsets.UTF_8)) {
      for (int i = 0; i < tasks.size(); i++) {
        TaskJsonl.write(w, i, tasks.get(i));
      }
    }
  }

  private ScriptedModel model(Path checkpoint) {
    String name = checkpoint.getFileName().toString();
    Task t0 = tasks.get(0);
    Task t1 = tasks.get(1);
    if (name.equals("lp")) {
      return ScriptedModel.builder().maxProgramLength(60).version("lp-v1")
          .task(t0.inputs(), t0.outputs(), List.of(Entry.ranked(new int[] {3}, t0.program())))
          .task(t1.inputs(), t1.outputs(), List.of(Entry.ranked(new int[] {3}, wrong(t1)),
              Entry.ranked(new int[] {3}, t1.program())))
          .build();
    }
    if (name.equals("base")) {
      return ScriptedModel.builder().baseline().maxProgramLength(60).version("base-v1")
          .task(t0.inputs(), t0.outputs(), List.of(Entry.ranked(t0.program())))
          .build();
    }
    throw new IllegalArgumentException("no checkpoint at " + checkpoint);
  }

  /** A ConstStr program no longer than the ground truth that does not solve t (so beam 1 finds it first). */
  private static Program wrong(Task t) {
    if (Tokens.encode(t.program()).length - 1 < 2) {
      throw new IllegalStateException("fixture task has a 1-token program; change the seed");
    }
    for (char c : "#xyz7".toCharArray()) {
      Program p = Program.of(new ConstStr(c));
      if (!Consistency.consistent(p, t.inputs(), t.outputs())) {
        return p;
      }
    }
    throw new IllegalStateException("no wrong program");
  }

  private Run lp(String... args) {
    Function<Path, SynthesisModel> loader = p -> {
      SynthesisModel m = model(p);
      loaded.add(m);
      return m;
    };
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new EvalCommand(loader));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void evaluatesTwoCheckpointsAndWritesTablesJsonResultsAndPlots() throws Exception {
    Path json = dir.resolve("out/eval.json");
    Path results = dir.resolve("docs/RESULTS.md");
    Run run = lp("--checkpoint", dir.resolve("lp").toString(), "--checkpoint", dir.resolve("base").toString(),
        "--tasks", tasksFile.toString(), "--beams", "1,10", "--sweep", "--json", json.toString(),
        "--results", results.toString(), "--section", "eval-test", "--guidance", "off");
    assertEquals(0, run.exit(), run.err());

    String lpName = dir.resolve("lp") + " guidance=off";
    String baseName = dir.resolve("base") + " guidance=off";
    assertTrue(run.out().contains("| " + lpName + " (lp) | 16.7% (L=1) | 33.3% (L=3) |"), run.out());
    assertTrue(run.out().contains("| " + baseName + " (baseline) | 16.7% (L=1) | 16.7% (L=1) |"), run.out());
    assertTrue(run.out().contains("| Latent Programmer — paper, 1K held-out | 51% | 57% |"), run.out());
    assertTrue(run.out().contains("### Latent beam sweep"), run.out());
    assertTrue(run.err().contains(lpName + " on " + tasksFile + ": B=1 L=1 16.7%, B=10 L=3 33.3%"), run.err());

    JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    assertTrue(root.get("command").getAsString().startsWith("lp eval --checkpoint "), root.get("command").toString());
    JsonArray models = root.getAsJsonArray("models");
    assertEquals(2, models.size());
    JsonObject lpData = models.get(0).getAsJsonObject().getAsJsonArray("datasets").get(0).getAsJsonObject();
    assertEquals(2 / 6.0, lpData.getAsJsonArray("results").get(1).getAsJsonObject().get("accuracy").getAsDouble(), 1e-12);
    assertEquals(5, lpData.getAsJsonArray("latentSweep").size());

    String doc = Files.readString(results);
    assertTrue(doc.contains("<!-- BEGIN eval-test -->"), doc);
    assertTrue(doc.contains("Command: `lp eval --checkpoint "), doc);
    assertTrue(doc.contains("Machine: "), doc);
    assertTrue(doc.contains("](plots/eval-test-by-length-"), doc);
    assertTrue(doc.contains("](plots/eval-test-latent-sweep-"), doc);
    try (var files = Files.list(dir.resolve("docs/plots"))) {
      assertEquals(2, files.filter(p -> p.toString().endsWith(".png")).count());
    }
    assertEquals(2, loaded.size());
    for (SynthesisModel m : loaded) {
      assertTrue(assertClosed(m), "model not closed after eval");
    }
  }

  /**
   * --candidates writes one line per model, task and setting with every candidate in the search's order:
   * the LP's task 1 has the wrong ConstStr program first and a consistent program second.
   */
  @Test
  void candidatesFileHoldsEveryCandidateWithConsistencyAndGeneralisation() throws Exception {
    Path file = dir.resolve("cands/c.jsonl");
    Run run = lp("--checkpoint", dir.resolve("lp").toString(), "--tasks", tasksFile.toString(), "--beams", "10",
        "--results", dir.resolve("R.md").toString(), "--guidance", "off", "--candidates", file.toString());
    assertEquals(0, run.exit(), run.err());
    List<String> lines = Files.readAllLines(file);
    assertEquals(tasks.size(), lines.size(), String.join("\n", lines));
    JsonObject task1 = JsonParser.parseString(lines.get(1)).getAsJsonObject();
    assertEquals(1, task1.get("task").getAsInt());
    assertEquals(10, task1.get("B").getAsInt());
    JsonArray cands = task1.getAsJsonArray("candidates");
    assertTrue(cands.size() >= 2, cands.toString()); // beam 10: the script's two, then what fills the beam
    JsonObject first = cands.get(0).getAsJsonObject();
    JsonObject second = cands.get(1).getAsJsonObject();
    assertEquals(ProgramText.print(wrong(tasks.get(1))), first.get("program").getAsString());
    assertFalse(first.get("consistent").getAsBoolean());
    Program program = ProgramText.parse(second.get("program").getAsString());
    assertTrue(second.get("consistent").getAsBoolean());
    assertTrue(Consistency.consistent(program, tasks.get(1).inputs(), tasks.get(1).outputs()), program.toString());
    assertEquals(program.expressions().size(), second.get("expressions").getAsInt());
    assertEquals(Tokens.encode(program).length, second.get("tokens").getAsInt());
    // the fixture tasks have no hidden examples: generalisation is unknown, not false
    assertTrue(second.get("generalises").isJsonNull(), second.toString());
  }

  private static boolean assertClosed(SynthesisModel m) {
    try {
      m.encode(List.of("a"), List.of("b"));
      return false;
    } catch (IllegalStateException e) {
      return e.getMessage().contains("closed");
    }
  }

  @Test
  void goldenSplitsWithLimitAndSampledTasks() throws Exception {
    Path golden = Path.of("..", "model", "dsl", "src", "test", "resources", "golden");
    Path json = dir.resolve("g.json");
    Run run = lp("--checkpoint", dir.resolve("base").toString(), "--golden", "--golden-dir", golden.toString(),
        "--sample", "3", "--seed", "4", "--max-expressions", "2", "--limit", "2", "--beams", "1",
        "--json", json.toString(), "--results", dir.resolve("R.md").toString());
    assertEquals(0, run.exit(), run.err());
    JsonArray ds = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("models").get(0)
        .getAsJsonObject().getAsJsonArray("datasets");
    assertEquals(7, ds.size());
    assertTrue(run.err().contains("B=1 L=1") && run.err().contains("(generalises "), "sampled tasks carry 4 hidden"
        + " examples, so generalisation is measured: " + run.err());
    assertEquals("sample(seed=4, n=3, max-expressions=2, hidden=4)", ds.get(0).getAsJsonObject().get("dataset").getAsString());
    assertFalse(ds.get(0).getAsJsonObject().get("paperComparable").getAsBoolean());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      JsonObject d = ds.get(i).getAsJsonObject();
      assertEquals(2, d.get("tasks").getAsInt(), d.get("dataset").getAsString());
      names.add(d.get("dataset").getAsString());
    }
    assertEquals(EvalCommand.GOLDEN_SPLITS.stream().map(s -> "golden/" + s).toList(), names.subList(1, 7));
    assertTrue(Files.readString(dir.resolve("R.md")).contains("### Accuracy: golden/LENGTH_GENERALIZATION (2 tasks)"));
  }

  @Test
  void badArgumentsGiveAMessageAndExitCode2WithoutAStackTrace() throws Exception {
    String ck = dir.resolve("lp").toString();
    String res = dir.resolve("R.md").toString();
    Path badLine = dir.resolve("bad.jsonl");
    Files.writeString(badLine, TaskJsonl.format(0, tasks.get(0)) + "\n{\"inputs\": [\"a\"], \"outputs\": 5}\n");
    Path empty = dir.resolve("empty.jsonl");
    Files.writeString(empty, "\n");
    Path accented = dir.resolve("accented.jsonl");
    Files.writeString(accented, "{\"inputs\": [\"h\u00e9llo\"], \"outputs\": [\"h\"]}\n");
    String[][] cases = {
        {"no tasks", "--checkpoint", ck, "--results", res},
        {"--beams/--latent-beams: beam size B must be >= 1, got 0", "--checkpoint", ck, "--tasks", tasksFile.toString(),
            "--beams", "0", "--results", res},
        {"--latent-beams must be >= 1, got 0", "--checkpoint", ck, "--tasks", tasksFile.toString(),
            "--beams", "1,10", "--latent-beams", "0", "--results", res},
        {"is a directory", "--checkpoint", ck, "--tasks", tasksFile.toString(), "--results", res,
            "--json", tasksFile.getParent().toString()},
        {"cannot create its directory", "--checkpoint", ck, "--tasks", tasksFile.toString(),
            "--results", tasksFile.resolve("RESULTS.md").toString()},
        {"cannot read", "--checkpoint", ck, "--tasks", dir.resolve("missing.jsonl").toString(), "--results", res},
        {"bad.jsonl:2", "--checkpoint", ck, "--tasks", badLine.toString(), "--results", res},
        {"holds no tasks", "--checkpoint", ck, "--tasks", empty.toString(), "--results", res},
        {"task 1: character 'é' (U+00E9) is not in the DSL alphabet", "--checkpoint", ck, "--tasks",
            accented.toString(), "--results", res},
        {"--limit must be >= 1", "--checkpoint", ck, "--tasks", tasksFile.toString(), "--limit", "0", "--results", res},
        {"--sample must be >= 1", "--checkpoint", ck, "--sample", "0", "--results", res},
        {"--guidance: guidance must be one of off, prefix", "--checkpoint", ck, "--sample", "2", "--guidance", "maybe",
            "--results", res},
        {"--guidance repeats off", "--checkpoint", ck, "--sample", "2", "--guidance", "off,off", "--results", res},
        {"--hidden must be in 0..60", "--checkpoint", ck, "--sample", "2", "--hidden", "-1", "--results", res},
        {"--max-expressions", "--checkpoint", ck, "--sample", "2", "--max-expressions", "0", "--results", res},
        {"repeats a beam size", "--checkpoint", ck, "--tasks", tasksFile.toString(), "--beams", "10,10",
            "--results", res},
        {"--section must be lower-case", "--checkpoint", ck, "--tasks", tasksFile.toString(), "--section", "Eval X",
            "--results", res},
        {"cannot load: no checkpoint at", "--checkpoint", dir.resolve("nope").toString(), "--tasks",
            tasksFile.toString(), "--results", res},
        {"--checkpoint " + dir.resolve("nope2") + ": cannot load", "--checkpoint", ck, "--checkpoint",
            dir.resolve("nope2").toString(), "--tasks", tasksFile.toString(), "--results", res},
        {"Missing required option: '--checkpoint=DIR'", "--tasks", tasksFile.toString()},
        {"Invalid value for option '--beams'", "--checkpoint", ck, "--tasks", tasksFile.toString(), "--beams", "x"},
        {"cannot read", "--checkpoint", ck, "--golden", "--golden-dir", dir.resolve("nogolden").toString(),
            "--results", res},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
      Run run = lp(args);
      assertEquals(2, run.exit(), c[0] + ": " + run.err());
      assertTrue(run.err().contains(c[0]), "expected '" + c[0] + "' in: " + run.err());
      assertFalse(run.err().contains("\tat "), "stack trace for " + c[0] + ": " + run.err());
    }
    assertFalse(Files.exists(dir.resolve("R.md")), "a failed run wrote results");
  }
}
