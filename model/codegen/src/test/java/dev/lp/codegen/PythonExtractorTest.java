package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The extraction script on the fixture package (src/test/resources/codegen/fixture-src); skipped
 * without python3 (3.9+), or without the interpreter {@code -Dlp.test.python} names.
 */
class PythonExtractorTest {

  static final String PYTHON = System.getProperty("lp.test.python", "python3");

  static Path fixture() throws Exception {
    return Path.of(PythonExtractorTest.class.getResource("/codegen/fixture-src").toURI());
  }

  private static final Map<String, ExtractionLine.Function> byName = new LinkedHashMap<>();
  private static final List<ExtractionLine.FileError> errors = new ArrayList<>();
  private static List<SourceFile> files;

  private static boolean extracted;

  @BeforeAll
  static void extract() throws Exception {
    files = SourceFile.list(List.of(fixture()), false);
    if (!PythonExtractor.available(PYTHON)) {
      return; // the tests that read the extraction are skipped (needsPython)
    }
    extracted = true;
    new PythonExtractor(PYTHON).extract(files.stream().map(SourceFile::path).toList(), line -> {
      if (line instanceof ExtractionLine.Function f) {
        byName.put(Path.of(f.file()).getFileName() + ":" + f.name(), f);
      } else {
        errors.add((ExtractionLine.FileError) line);
      }
    });
  }

  private static void needsPython() {
    assumeTrue(extracted, PYTHON + " (3.9+) is not installed");
  }

  @Test
  void listsSourceFilesWithoutTests() {
    List<String> rel = files.stream().map(SourceFile::relative).toList();
    assertEquals(List.of("otherpkg/__init__.py", "otherpkg/text.py", "top_module.py", "toypkg/__init__.py",
        "toypkg/broken.py", "toypkg/copies.py", "toypkg/lists.py", "toypkg/numbers.py", "toypkg/paths.py",
        "toypkg/words.py"), rel);
    assertTrue(SourceFile.isTest("pkg/tests/test_x.py") && SourceFile.isTest("a/test_b.py")
        && SourceFile.isTest("a/b_test.py") && !SourceFile.isTest("a/testing_utils.py"));
    assertEquals("top_module.py", files.get(2).relative());
    assertEquals("fixture-src", files.get(2).topLevelPackage());
    assertEquals("toypkg", files.get(3).topLevelPackage());
  }

  @Test
  void docstringSummaryIsTheFirstParagraphWithSpacesCollapsed() {
    needsPython();
    assertEquals("Return a list of the words in the string s.", byName.get("words.py:split").doc());
    assertEquals("Count the words in a text.", byName.get("words.py:count_words").doc());
    assertEquals("Shout the greeting.", byName.get("words.py:Greeter.shout").doc());
  }

  @Test
  void codeHasNoDocstringDecoratorOrComment() {
    needsPython();
    assertEquals("def split(s, sep=None, maxsplit=-1):\n    return s.split(sep, maxsplit)",
        byName.get("words.py:split").code());
    assertEquals("def count_words(text):\n    words = text.split()\n    total = len(words)\n    return total",
        byName.get("words.py:count_words").code());
    assertEquals(19, byName.get("words.py:count_words").line(), "the line of def, not of the decorator");
    String shout = byName.get("words.py:Greeter.shout").code();
    assertFalse(shout.contains("\"\"\"") || shout.contains("upper case"), "nested docstrings are removed: " + shout);
    assertTrue(shout.contains("def upper(text):"), shout);
  }

  @Test
  void methodsAndNestedFunctionsAreExtractedStubsAndUndocumentedAreNot() {
    needsPython();
    assertTrue(byName.containsKey("words.py:Greeter.greet"));
    assertTrue(byName.containsKey("words.py:Greeter.shout.<locals>.upper"));
    assertTrue(byName.containsKey("words.py:counter.<locals>.step"));
    assertFalse(byName.containsKey("words.py:no_docstring"));
    assertFalse(byName.containsKey("words.py:stub"), "a docstring over pass is a stub");
    assertFalse(byName.containsKey("words.py:not_implemented"), "a docstring over raise NotImplementedError is a stub");
    assertFalse(byName.keySet().stream().anyMatch(k -> k.startsWith("test_words.py")), "tests are left out");
  }

  @Test
  void argumentsAndLocalsAreRenamedInOrder() {
    needsPython();
    assertEquals("def split(ARG_0, ARG_1=None, ARG_2=-1):\n    return ARG_0.split(ARG_1, ARG_2)",
        byName.get("words.py:split").renamed());
    String firstLine = byName.get("words.py:first_line").renamed();
    // positional, *args, keyword-only, **kwargs; with-as, assignment, except-as, for targets, walrus
    assertTrue(firstLine.startsWith("def first_line(ARG_0, ARG_1='utf-8', *ARG_2, ARG_3=True, **ARG_4):"), firstLine);
    for (String s : List.of("with open(ARG_0, encoding=ARG_1) as VAR_0:", "VAR_1 = VAR_0.readline()",
        "VAR_2 = int(VAR_1)", "except ValueError as VAR_3:", "for VAR_4, VAR_5 in enumerate(VAR_1):",
        "if (VAR_6 := VAR_5) == '#':", "return (VAR_1, VAR_2)")) {
      assertTrue(firstLine.contains(s), s + " in " + firstLine);
    }
    assertTrue(firstLine.contains("encoding="), "keyword names in calls stay: " + firstLine);
    // a global is not a local variable; a closure's nonlocal follows the outer variable
    assertEquals("def bump():\n    global COUNTER\n    VAR_0 = COUNTER\n    COUNTER = VAR_0 + 1\n    return COUNTER",
        byName.get("words.py:bump").renamed());
    String counter = byName.get("words.py:counter").renamed();
    assertTrue(counter.contains("nonlocal VAR_0") && counter.contains("VAR_0 += 1"), counter);
    assertEquals("def greet(ARG_0, ARG_1='Hello'):\n    VAR_0 = ARG_1 + ', ' + ARG_0.name\n    return VAR_0",
        byName.get("words.py:Greeter.greet").renamed(), "attributes keep their names");
  }

  @Test
  void aFileThatDoesNotParseIsReported() {
    needsPython();
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).file().endsWith("toypkg/broken.py"));
    assertTrue(errors.get(0).message().startsWith("SyntaxError"), errors.get(0).message());
  }

  @Test
  void aMissingInterpreterIsAClearError() {
    assertFalse(PythonExtractor.available("/nonexistent/python3"));
    PythonExtractor.PythonMissingException e = assertThrows(PythonExtractor.PythonMissingException.class,
        () -> new PythonExtractor("/nonexistent/python3").extract(List.of(), line -> { }));
    assertTrue(e.getMessage().startsWith("cannot run /nonexistent/python3"), e.getMessage());
  }
}
