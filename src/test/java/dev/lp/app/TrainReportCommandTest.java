package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lp train-report} on a real (tiny) run, and its answers to a run it cannot read. */
class TrainReportCommandTest {

  @TempDir Path tmp;

  @Test
  void reportsARunAndRefusesBrokenMetricsWithOneLine() throws Exception {
    Path run = tmp.resolve("run");
    assertEquals(0, Main.run("train", "--kind", "baseline", "--size", "tiny", "--out", run.toString(), "--steps", "2",
        "--batch-size", "2", "--warmup", "1", "--log-every", "1", "--checkpoint-every", "2", "--max-expressions", "2",
        "--max-input-length", "20"));
    Path results = tmp.resolve("R.md");
    assertEquals(0, lp("train-report", "--run", run.toString(), "--results", results.toString()).code());
    String md = Files.readString(results);
    assertTrue(md.contains("<!-- BEGIN training -->") && md.contains("| baseline |"), md);

    // --overlay: one chart per metric with every run, linked first in the section
    assertEquals(0, lp("train-report", "--run", run.toString(), "--run", run.toString(), "--results", results.toString(),
        "--overlay", "both-runs", "--smooth", "1").code());
    md = Files.readString(results);
    assertTrue(md.contains("![both-runs-loss](plots/both-runs-loss.png)"), md);
    assertTrue(Files.size(tmp.resolve("plots/both-runs-loss.png")) > 0 && Files.size(tmp.resolve("plots/both-runs-accuracy.png")) > 0);
    assertRefused(lp("train-report", "--run", run.toString(), "--results", results.toString(), "--overlay", "A B"),
        "--overlay must be lower-case");

    Result badSection = lp("train-report", "--run", run.toString(), "--results", results.toString(), "--section", "A B");
    assertRefused(badSection, "--section must be lower-case");

    Path csv = run.resolve("metrics.csv");
    Files.writeString(csv, "");
    assertRefused(lp("train-report", "--run", run.toString(), "--results", results.toString()), "metrics.csv is empty");
    Files.writeString(csv, "step,loss\n1,2.0\n");
    assertRefused(lp("train-report", "--run", run.toString(), "--results", results.toString()), "no tasks_per_s column");
  }

  /** lp train's schedule options: a bad value is refused with one line naming it, before training. */
  @Test
  void trainRefusesABadDecayOrAMissingInitFromCheckpoint() {
    String out = tmp.resolve("refused").toString();
    assertRefused(lp("train", "--kind", "baseline", "--size", "tiny", "--out", out, "--steps", "2", "--decay", "step"),
        "--decay must be invsqrt, linear, cosine or constant");
    assertRefused(lp("train", "--kind", "baseline", "--size", "tiny", "--out", out, "--steps", "2", "--init-from",
        tmp.resolve("no-such-checkpoint").toString()), "not a checkpoint");
  }

  private static void assertRefused(Result r, String message) {
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(r.err().contains("\tat "), "a refusal, not a stack trace: " + r.err());
  }

  private record Result(int code, String err) {}

  private static Result lp(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new Result(Main.run(args), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }
}
