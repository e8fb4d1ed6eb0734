package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.dsl.TaskJsonl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

  @TempDir Path dir;

  /** Runs {@code lp args...} with captured streams. */
  private record Run(int exit, String out, String err) {}

  private static Run lp(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void hiddenExamplesComeFromTheSameProgramAndMatchWhatEvalSamples() throws Exception {
    Path file = dir.resolve("hidden.jsonl");
    Run run = lp("generate", "--count", "50", "--seed", "777", "--hidden", "4", "--out", file.toString());
    assertEquals(0, run.exit(), run.err());
    List<Task> tasks = TaskJsonl.read(file);
    List<Task> evalTasks = new TaskSampler(SamplerConfig.paper()).streamWithHidden(777, 0, 50, 4).toList();
    assertEquals(evalTasks, tasks, "lp generate --hidden and lp eval --sample --hidden draw the same tasks");
    for (Task t : tasks) {
      assertEquals(4, t.inputs().size());
      assertEquals(4, t.hiddenInputs().size());
      assertTrue(t.programIsConsistent() && t.generalises(t.program()), t.toString());
    }
    Run bad = lp("generate", "--count", "5", "--hidden", "-2", "--out", dir.resolve("x.jsonl").toString());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--hidden must be in 0..60"), bad.err());
  }

  @Test
  void writesTasksThatReExecuteInIndexOrder() throws Exception {
    Path file = dir.resolve("sub/tasks.jsonl");
    Run run = lp("generate", "--count", "300", "--seed", "5", "--out", file.toString(), "--threads", "2");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().matches("(?s)300 tasks in [0-9.]+ s \\([0-9]+ tasks/s\\).*"), run.out());
    assertTrue(run.err().contains("300/300"), "progress bar missing: " + run.err());

    List<Task> tasks = TaskJsonl.read(file);
    assertEquals(300, tasks.size());
    TaskSampler sampler = new TaskSampler(SamplerConfig.paper());
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      assertTrue(t.programIsConsistent(), "task " + i + " does not re-execute: " + t);
      assertEquals(sampler.sample(5, i), t, "task " + i + " is not index " + i + " of seed 5");
    }
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(lines.get(i).startsWith("{\"index\": " + i + ","), lines.get(i));
    }
    try (Stream<Path> left = Files.list(file.getParent())) {
      assertEquals(List.of(file), left.toList(), "temp files left behind");
    }
  }

  @Test
  void threadCountDoesNotChangeTheFileAndLimitsApply() throws Exception {
    Path one = dir.resolve("one.jsonl");
    Path two = dir.resolve("two.jsonl");
    String[] common = {"--count", "600", "--seed", "9", "--max-expressions", "3", "--max-input-length", "30"};
    assertEquals(0, lp(concat(new String[] {"generate", "--out", one.toString(), "--threads", "1"}, common)).exit());
    assertEquals(0, lp(concat(new String[] {"generate", "--out", two.toString(), "--threads", "2"}, common)).exit());
    assertEquals(Files.readString(one), Files.readString(two));
    for (Task t : TaskJsonl.read(one)) {
      assertTrue(t.program().expressions().size() <= 3, t.toString());
      t.inputs().forEach(s -> assertTrue(s.length() <= 30, s));
      assertTrue(t.programIsConsistent(), t.toString());
    }
  }

  @Test
  void badArgumentsGiveAMessageAndExitCode2WithoutAStackTrace() throws Exception {
    Path file = dir.resolve("x.jsonl");
    assertBad(lp("generate", "--count", "0", "--out", file.toString()), "--count must be >= 1");
    assertBad(lp("generate", "--count", "-5", "--out", file.toString()), "--count must be >= 1");
    assertBad(lp("generate", "--count", "10", "--out", file.toString(), "--threads", "0"), "--threads must be >= 1");
    assertBad(lp("generate", "--count", "ten", "--out", file.toString()), "--count");
    assertBad(lp("generate", "--out", file.toString()), "--count");
    assertBad(lp("generate", "--count", "10", "--out", file.toString(), "--max-expressions", "0"), "--max-expressions");
    assertBad(lp("generate", "--count", "10", "--out", file.toString(), "--max-input-length", "500"), "--max-input-length");
    assertBad(lp("generate", "--count", "10", "--out", dir.toString()), "is a directory");
    assertBad(lp("generate", "--count", "3", "--start", String.valueOf(Long.MAX_VALUE - 1), "--out", file.toString()),
        "--start + --count must stay below 2^63");

    Path blocker = Files.writeString(dir.resolve("a-file"), "x");
    assertBad(lp("generate", "--count", "10", "--out", blocker.resolve("tasks.jsonl").toString()), "not writable");
    assertFalse(Files.exists(file), "a rejected run must not create the output");
  }

  private static void assertBad(Run run, String message) {
    assertEquals(2, run.exit(), "exit code; stderr: " + run.err());
    assertTrue(run.err().contains(message), "stderr lacks '" + message + "': " + run.err());
    assertFalse(run.err().contains("\tat "), "stack trace printed: " + run.err());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] r = new String[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
