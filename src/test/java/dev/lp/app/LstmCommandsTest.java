package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.app.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RobustFill's LSTM through the commands: {@code lp train --kind lstm} writes a checkpoint, {@code
 * lp eval} evaluates it with single-level beam search, and the serving engine (real broker, real
 * actors) serves it like the Transformer baseline.
 */
class LstmCommandsTest {

  @TempDir Path tmp;

  @Test
  void trainEvaluateAndServe() throws Exception {
    Assumptions.assumeTrue(!"false".equals(System.getProperty("lp.slow")), "slow tier off (-Dlp.slow=false)");
    Path run = tmp.resolve("lstm");
    assertEquals(0, Main.run("train", "--kind", "lstm", "--size", "tiny", "--out", run.toString(), "--steps", "2",
        "--batch-size", "2", "--warmup", "1", "--log-every", "1", "--checkpoint-every", "2", "--max-expressions", "2",
        "--max-input-length", "20"));
    assertEquals(2, Main.run("train", "--kind", "lstm", "--size", "tiny", "--io-pooling", "concat", "--out",
        tmp.resolve("bad").toString(), "--steps", "1"), "concat pooling is refused for the LSTM");
    Path json = tmp.resolve("eval.json");
    assertEquals(0, Main.run("eval", "--checkpoint", run.toString(), "--sample", "3", "--seed", "5", "--beams", "1,4",
        "--json", json.toString(), "--results", tmp.resolve("RESULTS.md").toString(), "--section", "lstm"));
    JsonObject model = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("models").get(0)
        .getAsJsonObject();
    assertEquals("lstm", model.get("kind").getAsString());
    JsonObject data = model.getAsJsonArray("datasets").get(0).getAsJsonObject();
    for (var r : data.getAsJsonArray("results")) {
      JsonObject result = r.getAsJsonObject();
      assertEquals(3, result.get("tasks").getAsInt());
      assertEquals(0, result.get("errors").getAsInt(), result.toString());
      assertEquals(1, result.get("latentBeams").getAsInt());
    }
    assertEquals(0, data.getAsJsonArray("latentSweep").size(), "no latent beam to sweep");
    try (var served = Models.fromCheckpoint(run).current()) {
      assertEquals("lstm", served.info().kind());
    }
    Path bench = tmp.resolve("bench.md");
    assertEquals(0, Main.run("bench", "engine", "--checkpoint", run.toString(), "--tasks", "2", "--warmup", "0",
        "--beam", "4", "--latent-beams", "1", "--deadline-ms", "5000", "--results", bench.toString()));
    String md = Files.readString(bench);
    assertTrue(md.contains("kind lstm"), md);
  }
}
