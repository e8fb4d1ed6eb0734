package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.actors.ModelSource;
import dev.lp.app.models.Models;
import dev.lp.search.Candidate;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TwoLevelSearch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checkpoints shipped in the jar (the engine's default model) load through the verifying
 * loader and decode: a change of the weights or manifest format cannot slip through unnoticed.
 */
class ShippedModelTest {

  private static final List<String> INPUTS = List.of("Mason Smith", "Henry Myers", "Barry Underwood", "Sandy Jones");
  private static final List<String> OUTPUTS = List.of("Smith M", "Myers H", "Underwood B", "Jones S");

  @Test
  void shippedLatentProgrammerLoadsAndSearches() {
    ModelSource source = Models.shipped("lp");
    try (SynthesisModel model = source.current()) {
      assertEquals("lp", model.info().kind());
      assertTrue(model.info().hasLatents());
      assertTrue(model.info().version().matches("shipped-lp@\\d+"), model.info().version());
      List<Candidate> found = new TwoLevelSearch(model).search(INPUTS, OUTPUTS, 4, 2);
      assertTrue(!found.isEmpty() && found.size() <= 4, "two-level search returns at most L*floor(B/L) programs");
      found.forEach(c -> assertTrue(c.parsed(), "grammar-constrained beams give programs: " + c));
    }
  }

  @Test
  void shippedBaselineLoadsAndSearches() {
    try (SynthesisModel model = Models.shipped("baseline").current()) {
      assertEquals("baseline", model.info().kind());
      assertEquals(0, model.info().latentVocab());
      assertTrue(!new TwoLevelSearch(model).search(INPUTS, OUTPUTS, 3, 1).isEmpty());
    }
  }

  @Test
  void unknownShippedKindIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.shipped("nosuch"));
    assertTrue(e.getMessage().contains("ships no 'nosuch' model"), e.getMessage());
  }
}
