package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.codegen.Bpe;
import dev.lp.codegen.CodePair;
import dev.lp.codegen.PythonExtractor;
import dev.lp.codegen.Split;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lp codegen-data} on the fixture package (model/codegen/src/test/resources/codegen/fixture-src),
 * and the committed fixture corpus (fixture-corpus, made by the command below) is what it makes.
 */
class CodegenDataCommandTest {

  /** The command that made fixture-corpus, from the repository root. */
  static final List<String> FIXTURE_ARGS = List.of("--valid-percent", "20", "--test-percent", "20", "--vocab-size", "400");

  /** The interpreter the tests run ({@code -Dlp.test.python}); without it they are skipped. */
  static final String PYTHON = System.getProperty("lp.test.python", "python3");

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  /** Runs {@code lp args...} through Main.run (its error handler included) with captured streams. */
  private static synchronized Run lp(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = Main.run(args);
      return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  static Path fixtureDir() {
    return Path.of(System.getProperty("lp.codegen.fixture.dir", "../model/codegen/src/test/resources/codegen"));
  }

  private Run buildFixture(Path out) {
    List<String> args = new java.util.ArrayList<>(List.of("codegen-data", "--source",
        fixtureDir().resolve("fixture-src").toString(), "--out", out.toString(), "--python", PYTHON));
    args.addAll(FIXTURE_ARGS);
    return lp(args.toArray(String[]::new));
  }

  @Test
  void buildsSplitsByFileWithoutLeaksAndAManifest() throws Exception {
    assumeTrue(PythonExtractor.available(PYTHON), PYTHON + " (3.9+) is not installed");
    Path out = dir.resolve("corpus");
    Run run = buildFixture(out);
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("26 pairs (train 21, valid 2, test 3) from 10 files of 3 packages"), run.out());
    assertTrue(run.out().contains("dropped: 1 duplicates, 1 longer than 150 tokens, 1 docstrings without words;"
        + " 1 files did not parse"), run.out());

    Map<Split, List<CodePair>> splits = new java.util.EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      splits.put(s, CodePair.read(out.resolve(s.fileName())));
    }
    // no file has functions in two splits, and every file is where its hash puts it
    for (Split s : Split.values()) {
      for (CodePair p : splits.get(s)) {
        assertEquals(Split.of(p.file(), 20, 20), s, p.file());
      }
    }
    Set<String> trainFiles = splits.get(Split.TRAIN).stream().map(CodePair::file).collect(Collectors.toSet());
    for (Split s : List.of(Split.VALID, Split.TEST)) {
      assertTrue(splits.get(s).stream().noneMatch(p -> trainFiles.contains(p.file())), s + " shares a file with train");
    }
    // no program twice, in a split or across splits
    Set<String> codes = new HashSet<>();
    splits.values().forEach(ps -> ps.forEach(p -> assertTrue(codes.add(p.code().replaceAll("\\s+", " ")), p.code())));
    assertEquals(List.of("mean", "clamp", "is_even"), splits.get(Split.TEST).stream().map(CodePair::name).toList(),
        "numbers.py is the test file; its long_function is over 150 tokens");
    assertFalse(splits.get(Split.TRAIN).stream().anyMatch(p -> p.name().equals("test_split")), "tests are left out");

    Bpe bpe = Bpe.load(out.resolve("vocab.json"));
    assertEquals(400, bpe.size());
    int withUnk = 0;
    for (CodePair p : splits.get(Split.TRAIN)) {
      assertEquals(bpe.count(p.code()), p.tokens(), p.name());
      int[] ids = bpe.encode(p.code());
      if (java.util.Arrays.stream(ids).anyMatch(id -> id == Bpe.UNK)) {
        withUnk++; // a character seen under 3 times in the training split ('#', 'H'): <unk>
      } else {
        assertEquals(p.code(), bpe.decode(ids), p.name());
      }
    }
    assertTrue(withUnk <= 4, withUnk + " of 21 programs have a character outside the vocabulary");

    JsonObject m = JsonParser.parseString(Files.readString(out.resolve("manifest.json"))).getAsJsonObject();
    assertEquals(26, m.getAsJsonObject("pairs").get("total").getAsInt());
    assertEquals(29, m.getAsJsonObject("counts").get("functions_with_docstring").getAsInt());
    var packages = m.getAsJsonArray("packages");
    assertEquals(3, packages.size());
    JsonObject toy = packages.get(2).getAsJsonObject();
    assertEquals("toypkg", toy.get("name").getAsString());
    assertEquals("MIT License (a fixture written for lp's tests)", toy.get("licence").getAsString());
    assertEquals(7, toy.get("files").getAsInt());
    assertEquals(List.of("toypkg/broken.py"), m.getAsJsonArray("files_not_parsed").asList().stream()
        .map(e -> e.getAsString().substring(0, e.getAsString().indexOf(':'))).toList());
  }

  /** fixture-corpus is this command's output: regenerate it with the arguments above when the extraction changes. */
  @Test
  void theCommittedFixtureCorpusIsWhatTheCommandMakes() throws Exception {
    assumeTrue(PythonExtractor.available(PYTHON), PYTHON + " (3.9+) is not installed");
    Path out = dir.resolve("again");
    assertEquals(0, buildFixture(out).exit());
    Path committed = fixtureDir().resolve("fixture-corpus");
    for (String f : List.of("train.jsonl", "valid.jsonl", "test.jsonl", "vocab.json")) {
      assertEquals(Files.readString(committed.resolve(f)), Files.readString(out.resolve(f)), f);
    }
  }

  @Test
  void badArgumentsGetOneLineAndExit2() throws Exception {
    Path file = Files.writeString(dir.resolve("file.txt"), "x");
    Path full = Files.createDirectories(dir.resolve("full"));
    Files.writeString(full.resolve("keep.txt"), "mine");
    Path src = fixtureDir().resolve("fixture-src");
    Map<List<String>, String> cases = Map.of(
        List.of("--out", dir.resolve("a").toString(), "--max-tokens", "0"), "--max-tokens must be >= 1",
        List.of("--out", dir.resolve("a").toString(), "--vocab-size", "3"), "--vocab-size must be >= 16",
        List.of("--out", dir.resolve("a").toString(), "--test-percent", "60", "--valid-percent", "40"), "leave some files",
        List.of("--out", file.toString()), "is a file; give a folder",
        List.of("--out", full.toString()), "other files in it",
        List.of("--out", dir.resolve("a").toString(), "--source", dir.resolve("nope").toString()), "does not exist",
        List.of("--out", dir.resolve("a").toString(), "--source", src.toString(), "--python", "/nonexistent/python3"),
        "cannot run /nonexistent/python3");
    for (var c : cases.entrySet()) {
      List<String> args = new java.util.ArrayList<>(List.of("codegen-data"));
      args.addAll(c.getKey());
      Run run = lp(args.toArray(String[]::new));
      assertEquals(2, run.exit(), c.getKey() + ": " + run.err());
      assertTrue(run.err().contains(c.getValue()), c.getKey() + ": " + run.err());
      assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }
    assertEquals("mine", Files.readString(full.resolve("keep.txt")));
  }
}
