package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.lp.app.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ablations with continuous latents through the commands: {@code lp train --kind ae|vae}
 * writes a checkpoint, {@code lp eval} evaluates it (given each task's program length; the VAE
 * samples L latent sequences), and serving refuses it.
 */
class LatentAeCommandsTest {

  @TempDir Path tmp;

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"ae", "vae"})
  void trainEvaluateAndRefuseToServe(String kind) throws Exception {
    Path run = tmp.resolve(kind);
    assertEquals(0, Main.run("train", "--kind", kind, "--size", "tiny", "--out", run.toString(), "--steps", "2",
        "--batch-size", "2", "--warmup", "1", "--pretrain-steps", "1", "--log-every", "1", "--checkpoint-every", "2",
        "--max-expressions", "2", "--max-input-length", "20"));
    Path json = tmp.resolve("eval.json");
    assertEquals(0, Main.run("eval", "--checkpoint", run.toString(), "--sample", "3", "--seed", "5", "--beams", "1,4",
        "--json", json.toString(), "--results", tmp.resolve("RESULTS.md").toString(), "--section", kind));
    JsonObject model = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("models").get(0)
        .getAsJsonObject();
    assertEquals(kind, model.get("kind").getAsString());
    JsonObject data = model.getAsJsonArray("datasets").get(0).getAsJsonObject();
    assertEquals(2, data.getAsJsonArray("results").size());
    for (var r : data.getAsJsonArray("results")) {
      JsonObject result = r.getAsJsonObject();
      assertEquals(3, result.get("tasks").getAsInt());
      assertEquals(0, result.get("errors").getAsInt(), "every task searched (its length known): " + result);
      int beams = result.get("beamSize").getAsInt();
      assertEquals(kind.equals("vae") && beams == 4 ? 2 : 1, result.get("latentBeams").getAsInt(),
          "the VAE samples L = √B latent sequences, the AE has one");
    }
    assertEquals(0, data.getAsJsonArray("latentSweep").size(), "no latent beam to sweep");
    var refused = assertThrows(IllegalArgumentException.class, () -> Models.fromCheckpoint(run));
    assertTrue(refused.getMessage().contains("not served"), refused.getMessage());
    assertEquals(2, Main.run("bench", "engine", "--checkpoint", run.toString(), "--tasks", "2",
        "--results", tmp.resolve("bench.md").toString()), "the engine bench refuses it as a bad argument");
  }
}
