package dev.lp.app.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempDirsTest {

  @Test
  void onlyDirectoriesOfProcessesThatAreGoneAreRemoved(@TempDir Path parent) throws Exception {
    // A real process that has exited: its pid names a directory nobody owns any more.
    var gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long deadPid = gone.pid();
    Path stale = Files.createDirectories(parent.resolve("lp-model-" + deadPid + "-123").resolve("shipped-lp"));
    Files.writeString(stale.resolve("weights.bin"), "x");
    Path mine = Files.createDirectory(parent.resolve("lp-model-" + ProcessHandle.current().pid() + "-456"));
    Path legacy = Files.createDirectory(parent.resolve("lp-model-8812736452"));
    Path otherPrefix = Files.createDirectory(parent.resolve("lp-checkpoints-" + deadPid + "-789"));

    assertEquals(1, TempDirs.removeStale(parent, "lp-model-"));
    assertFalse(Files.exists(stale.getParent()), "the dead process's directory is removed with its contents");
    assertTrue(Files.isDirectory(mine), "a live process's directory stays");
    assertTrue(Files.isDirectory(legacy), "a name without a pid stays (its owner cannot be told)");
    assertTrue(Files.isDirectory(otherPrefix), "other prefixes are not touched");
  }

  @Test
  void theOwnerPidIsReadFromTheName() {
    assertEquals(Optional.of(4242L), TempDirs.ownerPid("lp-kafka-4242-99881", "lp-kafka-"));
    assertEquals(Optional.empty(), TempDirs.ownerPid("lp-kafka-99881", "lp-kafka-"));
    assertEquals(Optional.empty(), TempDirs.ownerPid("lp-kafka-x1-2", "lp-kafka-"));
    assertEquals(Optional.empty(), TempDirs.ownerPid("other-1-2", "lp-kafka-"));
  }

  @Test
  void createNamesTheDirectoryAfterThisProcess() {
    Path dir = TempDirs.create("lp-tempdirs-test-");
    try {
      assertEquals(Optional.of(ProcessHandle.current().pid()),
          TempDirs.ownerPid(dir.getFileName().toString(), "lp-tempdirs-test-"));
    } finally {
      TempDirs.deleteTree(dir);
    }
  }
}
