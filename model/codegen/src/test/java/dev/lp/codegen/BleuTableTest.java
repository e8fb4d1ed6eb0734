package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BleuTableTest {

  /**
   * Two pairs at B = 1: "return a + b" for "return a - b" scores 0.5 (BleuTest's hand count) and an
   * exact program 1, so the mean is 75.0; at B = 10 the second beam of pair 1 is exact: 100.0.
   * Whitespace is not scored ("return  a-b" is the same tokens).
   */
  @Test
  void averagesTheBestBeamPerBeamSize() {
    BleuTable t = new BleuTable();
    t.add(1, "return a - b", List.of("return a + b"));
    t.add(1, "x = 1", List.of("x = 1"));
    t.add(10, "return a - b", List.of("return a + b", "return  a-b"));
    assertEquals(75.0, t.mean(1), 1e-9);
    assertEquals(100.0, t.mean(10), 1e-9);
    assertEquals(2, t.pairs(1));
    assertEquals(0, t.pairs(100));
    assertThrows(IllegalArgumentException.class, () -> t.mean(100));
    assertThrows(IllegalArgumentException.class, () -> t.add(0, "x", List.of()));

    Map<String, BleuTable> rows = new LinkedHashMap<>();
    rows.put("baseline", t);
    String md = BleuTable.markdown(rows);
    assertTrue(md.contains("| RobustFill [Transformer] | 75.0 | 100.0 | - | 12.1 | 15.5 | 17.2 |"), md);
    rows.put("ae", t);
    assertThrows(IllegalArgumentException.class, () -> BleuTable.markdown(rows));
  }
}
