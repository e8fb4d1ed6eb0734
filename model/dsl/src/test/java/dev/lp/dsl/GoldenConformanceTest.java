package dev.lp.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every task of the six golden RobustFill test sets (produced by the reference implementation) must
 * decode, re-execute to its recorded outputs, re-encode to the same ids, round-trip through the text
 * form and re-serialize to the identical JSONL line.
 */
class GoldenConformanceTest {
  static Path goldenDir() {
    String dir = System.getProperty("lp.golden.dir");
    Path p = dir == null || dir.isBlank() ? Path.of("src/test/resources/golden") : Path.of(dir);
    assertTrue(Files.isDirectory(p), "golden dir missing: " + p.toAbsolutePath());
    return p;
  }

  static List<Path> goldenFiles() throws IOException {
    try (Stream<Path> files = Files.list(goldenDir())) {
      return files.filter(f -> f.toString().endsWith(".jsonl")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void everyGoldenTaskConforms() throws IOException {
    List<Path> files = goldenFiles();
    assertEquals(6, files.size(), "expected the six golden splits, found " + files);
    int total = 0;
    int passedTotal = 0;
    List<String> failures = new ArrayList<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      int passed = 0;
      for (int n = 0; n < lines.size(); n++) {
        String where = file.getFileName() + ":" + (n + 1);
        String failure = check(lines.get(n), where, n);
        if (failure == null) {
          passed++;
        } else if (failures.size() < 20) {
          failures.add(failure);
        }
      }
      total += lines.size();
      passedTotal += passed;
      System.out.printf("golden %s: %d/%d%n", file.getFileName(), passed, lines.size());
    }
    System.out.printf("golden: %d/%d%n", passedTotal, total);
    assertEquals(6000, total, "golden task count");
    assertTrue(failures.isEmpty(), () -> "golden failures:\n" + String.join("\n", failures));
    assertEquals(6000, passedTotal);
  }

  /** Null if the line conforms, else a description of the first mismatch. */
  private static String check(String line, String where, int lineIndex) {
    try {
      Task task = TaskJsonl.parseLine(line, where);
      Program p = task.program();
      if (p == null) {
        return where + ": no program";
      }
      for (int k = 0; k < task.size(); k++) {
        String got = p.apply(task.inputs().get(k));
        if (!got.equals(task.outputs().get(k))) {
          return where + ": " + ProgramText.print(p) + " on \"" + task.inputs().get(k) + "\" gave \"" + got
              + "\", expected \"" + task.outputs().get(k) + "\"";
        }
      }
      String golden = com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("program").getAsString();
      if (!Tokens.toGolden(p).equals(golden)) {
        return where + ": re-encoded to " + Tokens.toGolden(p) + ", file has " + golden;
      }
      if (!Tokens.decode(Tokens.encode(p)).equals(p)) {
        return where + ": decode(encode(p)) differs";
      }
      String text = ProgramText.print(p);
      if (!ProgramText.parse(text).equals(p)) {
        return where + ": text round trip failed for " + text;
      }
      long index = com.google.gson.JsonParser.parseString(line).getAsJsonObject().get("index").getAsLong();
      String rewritten = TaskJsonl.format(index, task);
      if (!rewritten.equals(line)) {
        return where + ": rewritten line differs:\n  " + rewritten + "\n  " + line;
      }
      return null;
    } catch (RuntimeException e) {
      return where + ": " + e;
    }
  }

  @Test
  void streamReadsTheSameTasksAsRead() throws IOException {
    Path file = goldenFiles().get(0);
    List<Task> all = TaskJsonl.read(file);
    try (Stream<Task> s = TaskJsonl.stream(file)) {
      assertEquals(all, s.collect(Collectors.toList()));
    }
    assertEquals(1000, all.size());
  }
}
