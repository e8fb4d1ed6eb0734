package dev.lp.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `lp bench capacity`, small: two levels through a real in-JVM broker with the scripted model. */
class BenchCapacityCommandTest {

  @TempDir Path dir;

  private static int run(StringWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  @EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real broker tier; -Dlp.slow=true runs it")
  void measuresEachLevelAndNamesTheKnee() throws Exception {
    Path results = dir.resolve("RESULTS.md");
    var err = new StringWriter();
    int exit = run(err, "bench", "capacity", "--model", "scripted", "--concurrency", "1,2", "--requests", "2",
        "--deadline-ms", "30000", "--results", results.toString());
    assertEquals(0, exit, err.toString());
    String md = Files.readString(results);
    assertTrue(md.contains("Command: `lp bench capacity --model scripted --concurrency 1,2"), md);
    assertTrue(md.contains("| 1 | 2 / 2 | "), md);
    assertTrue(md.contains("| 2 | 2 / 2 | "), md);
    assertTrue(md.contains("**Knee: 2 requests in flight, ") || md.contains("**Knee: 1 requests in flight, ")
        || md.contains("No level kept every request within the deadline"), md);
  }

  @Test
  void levelsMustRise() {
    var err = new StringWriter();
    assertEquals(2, run(err, "bench", "capacity", "--concurrency", "4,2"));
    assertTrue(err.toString().contains("--concurrency must rise, got [4, 2]"), err.toString());
  }
}
