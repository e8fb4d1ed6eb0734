package dev.lp.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `lp bench engine` end to end (real in-JVM broker, tiny random model) and its argument checks. */
class BenchEngineCommandTest {

  @TempDir Path dir;

  private static final class Run {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final int exit;

    Run(String... args) {
      CommandLine cli = new CommandLine(new Main());
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      exit = cli.execute(args);
    }
  }

  @Test
  void writesTheSectionThroughTheRealPath() throws Exception {
    Path results = dir.resolve("docs/RESULTS.md");
    Files.createDirectories(results.getParent());
    Files.writeString(results, "# Results\n\n<!-- BEGIN other -->\nkept\n<!-- END other -->\n");
    Run run = new Run("bench", "engine", "--random-init", "tiny", "--kind", "lp", "--tasks", "4", "--warmup", "1",
        "--beam", "4", "--latent-beams", "2", "--concurrency", "2", "--deadline-ms", "1500", "--batch-steps", "6",
        "--results", results.toString());
    assertEquals(0, run.exit, run.err.toString());

    String doc = Files.readString(results);
    assertTrue(doc.contains("<!-- BEGIN other -->\nkept\n<!-- END other -->"), "other section lost: " + doc);
    assertTrue(doc.contains("<!-- BEGIN engine-bench -->") && doc.contains("<!-- END engine-bench -->"), doc);
    assertTrue(doc.contains("Command: `lp bench engine --random-init tiny --kind lp --tasks 4"), doc);
    assertTrue(doc.contains("cores (nproc)") && doc.contains("Java 17"), doc);
    assertTrue(doc.contains("Model: random-init tiny lp"), doc);
    assertTrue(doc.contains("| requests sent / answered (Finished) | 4 / 4 |"), doc);
    for (String field : new String[] {"time to first consistent program, p50", "solve rate",
        "whole request (→ Finished) p50 / p99", "requests/s, one worker", "engine overhead, request view",
        "engine overhead, process view", "engine overhead, CPU view", "Load average", "ratio (process CPU)",
        "batched vs one-at-a-time decoding, 2 requests × 2 decoders × 2 rows",
        "process total (`getProcessCpuTime`)", "Decoders per call"}) {
      assertTrue(doc.contains(field), "missing '" + field + "' in " + doc);
    }
    assertTrue(doc.matches("(?s).*\\| ≤ 300 ms \\| (met|\\*\\*not met\\*\\*).*"), doc);
    assertTrue(doc.matches("(?s).*\\| ≥ ×3 \\| (met|\\*\\*not met\\*\\*) \\|.*"), doc);
    Path png = results.getParent().resolve("plots/engine-bench-latency.png");
    assertTrue(Files.size(png) > 1000, png + " is missing or empty");
    assertTrue(doc.contains("(plots/engine-bench-latency.png)"), doc);
  }

  @Test
  void sendsTheTasksOfAFile() throws Exception {
    Path results = dir.resolve("file-bench.md");
    Path tasks = dir.resolve("everyday.jsonl");
    Files.writeString(tasks, String.join("\n",
        "{\"inputs\": [\"Paris (France)\", \"Lima (Peru)\"], \"outputs\": [\"France\", \"Peru\"]}",
        "{\"inputs\": [\"ab 12\", \"cd 3\"], \"outputs\": [\"12\", \"3\"]}",
        "{\"inputs\": [\"x\"], \"outputs\": [\"X\"]}") + "\n");
    Run run = new Run("bench", "engine", "--random-init", "tiny", "--kind", "baseline", "--task-file", tasks.toString(),
        "--tasks", "2", "--warmup", "1", "--beam", "2", "--latent-beams", "1", "--concurrency", "2", "--deadline-ms", "3000",
        "--batch-steps", "4", "--section", "file-bench", "--results", results.toString());
    assertEquals(0, run.exit, run.err.toString());
    String doc = Files.readString(results);
    assertTrue(doc.contains("2 tasks from " + tasks + ","), doc);
    assertTrue(doc.contains("| requests sent / answered (Finished) | 2 / 2 |"), doc);
  }

  @Test
  void rejectsBadArgumentsWithExitCode2() {
    String results = dir.resolve("r.md").toString();
    String[][] cases = {
        {"give exactly one of --checkpoint DIR or --random-init", "--results", results},
        {"give exactly one of", "--random-init", "tiny", "--checkpoint", dir.toString(), "--results", results},
        {"--random-init must be paper or tiny, got 'huge'", "--random-init", "huge", "--results", results},
        {"--kind must be lp, baseline or lstm, got 'rnn'", "--random-init", "tiny", "--kind", "rnn", "--results", results},
        {"is not a directory", "--checkpoint", dir.resolve("nope").toString(), "--results", results},
        {"--tasks must be in 1..100000, got 0", "--random-init", "tiny", "--tasks", "0", "--results", results},
        {"--max-expressions must be in 1..10, got 11", "--random-init", "tiny", "--max-expressions", "11",
            "--results", results},
        {"--section must be lower-case letters", "--random-init", "tiny", "--section", "Bad Name", "--results", results},
        {"--latent-beams must be in 1..min(10, --beam 4), got 5", "--random-init", "tiny", "--beam", "4",
            "--latent-beams", "5", "--results", results},
        {"--concurrency must be in 1..64, got 0", "--random-init", "tiny", "--concurrency", "0", "--results", results},
        {"--beam must be in 1..100, got 0", "--random-init", "tiny", "--beam", "0", "--results", results},
        {"--deadline-ms must be in 0..600000", "--random-init", "tiny", "--deadline-ms", "-1", "--results", results},
        {"--batch-steps must be in 1..1000, got 0", "--random-init", "tiny", "--batch-steps", "0", "--results", results},
        {"--task-file: cannot read", "--random-init", "tiny", "--task-file", dir.resolve("nope.jsonl").toString(),
            "--results", results},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 1];
      args[0] = "bench";
      args[1] = "engine";
      System.arraycopy(c, 1, args, 2, c.length - 1);
      Run run = new Run(args);
      assertEquals(2, run.exit, String.join(" ", args) + ": " + run.err);
      assertTrue(run.err.toString().contains(c[0]), "expected '" + c[0] + "' in: " + run.err);
    }
    assertTrue(Files.notExists(dir.resolve("r.md")), "a rejected command must not write results");
  }
}
