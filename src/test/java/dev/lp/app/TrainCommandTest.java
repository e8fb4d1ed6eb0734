package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lp train --resume} goes on only with the settings the checkpoint was trained with. */
class TrainCommandTest {

  @TempDir Path tmp;

  @Test
  void resumeWithAnotherLearningRateExitsTwoNamingTheSetting() {
    Path run = tmp.resolve("run");
    assertEquals(0, train(run, 2, "--lr", "1e-3").code());

    Result refused = train(run, 4, "--lr", "2e-3", "--resume");
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("lp train: cannot resume from"), refused.err());
    assertTrue(refused.err().contains("--lr: checkpoint 0.001, given 0.002"), refused.err());
    assertFalse(refused.err().contains("\tat "), "a refusal, not a stack trace: " + refused.err());

    Result resumed = train(run, 4, "--lr", "1e-3", "--resume", "--log-every", "2");
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.err().contains("resumed"), resumed.err());
  }

  @Test
  void aLearningRateThatIsNoPositiveNumberExitsTwo() {
    for (String lr : List.of("0", "NaN")) {
      Result r = train(tmp.resolve("lr-" + lr), 2, "--lr", lr);
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("lp train: learning rate must be a positive number"), r.err());
    }
  }

  /** bf32 runs on any x86 CPU (without AMX it gains nothing), is said on stderr and recorded in the manifest. */
  @Test
  void matmulPrecisionIsAppliedSaidAndRecorded() throws Exception {
    Path run = tmp.resolve("bf32");
    Result r = train(run, 2, "--matmul-precision", "bf32");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("lp train: matmul precision bf32"), r.err());
    try (var dirs = java.nio.file.Files.list(run.resolve("checkpoints"))) {
      Path manifest = dirs.sorted().reduce((a, b) -> b).orElseThrow().resolve("manifest.json");
      String json = java.nio.file.Files.readString(manifest);
      assertTrue(json.contains("\"matmulPrecision\": \"bf32\""), json);
    }
    Result bad = train(tmp.resolve("fp16"), 2, "--matmul-precision", "fp16");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("--matmul-precision: matmul precision must be bf32, fp32 or auto, got 'fp16'"), bad.err());
  }

  private record Result(int code, String err) {}

  private static Result train(Path out, int steps, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--kind", "baseline", "--size", "tiny", "--out", out.toString(),
        "--steps", String.valueOf(steps), "--batch-size", "2", "--warmup", "1", "--max-expressions", "2",
        "--max-input-length", "20"));
    args.addAll(List.of(more));
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args.toArray(String[]::new));
      return new Result(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }
}
