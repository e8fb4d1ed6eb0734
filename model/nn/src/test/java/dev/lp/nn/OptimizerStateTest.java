package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Adam state survives save/load exactly: weights + optimizer state reloaded into a new network
 * continue training bit for bit like the original; weights alone do not. Bad files are refused by
 * name and leave the network unchanged.
 */
class OptimizerStateTest {

  @TempDir Path dir;

  /** LP with a short pretraining phase, so the steps below run the full loss and the EMA update. */
  private static final ModelConfig LP = ModelConfig.tiny("lp").withPretrainSteps(2);

  private static Batch batch(int from, int n) {
    return Batch.of(TrainingSanityTest.tasks(from + n).subList(from, from + n));
  }

  @Test
  void reloadedStateContinuesTrainingIdentically() throws Exception {
    Batch b1 = batch(0, 4);
    Batch b2 = batch(4, 4);
    Path weights = dir.resolve("w.params");
    Path opt = dir.resolve("optimizer.bin");
    try (Network a = Network.create(LP, 5)) {
      for (int s = 1; s <= 4; s++) {
        a.trainStep(s % 2 == 0 ? b1 : b2, s, 2e-3f);
      }
      assertEquals(4, a.optimizerSteps());
      a.save(weights);
      a.saveOptimizerState(opt);
      try (Network b = Network.load(weights, LP); Network fresh = Network.load(weights, LP)) {
        b.loadOptimizerState(opt);
        assertEquals(4, b.optimizerSteps());
        assertEquals(0, fresh.optimizerSteps());
        // re-saving the loaded state reproduces the file byte for byte
        Path again = dir.resolve("again.bin");
        b.saveOptimizerState(again);
        assertArrayEquals(Files.readAllBytes(opt), Files.readAllBytes(again));

        StepResult ra = a.trainStep(b1, 5, 2e-3f);
        StepResult rb = b.trainStep(b1, 5, 2e-3f);
        StepResult rf = fresh.trainStep(b1, 5, 2e-3f);
        assertEquals(ra, rb);
        assertEquals(ra, rf); // losses are taken before the update: the weights were the same
        assertEquals(a.evaluate(b2, 6), b.evaluate(b2, 6));
        assertArrayEquals(weightBytes(a, "a"), weightBytes(b, "b"));
        assertArrayEquals(stateBytes(a, "a"), stateBytes(b, "b"));
        // control: the same step from zero moments moves the weights elsewhere
        assertFalse(Arrays.equals(weightBytes(a, "a2"), weightBytes(fresh, "f")),
            "weights after a step from fresh Adam moments should differ");
        assertTrue(a.evaluate(b2, 6).loss() != fresh.evaluate(b2, 6).loss());
      }
    }
  }

  @Test
  void stateBeforeAnyStepIsZeroMoments() throws Exception {
    Batch b = batch(0, 3);
    ModelConfig cfg = ModelConfig.tiny("baseline");
    Path opt = dir.resolve("zero.bin");
    try (Network a = Network.create(cfg, 2); Network c = Network.create(cfg, 2)) {
      a.saveOptimizerState(opt);
      c.loadOptimizerState(opt);
      assertEquals(0, c.optimizerSteps());
      a.trainStep(b, 1, 1e-3f);
      c.trainStep(b, 1, 1e-3f);
      assertArrayEquals(weightBytes(a, "a"), weightBytes(c, "c"));
    }
  }

  @Test
  void badFilesAreRefusedAndLeaveTheNetworkUnchanged() throws Exception {
    Path opt = dir.resolve("optimizer.bin");
    Path weights = dir.resolve("w.params");
    try (Network a = Network.create(ModelConfig.tiny("baseline"), 1)) {
      a.trainStep(batch(0, 3), 1, 1e-3f);
      a.saveOptimizerState(opt);
      a.save(weights);
    }
    byte[] all = Files.readAllBytes(opt);
    try (Network n = Network.create(ModelConfig.tiny("baseline"), 1)) {
      n.trainStep(batch(0, 2), 1, 1e-3f);
      n.trainStep(batch(0, 2), 2, 1e-3f);
      byte[] before = stateBytes(n, "before");

      Path cut = dir.resolve("cut.bin");
      Files.write(cut, Arrays.copyOf(all, all.length - 100));
      assertMessage(n, cut, "truncated");
      Path stub = dir.resolve("stub.bin");
      Files.write(stub, Arrays.copyOf(all, 10));
      assertMessage(n, stub, "truncated");

      byte[] flipped = all.clone();
      flipped[all.length / 2] ^= 0x40;
      Path corrupt = dir.resolve("corrupt.bin");
      Files.write(corrupt, flipped);
      assertMessage(n, corrupt, "corrupt");

      assertMessage(n, weights, "bad magic");
      assertMessage(n, dir.resolve("none.bin"), "does not exist");

      assertEquals(2, n.optimizerSteps());
      assertArrayEquals(before, stateBytes(n, "after"));
    }
    // same names and shapes everywhere except the feed-forward width: shapes are named
    ModelConfig wider = new ModelConfig("baseline", 32, 2, 128, 2, 2, 0f, 100, 128, 16, 2, 0.25f, 0.99f, 100, "concat");
    try (Network w = Network.create(wider, 1)) {
      String msg = assertMessage(w, opt, "shape");
      assertTrue(msg.contains("ffn") || msg.contains("[128, 32]") || msg.contains("(128"), msg);
      assertEquals(0, w.optimizerSteps());
    }
    // another kind: parameter names differ
    try (Network lp = Network.create(ModelConfig.tiny("lp"), 1)) {
      String msg = assertMessage(lp, opt, "missing");
      assertTrue(msg.contains("does not match this network"), msg);
    }
    assertThrows(IllegalArgumentException.class, () -> {
      try (Network n = Network.create(ModelConfig.tiny("baseline"), 1)) {
        n.loadOptimizerState(null);
      }
    });
  }

  private static String assertMessage(Network n, Path file, String fragment) {
    var e = assertThrows(IllegalArgumentException.class, () -> n.loadOptimizerState(file));
    assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    assertTrue(e.getMessage().contains(file.getFileName().toString()), "message should name the file: " + e.getMessage());
    return e.getMessage();
  }

  private byte[] weightBytes(Network n, String tag) throws Exception {
    Path f = dir.resolve("weights-" + tag + ".params");
    n.save(f);
    return Files.readAllBytes(f);
  }

  private byte[] stateBytes(Network n, String tag) throws Exception {
    Path f = dir.resolve("state-" + tag + ".bin");
    n.saveOptimizerState(f);
    return Files.readAllBytes(f);
  }
}
