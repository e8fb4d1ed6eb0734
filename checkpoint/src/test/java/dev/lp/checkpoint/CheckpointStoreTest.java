package dev.lp.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
  void optimizerStateIsTiedToTheManifest() throws IOException {
    CheckpointStore store = new CheckpointStore(root);
    CheckpointStore.Checkpoint c = store.write(draft(5), f -> Files.writeString(f, "weights"),
        f -> Files.writeString(f, "adam-moments"));
    assertEquals(12, c.manifest().optimizerBytes());
    assertEquals(CheckpointStore.sha256(c.optimizerState().orElseThrow()), c.manifest().optimizerSha256());
    Path opt = CheckpointStore.open(c.dir()).verifiedOptimizerState().orElseThrow();

    Files.writeString(opt, "adam-moments-of-another-run");
    CheckpointException replaced = assertThrows(CheckpointException.class,
        () -> CheckpointStore.open(c.dir()).verifiedOptimizerState());
    assertTrue(replaced.getMessage().contains("optimizer state") && replaced.getMessage().contains("truncated or replaced"),
        replaced.getMessage());
    Files.writeString(opt, "adam-moments".replace('a', 'b'));
    CheckpointException corrupted = assertThrows(CheckpointException.class,
        () -> CheckpointStore.open(c.dir()).verifiedOptimizerState());
    assertTrue(corrupted.getMessage().contains("corrupted"), corrupted.getMessage());
    Files.delete(opt);
    CheckpointException missing = assertThrows(CheckpointException.class,
        () -> CheckpointStore.open(c.dir()).verifiedOptimizerState());
    assertTrue(missing.getMessage().contains("no optimizer state file"), missing.getMessage());
  }

  @Test
  void manifestWithoutOptimizerChecksumsLoadsAsBefore() throws IOException {
    CheckpointStore.Checkpoint c = new CheckpointStore(root).write(draft(5), f -> Files.writeString(f, "weights"),
        f -> Files.writeString(f, "adam"));
    Path manifest = c.dir().resolve(CheckpointStore.MANIFEST);
    JsonObject json = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    json.remove("optimizerBytes");
    json.remove("optimizerSha256");
    json.remove("training");
    Files.writeString(manifest, json.toString());
    Files.writeString(c.optimizerState().orElseThrow(), "other adam state");
    CheckpointStore.Checkpoint old = CheckpointStore.open(c.dir());
    assertEquals(0, old.manifest().optimizerBytes());
    assertNull(old.manifest().training());
    assertEquals(c.optimizerState(), old.verifiedOptimizerState(), "nothing recorded, nothing to check");
  }

  @Test
  void optimizerFileMustStayInTheCheckpointDirectory() throws IOException {
    CheckpointStore.Checkpoint c = new CheckpointStore(root).write(draft(5), f -> Files.writeString(f, "weights"),
        f -> Files.writeString(f, "adam"));
    Path manifest = c.dir().resolve(CheckpointStore.MANIFEST);
    String good = Files.readString(manifest);
    for (String bad : new String[] {"../step-000000001/optimizer.bin", "sub/optimizer.bin", ".."}) {
      JsonObject json = JsonParser.parseString(good).getAsJsonObject();
      json.addProperty("optimizerFile", bad);
      Files.writeString(manifest, json.toString());
      CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.open(c.dir()), bad);
      assertTrue(e.getMessage().contains("'optimizerFile'"), e.getMessage());
    }
  }

  @Test
  void writerThatWritesNothingFailsCleanly() {
    CheckpointStore store = new CheckpointStore(root);
    CheckpointException e = assertThrows(CheckpointException.class, () -> store.write(draft(1), f -> { }, null));
    assertTrue(e.getMessage().contains("no file"), e.getMessage());
  }
}
