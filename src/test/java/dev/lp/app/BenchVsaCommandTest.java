package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchVsaCommandTest {

  @TempDir Path dir;

  @Test
  void writesTheSection() throws Exception {
    Path results = dir.resolve("docs/RESULTS.md");
    Files.createDirectories(results.getParent());
    Files.writeString(results, "# Results\n\n<!-- BEGIN other -->\nkept\n<!-- END other -->\n");
    Path golden = dir.resolve("golden");
    Files.createDirectories(golden);
    String line = "{\"index\": 0, \"inputs\": [\"ab 12\", \"cd 3\"], \"outputs\": [\"12\", \"3\"], \"program\": \"7 102 216\"}\n";
    for (String split : EvalCommand.GOLDEN_SPLITS) {
      Files.writeString(golden.resolve(split + ".jsonl"), line);
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("bench", "vsa", "--sample", "3", "--golden", "--golden-dir", golden.toString(),
        "--time-budget", "20000", "--results", results.toString());
    assertEquals(0, exit, err.toString());
    String doc = Files.readString(results);
    assertTrue(doc.contains("<!-- BEGIN other -->\nkept\n<!-- END other -->"), "other section lost: " + doc);
    assertTrue(doc.contains("<!-- BEGIN vsa-bench -->"), doc);
    assertTrue(doc.contains("Command: `lp bench vsa --sample 3 --golden"), doc);
    assertTrue(doc.contains("| golden/NONE | 1 |"), doc);
    assertTrue(doc.contains("| 1 (100.0%) | 1 (100.0%) | 0 (0.0%) |"), "the golden task is admitted and not cut: " + doc);
    assertTrue(out.toString().contains("sampled (paper config, seed 777): 3 tasks"), out.toString());
  }

  @Test
  void measuresATasksFileWithoutPrograms() throws Exception {
    Path results = dir.resolve("R.md");
    Path tasks = dir.resolve("everyday.jsonl");
    // hand-written tasks carry no program: expressible is measured, "own program admitted" has nothing to count
    Files.writeString(tasks, "{\"inputs\": [\"Paris (France)\", \"Lima (Peru)\"], \"outputs\": [\"France\", \"Peru\"]}\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("bench", "vsa", "--sample", "0", "--tasks", tasks.toString(), "--time-budget", "20000",
        "--results", results.toString());
    assertEquals(0, exit, err.toString());
    String doc = Files.readString(results);
    assertTrue(doc.contains("| " + tasks + " | 1 |"), doc);
    assertTrue(out.toString().contains(tasks + ": 1 tasks") && out.toString().contains("expressible 1;"), out.toString());
  }

  @Test
  void rejectsBadArguments() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("bench", "vsa", "--sample", "0"));
    assertTrue(err.toString().contains("no tasks"), err.toString());
    assertEquals(2, cli.execute("bench", "vsa", "--time-budget", "0"));
    assertTrue(err.toString().contains("--time-budget must be in 1..600000 ms"), err.toString());
  }
}
