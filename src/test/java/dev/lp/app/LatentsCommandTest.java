package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lp latents} on a real (tiny, briefly trained) LP checkpoint, and its refusals. */
class LatentsCommandTest {

  @TempDir Path tmp;

  private Path train(String kind) {
    Path run = tmp.resolve(kind);
    assertEquals(0, Main.run("train", "--kind", kind, "--size", "tiny", "--out", run.toString(), "--steps", "2",
        "--batch-size", "2", "--warmup", "1", "--pretrain-steps", "1", "--log-every", "1", "--checkpoint-every", "2",
        "--max-expressions", "2", "--max-input-length", "20"));
    return run;
  }

  @Test
  void probesAnLpCheckpointAndWritesItsSection() throws Exception {
    Path run = train("lp");
    Path baseline = train("baseline");
    Path results = tmp.resolve("RESULTS.md");
    assertEquals(2, Main.run("latents", "--checkpoint", run.toString(), "--baseline", run.toString(), "--sample", "3",
        "--results", results.toString()), "--baseline must be a baseline");
    assertEquals(0, Main.run("latents", "--checkpoint", run.toString(), "--baseline", baseline.toString(), "--sample",
        "3", "--seed", "5", "--beam", "4", "--latent-beams", "2", "--results", results.toString(), "--section",
        "latents-tiny"));
    String md = Files.readString(results);
    assertTrue(md.contains("<!-- BEGIN latents-tiny -->"), md);
    assertTrue(md.contains("| codes used by the true codes (of K) |"), md);
    assertTrue(md.contains("| accuracy, B programs given the true code |"), md);
    assertTrue(md.contains("sample(seed=5, n=3), 3 probed"), md);
    assertTrue(md.contains("| teacher-forced loss, decoder reading the true code (ae) |"), md);
    assertTrue(md.contains("| latent predictor's cross-entropy on the true code (lp) |"), md);
    assertTrue(md.contains("| for reference: the baseline's teacher-forced loss on the same tasks (ce) |"), md);
  }

  @Test
  void refusesWhatItCannotProbe() throws Exception {
    Path results = tmp.resolve("R.md");
    Path baseline = train("baseline");
    assertEquals(2, Main.run("latents", "--checkpoint", baseline.toString(), "--sample", "2", "--results",
        results.toString()), "a baseline has no codes");
    assertEquals(2, Main.run("latents", "--checkpoint", baseline.toString(), "--results", results.toString()),
        "no tasks");
    assertEquals(2, Main.run("latents", "--checkpoint", tmp.resolve("none").toString(), "--sample", "2", "--results",
        results.toString()), "no checkpoint");
    assertEquals(2, Main.run("latents", "--checkpoint", baseline.toString(), "--sample", "2", "--beam", "2",
        "--latent-beams", "3", "--results", results.toString()), "L > B");
    assertTrue(Files.notExists(results), "nothing written");
  }
}
