package dev.lp.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv after an interruption: the rows past the checkpoint go, so a resume logs them once. */
class MetricsLogTest {

  @TempDir Path dir;

  @Test
  void dropsRowsAfterTheCheckpointAndRowsCutShort() throws Exception {
    Path csv = dir.resolve("metrics.csv");
    try (MetricsLog log = new MetricsLog(csv, List.of("loss"))) {
      for (long step = 5; step <= 20; step += 5) {
        log.log(step, step * 8, Map.of("loss", 1.0 / step));
      }
    }
    Files.writeString(csv, Files.readString(csv) + "25,200", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);

    assertEquals(3, MetricsLog.dropRowsAfter(csv, 10));
    List<String> lines = Files.readAllLines(csv);
    assertEquals(List.of("step,tasks_seen,loss", "5,40,0.200000", "10,80,0.100000"), lines);
    try (var left = Files.list(dir)) {
      assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }
    // the resumed run appends to the trimmed file: every step once, in order
    try (MetricsLog log = new MetricsLog(csv, List.of("loss"))) {
      log.log(15, 120, Map.of("loss", 0.5));
    }
    assertEquals("15,120,0.500000", Files.readAllLines(csv).get(3));
    assertEquals(0, MetricsLog.dropRowsAfter(csv, 15), "nothing after the checkpoint: the file is left alone");
    assertEquals(0, MetricsLog.dropRowsAfter(dir.resolve("none.csv"), 15));
  }
}
