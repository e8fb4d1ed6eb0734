package dev.lp.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir Path root;

  private static Manifest draft(long step) {
    JsonObject config = new JsonObject();
    config.addProperty("kind", "lp");
    return new Manifest(Manifest.FORMAT, "lp", config, step, step * 32, 7, 11, new JsonObject(),
        Map.of("loss", 1.5), null, 0, null, null, null);
  }

  private CheckpointStore.Checkpoint writeOne(CheckpointStore store, long step, String weights) {
    return store.write(draft(step), f -> Files.writeString(f, weights, StandardCharsets.UTF_8), null);
  }

  @Test
  void writesVerifiableCheckpointAndPointsLatestAtIt() {
    CheckpointStore store = new CheckpointStore(root);
    assertTrue(store.latest().isEmpty());
    writeOne(store, 10, "weights-10");
    CheckpointStore.Checkpoint second = writeOne(store, 20, "weights-20");
    CheckpointStore.Checkpoint latest = store.latest().orElseThrow();
    assertEquals(second.dir(), latest.dir());
    assertEquals(20, latest.manifest().step());
    assertEquals(640, latest.manifest().tasksSeen());
    assertEquals(10, latest.manifest().weightsBytes());
    assertEquals("step-000000020@20", latest.version());
    assertTrue(latest.optimizerState().isEmpty());
    try {
      assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(latest.dir())));
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(latest.weights())));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    try (var left = Files.list(root)) {
      assertFalse(left.anyMatch(p -> p.getFileName().toString().contains(".tmp")), "no temp files left");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void refusesTruncatedWeights() throws IOException {
    CheckpointStore.Checkpoint c = writeOne(new CheckpointStore(root), 5, "0123456789");
    try (RandomAccessFile f = new RandomAccessFile(c.weights().toFile(), "rw")) {
      f.setLength(4);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(c.dir()));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void refusesCorruptedWeights() throws IOException {
    CheckpointStore.Checkpoint c = writeOne(new CheckpointStore(root), 5, "0123456789");
    Files.writeString(c.weights(), "0123456780", StandardCharsets.UTF_8);
    CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(c.dir()));
    assertTrue(e.getMessage().contains("corrupted"), e.getMessage());
  }

  @Test
  void refusesMissingOrBrokenManifest() throws IOException {
    CheckpointException missing = assertThrows(CheckpointException.class, () -> CheckpointStore.open(root));
    assertTrue(missing.getMessage().contains("not a checkpoint"), missing.getMessage());
    CheckpointStore.Checkpoint c = writeOne(new CheckpointStore(root), 5, "0123456789");
    Files.writeString(c.dir().resolve(CheckpointStore.MANIFEST), "{\"format\": 1", StandardCharsets.UTF_8);
    CheckpointException broken = assertThrows(CheckpointException.class, () -> CheckpointStore.open(c.dir()));
    assertTrue(broken.getMessage().contains("not valid JSON"), broken.getMessage());
    Files.writeString(c.dir().resolve(CheckpointStore.MANIFEST), "{\"format\": 9}", StandardCharsets.UTF_8);
    CheckpointException future = assertThrows(CheckpointException.class, () -> CheckpointStore.open(c.dir()));
    assertTrue(future.getMessage().contains("format 9"), future.getMessage());
  }

  @Test
  void writerThatWritesNothingFailsCleanly() {
    CheckpointStore store = new CheckpointStore(root);
    CheckpointException e = assertThrows(CheckpointException.class, () -> store.write(draft(1), f -> { }, null));
    assertTrue(e.getMessage().contains("no file"), e.getMessage());
  }
}
