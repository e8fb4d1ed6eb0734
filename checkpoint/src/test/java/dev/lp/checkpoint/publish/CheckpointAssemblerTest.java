package dev.lp.checkpoint.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.protobuf.ByteString;
import dev.lp.protocol.CheckpointChunk;
import dev.lp.checkpoint.CheckpointStore;
import dev.lp.checkpoint.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembler rebuilds exactly what was published and refuses anything inconsistent, by reason. */
class CheckpointAssemblerTest {

  private static final int CHUNK = 1000;

  @TempDir Path tmp;

  private CheckpointStore.Checkpoint checkpoint(String run, long step, int bytes, long seed) {
    byte[] weights = new byte[bytes];
    new Random(seed).nextBytes(weights);
    JsonObject config = new JsonObject();
    config.addProperty("kind", "lp");
    Manifest draft = new Manifest(Manifest.FORMAT, "lp", config, step, 10, 1, 2, new JsonObject(), null,
        null, 0, null, null, null);
    return new CheckpointStore(tmp.resolve(run)).write(draft, f -> Files.write(f, weights), null);
  }

  private CheckpointAssembler assembler() {
    return new CheckpointAssembler(tmp.resolve("assembled"));
  }

  @Test
  void twoRunsCheckpointsOfOneStepInterleavedAreAssembledApart() throws Exception {
    // Same version (step-000000100@100: same directory name and step), different weights.
    var a = checkpoint("run-a", 100, 2_500, 1);
    var b = checkpoint("run-b", 100, 2_500, 2);
    assertEquals(a.version(), b.version());
    var ca = CheckpointPublisher.chunks(a, CHUNK);
    var cb = CheckpointPublisher.chunks(b, CHUNK);
    assertNotEquals(CheckpointAssembler.idOf(ca.get(0)), CheckpointAssembler.idOf(cb.get(0)));
    var asm = assembler();
    List<CheckpointAssembler.Result.Complete> done = new ArrayList<>();
    for (int i = 0; i < ca.size(); i++) {
      for (var chunk : List.of(ca.get(i), cb.get(i))) {
        if (asm.accept(chunk) instanceof CheckpointAssembler.Result.Complete complete) {
          done.add(complete);
        }
      }
    }
    assertEquals(2, done.size(), "both rebuilt, neither refused");
    assertArrayEquals(Files.readAllBytes(a.weights()), Files.readAllBytes(done.get(0).checkpoint().weights()));
    assertArrayEquals(Files.readAllBytes(b.weights()), Files.readAllBytes(done.get(1).checkpoint().weights()));
  }

  @Test
  void outOfOrderAndRepeatedChunksRebuildTheCheckpoint() throws Exception {
    var c = checkpoint("a", 100, 4_500, 1);
    List<CheckpointChunk> chunks = new ArrayList<>(CheckpointPublisher.chunks(c, CHUNK));
    assertEquals(5, chunks.size());
    Collections.shuffle(chunks, new Random(7));
    chunks.add(2, chunks.get(0));
    var asm = assembler();
    CheckpointAssembler.Result last = null;
    for (var chunk : chunks) {
      last = asm.accept(chunk);
      if (chunk != chunks.get(chunks.size() - 1)) {
        assertInstanceOf(CheckpointAssembler.Result.Incomplete.class, last, last.toString());
      }
    }
    var done = assertInstanceOf(CheckpointAssembler.Result.Complete.class, last);
    assertEquals(c.version(), done.version());
    assertEquals(c.version(), done.checkpoint().version(), "same directory name, so the same model version");
    assertArrayEquals(Files.readAllBytes(c.weights()), Files.readAllBytes(done.checkpoint().weights()));
    assertEquals(c.manifest(), CheckpointStore.open(done.checkpoint().dir()).manifest());
    assertTrue(asm.pendingVersions().isEmpty());
    // A second delivery of the whole checkpoint (a worker re-reading the topic) gives the same directory.
    CheckpointAssembler.Result again = null;
    for (var chunk : CheckpointPublisher.chunks(c, CHUNK)) {
      again = asm.accept(chunk);
    }
    assertEquals(done.checkpoint().dir(),
        assertInstanceOf(CheckpointAssembler.Result.Complete.class, again).checkpoint().dir());
  }

  @Test
  void theSameWeightsUnderAnotherManifestAreAnotherCheckpoint() {
    byte[] weights = new byte[2_000];
    new Random(1).nextBytes(weights);
    JsonObject config = new JsonObject();
    config.addProperty("kind", "lp");
    var asm = assembler();
    List<CheckpointStore.Checkpoint> done = new ArrayList<>();
    for (long seen : new long[] {10, 20}) {
      Manifest draft = new Manifest(Manifest.FORMAT, "lp", config, 100, seen, 1, 2, new JsonObject(), null,
          null, 0, null, null, null);
      var c = new CheckpointStore(tmp.resolve("run-" + seen)).write(draft, f -> Files.write(f, weights), null);
      CheckpointAssembler.Result last = null;
      for (var chunk : CheckpointPublisher.chunks(c, CHUNK)) {
        last = asm.accept(chunk);
      }
      done.add(assertInstanceOf(CheckpointAssembler.Result.Complete.class, last).checkpoint());
    }
    assertEquals(done.get(0).version(), done.get(1).version(), "same name and step");
    assertEquals(10, done.get(0).manifest().tasksSeen());
    assertEquals(20, done.get(1).manifest().tasksSeen(), "the second manifest, not the first one's directory");
    assertNotEquals(done.get(0).dir(), done.get(1).dir());
  }

