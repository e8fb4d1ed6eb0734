package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void withoutATerminalItWritesWholeLines() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), "tasks", 4, false);
    bar.update(1); // within the first ten seconds: nothing
    bar.finish(4);
    String text = out.toString();
    assertFalse(text.contains("\r"), text);
    assertEquals(1, text.lines().count(), text);
    assertTrue(text.startsWith("[##############################] 100% 4/4 tasks"), text);
    assertTrue(text.endsWith(System.lineSeparator()), text);
  }

  @Test
  void onATerminalItRedrawsOneLine() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), "tasks", 2, true);
    bar.finish(1);
    String text = out.toString();
    assertTrue(text.startsWith("\r[###############...............]  50% 1/2 tasks"), text);
  }
}
