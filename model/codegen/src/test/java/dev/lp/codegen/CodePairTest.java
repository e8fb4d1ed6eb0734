package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodePairTest {

  @TempDir Path dir;

  @Test
  void roundTripsThroughJsonl() throws Exception {
    CodePair p = new CodePair("python3-x", "x/y.py", "C.f", 12, "Return a <b> & \"c\".",
        "def f(s):\n    return {\"package\": s}", "def f(ARG_0):\n    return {\"package\": ARG_0}", 17);
    assertTrue(p.toJson().startsWith("{\"package\":\"python3-x\",\"file\":\"x/y.py\""), p.toJson());
    assertTrue(p.toJson().contains("<b> &"), "no HTML escaping: " + p.toJson());
    Path f = dir.resolve("train.jsonl");
    CodePair.write(List.of(p, p), f);
    assertEquals(List.of(p, p), CodePair.read(f));
  }

  @Test
  void aBadLineNamesFileAndLine() throws Exception {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, new CodePair("p", "f.py", "f", 1, "d", "c", "r", 1).toJson() + "\n\n{\"package\": \"p\"}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CodePair.read(f));
    assertTrue(e.getMessage().startsWith(f + ":3: a corpus line needs"), e.getMessage());
  }

  @Test
  void extractionLinesParse() {
    ExtractionLine f = ExtractionLine.parse("{\"file\": \"a.py\", \"name\": \"f\", \"line\": 3, \"doc\": \"D.\","
        + " \"code\": \"def f(): return 1\", \"renamed\": \"def f(): return 1\"}");
    assertEquals(new ExtractionLine.Function("a.py", "f", 3, "D.", "def f(): return 1", "def f(): return 1"), f);
    ExtractionLine e = ExtractionLine.parse("{\"file\": \"b.py\", \"error\": \"SyntaxError: bad\"}");
    assertInstanceOf(ExtractionLine.FileError.class, e);
    assertEquals("SyntaxError: bad", ((ExtractionLine.FileError) e).message());
    for (String bad : List.of("[1]", "{\"file\": \"a.py\"}", "{\"file\": 3, \"error\": \"x\"}", "{", "{\"file\": \"a.py\","
        + " \"name\": \"f\", \"line\": \"x\", \"doc\": \"\", \"code\": \"\", \"renamed\": \"\"}")) {
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ExtractionLine.parse(bad), bad);
      assertTrue(ex.getMessage().startsWith("extraction output"), ex.getMessage());
    }
  }
}
