package dev.lp.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.actors.ModelSource;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.dsl.Program;
import dev.lp.dsl.ProgramText;
import dev.lp.protocol.Finished.Status;
import dev.lp.protocol.Guidance;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.search.SynthesisModel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The shipped Latent Programmer behind a real broker, on the paper's Figure 1 task, which it does
 * not solve unguided at B = 10 (lp demo: EXHAUSTED): with version-space guidance the request is
 * solved, and the program that comes back re-executes to every output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real model + broker tier")
class GuidedSearchE2ETest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> IN = List.of("Mason Smith", "Henry Myers", "Barry Underwood", "Sandy Jones");
  private static final List<String> OUT = List.of("Smith M", "Myers H", "Underwood B", "Jones S");

  private SynthesisModel model;
  private ServingStack stack;

  @BeforeAll
  void serve() throws Exception {
    model = Models.shipped("lp").current();
    // A generous version-space budget so the outcome does not depend on how loaded the machine is.
    var config = AppConfig.load(null).withValue("lp.engine.version-space.time",
        com.typesafe.config.ConfigValueFactory.fromAnyRef("20s"));
    stack = ServingStack.start(2, config, "guided-e2e", ModelSource.fixed(model), WAIT, model);
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    } else if (model != null) {
      model.close();
    }
  }

  private List<SynthesisEvent> ask(String id, Guidance guidance) {
    var request = SynthesisClient.request(id, IN, OUT);
    request.getOptionsBuilder().setBeamSize(10).setLatentBeams(3).setDeadlineMs(30_000).setGuidance(guidance);
    stack.client.send(request.build());
    return stack.client.await(Set.of(id), WAIT, e -> {}).get(id).stream().map(SynthesisClient.Received::event)
        .toList();
  }

  @Test
  void figureOneIsSolvedInsideTheVersionSpaceAndNotWithout() {
    List<SynthesisEvent> off = ask("fig1-off", Guidance.GUIDANCE_OFF);
    assertEquals(Status.EXHAUSTED, off.get(off.size() - 1).getFinished().getStatus(), "unguided: " + off);

    List<SynthesisEvent> guided = ask("fig1-vs", Guidance.GUIDANCE_VERSIONSPACE);
    var finished = guided.get(guided.size() - 1).getFinished();
    assertEquals(Status.SOLVED, finished.getStatus(), guided.toString());
    assertEquals("versionspace", finished.getStats().getGuidance());
    var solved = guided.stream().filter(SynthesisEvent::hasSolved).findFirst().orElseThrow().getSolved();
    Program program = ProgramText.parse(solved.getProgramText());
    for (int i = 0; i < IN.size(); i++) {
      assertEquals(OUT.get(i), program.apply(IN.get(i)), "re-executed " + program);
    }
    assertFalse(guided.stream().anyMatch(e -> e.hasCandidate() && !e.getCandidate().getConsistent()),
        "inside the version space every candidate is consistent");
    assertTrue(guided.stream().anyMatch(e -> e.hasCandidate()
        && e.getCandidate().getSource() == dev.lp.protocol.Source.SOURCE_ENUMERATOR), "the enumerator's program is"
        + " streamed too: " + guided);
  }
}
