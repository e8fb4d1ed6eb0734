package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.app.kafka.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Latent AE ablation through the commands: {@code lp train --kind ae} writes a checkpoint,
 * {@code lp eval} evaluates it (given each task's program length), and serving refuses it.
 */
class LatentAeCommandsTest {

  @TempDir Path tmp;

  @Test
  void trainEvaluateAndRefuseToServe() throws Exception {
    Path run = tmp.resolve("ae");
    assertEquals(0, Main.run("train", "--kind", "ae", "--size", "tiny", "--out", run.toString(), "--steps", "2",
        "--batch-size", "2", "--warmup", "1", "--pretrain-steps", "1", "--log-every", "1", "--checkpoint-every", "2",
        "--max-expressions", "2", "--max-input-length", "20"));
    Path json = tmp.resolve("eval.json");
    assertEquals(0, Main.run("eval", "--checkpoint", run.toString(), "--sample", "3", "--seed", "5", "--beams", "1,2",
        "--json", json.toString(), "--results", tmp.resolve("RESULTS.md").toString(), "--section", "ae"));
    JsonObject model = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("models").get(0)
        .getAsJsonObject();
    assertEquals("ae", model.get("kind").getAsString());
    JsonObject data = model.getAsJsonArray("datasets").get(0).getAsJsonObject();
    assertEquals(2, data.getAsJsonArray("results").size());
    for (var r : data.getAsJsonArray("results")) {
      JsonObject result = r.getAsJsonObject();
      assertEquals(3, result.get("tasks").getAsInt());
      assertEquals(0, result.get("errors").getAsInt(), "every task searched (its length known): " + result);
      assertEquals(1, result.get("latentBeams").getAsInt());
    }
    assertEquals(0, data.getAsJsonArray("latentSweep").size(), "no latent beam to sweep");
    var refused = assertThrows(IllegalArgumentException.class, () -> Models.fromCheckpoint(run));
    assertTrue(refused.getMessage().contains("not served"), refused.getMessage());
  }
}
