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

class BenchDslCommandTest {

  @TempDir Path dir;

  @Test
  void writesTheSectionAndItsPlots() throws Exception {
    Path results = dir.resolve("docs/RESULTS.md");
    Files.createDirectories(results.getParent());
    Files.writeString(results, "# Results\n\n<!-- BEGIN other -->\nkept\n<!-- END other -->\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("bench", "dsl", "--tasks", "300", "--seconds", "0.2", "--results", results.toString());
    assertEquals(0, exit, err.toString());

    String doc = Files.readString(results);
    assertTrue(doc.contains("<!-- BEGIN other -->\nkept\n<!-- END other -->"), "other section lost: " + doc);
    assertTrue(doc.contains("<!-- BEGIN dsl-bench -->"), doc);
    assertTrue(doc.contains("Command: `lp bench dsl --tasks 300 --seconds 0.2"), doc);
    assertTrue(doc.contains("expression evaluations/s"), doc);
    assertTrue(doc.contains("sampler, 2 threads"), doc);
    for (String plot : new String[] {"expressions", "kinds", "ops", "kinds-by-length"}) {
      Path png = results.getParent().resolve("plots/dsl-bench-" + plot + ".png");
      assertTrue(Files.size(png) > 1000, png + " is missing or empty");
      assertTrue(doc.contains("(plots/dsl-bench-" + plot + ".png)"), "no link to " + plot);
    }
  }

  @Test
  void rejectsBadArguments() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("bench", "dsl", "--seconds", "0"));
    assertTrue(err.toString().contains("--seconds must be in (0, 600]"), err.toString());
    assertEquals(2, cli.execute("bench", "dsl", "--tasks", "5"));
    assertTrue(err.toString().contains("--tasks must be >= 100"), err.toString());
  }
}
