package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.search.SynthesisModel;
import dev.lp.search.SynthesisModel.Decoder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RobustFill's LSTM (kind "lstm"): config rules, incremental decoding, reordering, save/load, determinism. */
class LstmTest {
  static final List<String> IN = KvCacheTest.INPUTS;
  static final List<String> OUT = KvCacheTest.OUTPUTS;

  @TempDir Path dir;

  @Test
  void configIsAlwaysPerExampleAndNeedsNoLatents() {
    ModelConfig cfg = ModelConfig.tiny("lstm");
    assertTrue(cfg.recurrent());
    assertTrue(cfg.maxPool());
    assertEquals(0, cfg.latentVocab());
    assertEquals("maxpool", ModelConfig.paperBaseline().withKind("lstm").ioPooling());
    var e = assertThrows(IllegalArgumentException.class, () -> cfg.withIoPooling("concat"));
    assertTrue(e.getMessage().contains("maxpool"), e.getMessage());
    var kind = assertThrows(IllegalArgumentException.class, () -> cfg.withKind("gru"));
    assertTrue(kind.getMessage().contains("lstm"), kind.getMessage());
  }

  @Test
  void incrementalDecodingMatchesTheFullSequence() {
    try (Network net = Network.create(ModelConfig.tiny("lstm"), 5); SynthesisModel m = net.inference("t");
        var spec = m.encode(IN, OUT); Decoder dec = m.programDecoder(spec, new int[3][0])) {
      assertEquals("lstm", m.info().kind());
      assertTrue(!m.info().hasLatents());
      KvCacheTest.Result r = KvCacheTest.greedy(dec, 1, 12);
      assertEquals(12, dec.length());
      KvCacheTest.assertMatches(r, net.fullLogProbs("pdec", IN, OUT, r.fed(), null));
      assertThrows(UnsupportedOperationException.class, () -> m.latentDecoder(spec, 1));
    }
  }

  @Test
  void reorderKeepsEachRowsState() {
    int[] prefixA = {1, 40, 41, 42};
    int[] prefixB = {1, 50, 51, 52};
    try (Network net = Network.create(ModelConfig.tiny("lstm"), 6); SynthesisModel m = net.inference("t");
        var spec = m.encode(IN, OUT); Decoder dec = m.programDecoder(spec, new int[2][0])) {
      float[][] last = null;
      for (int t = 0; t < prefixA.length; t++) {
        last = dec.step(new int[] {prefixA[t], prefixB[t]});
      }
      dec.reorder(new int[] {1, 1, 0});
      assertEquals(3, dec.rows());
      float[][] next = dec.step(new int[] {7, 8, 7});
      float[][][] full = net.fullLogProbs("pdec", IN, OUT,
          new int[][] {{1, 50, 51, 52, 7}, {1, 50, 51, 52, 8}, {1, 40, 41, 42, 7}}, null);
      for (int r = 0; r < 3; r++) {
        for (int k = 0; k < next[r].length; k++) {
          assertEquals(full[r][4][k], next[r][k], KvCacheTest.TOL, "row " + r + " id " + k);
        }
      }
      assertEquals(2, last.length);
      assertThrows(IllegalArgumentException.class, () -> dec.reorder(new int[] {3}));
      assertThrows(IllegalArgumentException.class, () -> dec.step(new int[] {1}));
    }
  }

  @Test
  void saveThenLoadGivesIdenticalOutputsAndTrainingIsDeterministic() {
    ModelConfig cfg = ModelConfig.tiny("lstm").withDropout(0.1f);
    Batch batch = Batch.of(TrainingSanityTest.tasks(4));
    Path file = dir.resolve("w.params");
    StepResult first;
    try (Network a = Network.create(cfg, 7)) {
      first = a.trainStep(batch, 3, 1e-3f);
      a.save(file);
      try (Network b = Network.load(file, cfg)) {
        assertEquals(a.evaluate(batch, 10), b.evaluate(batch, 10));
        try (SynthesisModel ma = a.inference("a"); SynthesisModel mb = b.inference("b");
            var sa = ma.encode(IN, OUT); var sb = mb.encode(IN, OUT);
            var da = ma.programDecoder(sa, new int[1][0]); var db = mb.programDecoder(sb, new int[1][0])) {
          for (int t = 0; t < 3; t++) {
            assertArrayEquals(da.step(new int[] {1 + t})[0], db.step(new int[] {1 + t})[0]);
          }
        }
      }
      var e = assertThrows(IllegalArgumentException.class, () -> Network.load(file, ModelConfig.tiny("baseline")));
      assertTrue(e.getMessage().contains("kind"), e.getMessage());
    }
    try (Network again = Network.create(cfg, 7)) {
      assertEquals(first, again.trainStep(batch, 3, 1e-3f));
    }
    assertTrue(first.parts().containsKey("ce"), first.parts().toString());
  }
}
