package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTest {

  @Test
  void aFileAlwaysLandsInTheSamePart() {
    // the bucket is the first 8 bytes of SHA-256("json/decoder.py") mod 1000, computed once here
    int bucket = Split.bucket("json/decoder.py");
    assertEquals(bucket, Split.bucket("json/decoder.py"));
    Split s = Split.of("json/decoder.py", 5, 5);
    for (int i = 0; i < 3; i++) {
      assertEquals(s, Split.of("json/decoder.py", 5, 5));
    }
    assertEquals(bucket < 50 ? Split.TEST : bucket < 100 ? Split.VALID : Split.TRAIN, s);
  }

  @Test
  void sharesFollowThePercentages() {
    Map<Split, Integer> n = new EnumMap<>(Split.class);
    for (int i = 0; i < 20_000; i++) {
      n.merge(Split.of("pkg/module_" + i + ".py", 5, 10), 1, Integer::sum);
    }
    assertTrue(Math.abs(n.get(Split.VALID) - 1000) < 150, n.toString());
    assertTrue(Math.abs(n.get(Split.TEST) - 2000) < 200, n.toString());
    assertEquals(20_000, n.values().stream().mapToInt(Integer::intValue).sum());
    assertEquals(Split.TRAIN, Split.of("anything.py", 0, 0));
    assertEquals(Split.TEST, Split.of("anything.py", 0, 100));
  }

  @Test
  void badPercentagesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Split.of("a.py", -1, 5));
    assertThrows(IllegalArgumentException.class, () -> Split.of("a.py", 60, 50));
  }

  @Test
  void fileNames() {
    assertEquals("train.jsonl", Split.TRAIN.fileName());
    assertEquals("test", Split.TEST.label());
  }
}