  @Test
  void interleavedVersionsCompleteIndependently() {
    var a = CheckpointPublisher.chunks(checkpoint("a", 100, 3_000, 1), CHUNK);
    var b = CheckpointPublisher.chunks(checkpoint("b", 200, 2_500, 2), CHUNK);
    var asm = assembler();
    var results = new ArrayList<CheckpointAssembler.Result>();
    results.add(asm.accept(a.get(0)));
    results.add(asm.accept(b.get(2)));
    results.add(asm.accept(a.get(2)));
    results.add(asm.accept(b.get(0)));
    assertEquals(2, asm.pendingVersions().size());
    results.add(asm.accept(b.get(1)));
    results.add(asm.accept(a.get(1)));
    var bDone = assertInstanceOf(CheckpointAssembler.Result.Complete.class, results.get(4));
    var aDone = assertInstanceOf(CheckpointAssembler.Result.Complete.class, results.get(5));
    assertEquals(200, bDone.checkpoint().manifest().step());
    assertEquals(100, aDone.checkpoint().manifest().step());
    assertTrue(results.subList(0, 4).stream().allMatch(r -> r instanceof CheckpointAssembler.Result.Incomplete));
  }

  @Test
  void aFlippedByteIsRefusedOnceCompleteByItsSha256() {
    var chunks = new ArrayList<>(CheckpointPublisher.chunks(checkpoint("a", 100, 3_000, 1), CHUNK));
    byte[] data = chunks.get(1).getData().toByteArray();
    data[17] ^= 0x40;
    chunks.set(1, chunks.get(1).toBuilder().setData(ByteString.copyFrom(data)).build());
    var asm = assembler();
    asm.accept(chunks.get(0));
    asm.accept(chunks.get(1));
    var r = assertInstanceOf(CheckpointAssembler.Result.Rejected.class, asm.accept(chunks.get(2)));
    assertTrue(r.reason().contains("sha256"), r.reason());
    assertTrue(asm.pendingVersions().isEmpty(), "nothing of the bad version is kept");
  }

  @Test
  void aDuplicateIndexWithOtherBytesIsRefused() {
    var chunks = CheckpointPublisher.chunks(checkpoint("a", 100, 3_000, 1), CHUNK);
    var asm = assembler();
    asm.accept(chunks.get(0));
    var other = chunks.get(0).toBuilder().setData(chunks.get(1).getData()).build();
    var r = assertInstanceOf(CheckpointAssembler.Result.Rejected.class, asm.accept(other));
    assertTrue(r.reason().contains("arrived twice with different bytes"), r.reason());
  }

  @Test
  void countAndTotalMismatchesAreRefused() {
    var chunks = CheckpointPublisher.chunks(checkpoint("a", 100, 3_000, 1), CHUNK);
    var asm = assembler();
    asm.accept(chunks.get(0));
    var r = assertInstanceOf(CheckpointAssembler.Result.Rejected.class,
        asm.accept(chunks.get(1).toBuilder().setCount(4).build()));
    assertTrue(r.reason().contains("count 4 differs"), r.reason());

    var t = assertInstanceOf(CheckpointAssembler.Result.Rejected.class,
        asm.accept(chunks.get(1).toBuilder().setTotalBytes(2_999).build()));
    assertTrue(t.reason().contains("total_bytes 2999 differs from the manifest's 3000"), t.reason());

    var idx = assertInstanceOf(CheckpointAssembler.Result.Rejected.class,
        asm.accept(chunks.get(1).toBuilder().setIndex(3).build()));
    assertTrue(idx.reason().contains("index 3 is outside 0..2"), idx.reason());

    var name = assertInstanceOf(CheckpointAssembler.Result.Rejected.class,
        asm.accept(chunks.get(1).toBuilder().setName("../x").setVersion("../x@100").build()));
    assertTrue(name.reason().contains("not a plain directory name"), name.reason());

    // Chunks that fit the header but together hold too few bytes (a short last chunk).
    var shortLast = chunks.get(2).toBuilder().setData(chunks.get(2).getData().substring(0, 10)).build();
    var fresh = assembler();
    fresh.accept(chunks.get(0));
    fresh.accept(chunks.get(1));
    var s = assertInstanceOf(CheckpointAssembler.Result.Rejected.class, fresh.accept(shortLast));
    assertTrue(s.reason().contains("hold 2010 bytes but total_bytes is 3000"), s.reason());
  }

  @Test
  void aManifestThatIsNotOneIsRefused() {
    var chunk = CheckpointPublisher.chunks(checkpoint("a", 100, 3_000, 1), CHUNK).get(0)
        .toBuilder().setManifestJson("[1,2]").build();
    var r = assertInstanceOf(CheckpointAssembler.Result.Rejected.class, assembler().accept(chunk));
    assertTrue(r.reason().contains("manifest is not a JSON object"), r.reason());
  }
}
