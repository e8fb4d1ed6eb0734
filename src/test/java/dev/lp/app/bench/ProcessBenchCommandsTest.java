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

/**
 * `lp bench failover` and `lp bench fuzz`, small: real `lp serve` worker processes against a real
 * broker, the section each writes, and the exit code that says every request was answered as it
 * must be.
 */
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "worker processes; -Dlp.slow=true runs it")
class ProcessBenchCommandsTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void failoverKillsAWorkerUnderRequestsAndEveryOneIsAnsweredOnce() throws Exception {
    Path results = dir.resolve("RESULTS.md");
    Run r = run("bench", "failover", "--kills", "1", "--requests", "6", "--results", results.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    String md = Files.readString(results);
    assertTrue(md.contains("<!-- BEGIN failover-bench -->"), md);
    assertTrue(md.contains("Command: `lp bench failover --kills 1 --requests 6 --results"), md);
    assertTrue(md.contains("1 kills, 6 requests: 6 answered, 6 with exactly one Finished, 0 with more than one, "
        + "0 answered later than the bound"), md);
    // The survivor took over only after the session timeout (10 s): no LeaveGroup came from a kill -9.
    var moved = java.util.regex.Pattern.compile("kill → the survivor owns every partition \\| ([0-9,]+) ms")
        .matcher(md);
    assertTrue(moved.find(), md);
    long ms = Long.parseLong(moved.group(1).replace(",", ""));
    assertTrue(ms >= 5_000 && ms < 30_000, "partitions moved " + ms + " ms after the kill");
  }

  @Test
  void fuzzAnswersEveryRecordAndTheWorkerKeepsServing() throws Exception {
    Path results = dir.resolve("RESULTS.md");
    Run r = run("bench", "fuzz", "--records", "300", "--heap-samples", "1", "--results", results.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    String md = Files.readString(results);
    assertTrue(md.contains("**300 records: "), md);
    assertTrue(md.contains(", 0 not answered as they must be.**"), md);
    assertTrue(md.contains("A valid request (the Figure 1 task) afterwards: SOLVED"), md);
    for (String code : new String[] {"BAD_BYTES", "UNSUPPORTED_VERSION", "REQUEST_ID_MISMATCH"}) {
      assertTrue(md.contains("| " + code + " |"), code + " among the answers:\n" + md);
    }
  }

  @Test
  void badArgumentsAreRefusedBeforeAnythingStarts() {
    Run a = run("bench", "failover", "--kills", "0");
    assertEquals(2, a.exit(), a.err());
    assertTrue(a.err().contains("--kills must be in 1..50"), a.err());
    Run b = run("bench", "failover", "--step-delay", "slow");
    assertEquals(2, b.exit(), b.err());
    assertTrue(b.err().contains("--step-delay"), b.err());
    Run c = run("bench", "fuzz", "--records", "0");
    assertEquals(2, c.exit(), c.err());
    assertTrue(c.err().contains("--records must be in 1..1000000"), c.err());
  }
}
