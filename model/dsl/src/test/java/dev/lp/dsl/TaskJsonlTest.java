package dev.lp.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskJsonlTest {
  @TempDir
  Path tmp;

  private static final Task TASK = new Task(List.of("a\"b", "x y"), List.of("A\"B", "X Y"),
      Program.of(new ToCase(Case.ALL_CAPS)));

  @Test
  void writesTheGoldenLineFormat() throws IOException {
    StringWriter out = new StringWriter();
    TaskJsonl.write(out, 7, TASK);
    assertEquals("{\"index\": 7, \"inputs\": [\"a\\\"b\", \"x y\"], \"outputs\": [\"A\\\"B\", \"X Y\"], \"program\": \"8 111\"}\n",
        out.toString());
    Task noProgram = new Task(List.of("\u00e9\\"), List.of("\n"), null);
    assertEquals("{\"index\": 0, \"inputs\": [\"\\u00e9\\\\\"], \"outputs\": [\"\\n\"]}", TaskJsonl.format(0, noProgram));
  }

  @Test
  void writeThenReadRoundTrips() throws IOException {
    Path file = tmp.resolve("t.jsonl");
    Task noProgram = new Task(List.of("\u00e9\\"), List.of("\n"), null);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      TaskJsonl.write(w, 0, TASK);
      TaskJsonl.write(w, 1, noProgram);
    }
    List<Task> back = TaskJsonl.read(file);
    assertEquals(List.of(TASK, noProgram), back);
    assertNull(back.get(1).program());
    assertTrue(back.get(0).programIsConsistent());
  }

  @Test
  void badLinesNameFileAndLine() throws IOException {
    Path file = tmp.resolve("bad.jsonl");
    Files.writeString(file, TaskJsonl.format(0, TASK) + "\n{\"index\": 1, \"inputs\": [\"a\"], \"outputs\": [\"a\"], \"program\": \"7 19\"}\n");
    DslException e = assertThrows(DslException.class, () -> TaskJsonl.read(file));
    assertTrue(e.getMessage().contains("bad.jsonl:2") && e.getMessage().contains("program"), e.getMessage());

    Files.writeString(file, "{\"index\": 0, \"inputs\": [\"a\"]}\n");
    DslException missing = assertThrows(DslException.class, () -> TaskJsonl.read(file));
    assertTrue(missing.getMessage().contains("bad.jsonl:1") && missing.getMessage().contains("outputs"), missing.getMessage());

    Files.writeString(file, "\n{not json\n");
    DslException json = assertThrows(DslException.class, () -> TaskJsonl.read(file));
    assertTrue(json.getMessage().contains("bad.jsonl:2"), json.getMessage());

    Files.writeString(file, "{\"index\": 0, \"inputs\": [\"a\", \"b\"], \"outputs\": [\"a\"]}\n");
    DslException sizes = assertThrows(DslException.class, () -> TaskJsonl.read(file));
    assertTrue(sizes.getMessage().contains("2 inputs but 1 outputs"), sizes.getMessage());
  }

  @Test
  void hiddenExamplesRoundTripAfterTheGoldenFields() {
    Task t = new Task(List.of("a1", "b2", "c3"), List.of("1", "2", "3"), null).hideLast(2);
    assertEquals(List.of("a1"), t.inputs());
    assertEquals(List.of("b2", "c3"), t.hiddenInputs());
    String line = TaskJsonl.format(4, t);
    assertTrue(line.startsWith("{\"index\": 4, \"inputs\": [\"a1\"], \"outputs\": [\"1\"], \"hidden_inputs\""), line);
    assertEquals(t, TaskJsonl.parseLine(line, "x:1"));
    assertEquals(new Task(List.of("a1"), List.of("1"), null),
        TaskJsonl.parseLine("{\"index\": 0, \"inputs\": [\"a1\"], \"outputs\": [\"1\"]}", "x:2"));
    assertThrows(DslException.class, () -> t.hideLast(1), "the last shown example cannot be hidden");
    assertThrows(DslException.class, () -> TaskJsonl.parseLine(
        "{\"inputs\": [\"a\"], \"outputs\": [\"b\"], \"hidden_inputs\": [\"c\"], \"hidden_outputs\": []}", "x:3"));
  }
}
