package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CorpusBuilderTest {

  private static SourceFile file(String rel) {
    return new SourceFile(Path.of("/src"), Path.of("/src", rel), rel);
  }

  private static ExtractionLine.Function fn(String file, String doc, String code) {
    return new ExtractionLine.Function(file, "f", 1, doc, code, code.replace("x", "ARG_0"));
  }

  @Test
  void dropsWordlessDocstringsDuplicatesAndLongPrograms() {
    CorpusBuilder b = new CorpusBuilder(0, 0);
    b.add("p", file("a.py"), fn("a.py", "Return x.", "def f(x):\n    return x"));
    b.add("p", file("b.py"), fn("b.py", "Give x back.", "def f(x):\n        return   x")); // same code, other spacing
    b.add("p", file("b.py"), fn("b.py", ">>> ...", "def g(x):\n    return -x"));
    b.add("q", file("c.py"), fn("c.py", "Double x.", "def h(x):\n    return x + x + x + x"));
    CorpusBuilder.Corpus c = b.finish(code -> code.split("\\s+").length, 6);
    assertEquals(4, c.functions());
    assertEquals(1, c.noWords());
    assertEquals(1, c.duplicates());
    assertEquals(1, c.tooLong());
    assertEquals(1, c.size());
    CodePair kept = c.splits().get(Split.TRAIN).get(0);
    assertEquals("Return x.", kept.doc(), "the first copy is kept");
    assertEquals("a.py", kept.file());
    assertEquals(4, kept.tokens());
    assertEquals("def f(ARG_0):\n    return ARG_0", kept.renamed());
    assertEquals(Map.of("p", Map.of(Split.TRAIN, 1)), c.perPackage());
  }

  @Test
  void everyFunctionOfAFileIsInItsFilesSplit() {
    CorpusBuilder b = new CorpusBuilder(30, 30);
    List<String> files = List.of("m/a.py", "m/b.py", "m/c.py", "m/d.py", "m/e.py", "m/f.py", "m/g.py", "m/h.py");
    for (String f : files) {
      for (int i = 0; i < 3; i++) {
        b.add("m", file(f), fn(f, "Function " + i + ".", "def f" + i + "_" + f.charAt(2) + "(x):\n    return x"));
      }
    }
    CorpusBuilder.Corpus c = b.finish(code -> 1, 150);
    assertEquals(24, c.size());
    for (Split s : Split.values()) {
      for (CodePair p : c.splits().get(s)) {
        assertEquals(Split.of(p.file(), 30, 30), s, p.file());
      }
    }
    for (Split s : Split.values()) {
      for (Split other : Split.values()) {
        if (s != other) {
          assertTrue(c.splits().get(s).stream().noneMatch(p -> c.splits().get(other).stream()
              .anyMatch(q -> q.file().equals(p.file()))), "a file in two splits");
        }
      }
    }
  }
}
