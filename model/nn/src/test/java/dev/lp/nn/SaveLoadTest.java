package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.search.SynthesisModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Weights survive save/load exactly; bad files are refused with a message naming the problem. */
class SaveLoadTest {
  static final List<String> IN = KvCacheTest.INPUTS;
  static final List<String> OUT = KvCacheTest.OUTPUTS;

  @TempDir Path dir;

  @Test
  void saveThenLoadGivesIdenticalOutputs() throws Exception {
    ModelConfig cfg = ModelConfig.tiny("lp");
    Path file = dir.resolve("w.params");
    try (Network a = Network.create(cfg, 7)) {
      Batch batch = Batch.encode(List.of(IN), List.of(OUT), List.of(new int[] {4, 20, 2}));
      a.trainStep(batch, cfg.pretrainSteps() + 1, 1e-3f); // moves weights and the EMA codebook
      a.save(file);
      try (Network b = Network.load(file, cfg)) {
        assertEquals(a.evaluate(batch, 1000), b.evaluate(batch, 1000));
        assertTrue(Arrays.deepEquals(a.codebook(), b.codebook()));
        try (SynthesisModel ma = a.inference("a"); SynthesisModel mb = b.inference("b");
            var sa = ma.encode(IN, OUT); var sb = mb.encode(IN, OUT);
            var da = ma.programDecoder(sa, new int[][] {{3, 4}}); var db = mb.programDecoder(sb, new int[][] {{3, 4}})) {
          for (int t = 0; t < 3; t++) {
            assertArrayEquals(da.step(new int[] {1 + t})[0], db.step(new int[] {1 + t})[0]);
          }
        }
      }
    }
  }

  @Test
  void truncatedFileIsRefused() throws Exception {
    ModelConfig cfg = ModelConfig.tiny("baseline");
    Path file = dir.resolve("w.params");
    try (Network a = Network.create(cfg, 1)) {
      a.save(file);
    }
    byte[] all = Files.readAllBytes(file);
    Path cut = dir.resolve("cut.params");
    Files.write(cut, Arrays.copyOf(all, all.length / 2));
    var e = assertThrows(IllegalArgumentException.class, () -> Network.load(cut, cfg));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    Path tiny = dir.resolve("tiny.params");
    Files.write(tiny, Arrays.copyOf(all, 5));
    assertThrows(IllegalArgumentException.class, () -> Network.load(tiny, cfg));
    var missing = assertThrows(IllegalArgumentException.class, () -> Network.load(dir.resolve("none"), cfg));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }

  @Test
  void configMismatchIsRefused() throws Exception {
    ModelConfig cfg = ModelConfig.tiny("lp");
    Path file = dir.resolve("w.params");
    try (Network a = Network.create(cfg, 1)) {
      a.save(file);
    }
    var kind = assertThrows(IllegalArgumentException.class, () -> Network.load(file, cfg.withKind("baseline")));
    assertTrue(kind.getMessage().contains("kind"), kind.getMessage());
    ModelConfig wider = new ModelConfig("lp", 64, 2, 64, 2, 2, 0f, 100, 128, 16, 2, 0.25f, 0.99f, 100, "concat");
    var width = assertThrows(IllegalArgumentException.class, () -> Network.load(file, wider));
    assertTrue(width.getMessage().contains("dModel"), width.getMessage());
    // a non-shape field (dropout) may differ
    try (Network ok = Network.load(file, cfg.withDropout(0.2f))) {
      assertEquals(0.2f, ok.config().dropout());
    }
  }

  @Test
  void configJsonRoundTripsAndRejectsNonsense() {
    ModelConfig c = ModelConfig.paperLp();
    assertEquals(c, ModelConfig.fromJson(c.toJson()));
    assertEquals(43, c.latentVocab());
    var e = assertThrows(IllegalArgumentException.class, () -> c.withIoPooling("mean"));
    assertTrue(e.getMessage().contains("ioPooling"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromJson("{not json"));
    assertThrows(IllegalArgumentException.class,
        () -> new ModelConfig("lp", 130, 4, 512, 3, 3, 0.1f, 100, 128, 40, 2, 0.25f, 0.99f, 0, "concat"));
  }
}
