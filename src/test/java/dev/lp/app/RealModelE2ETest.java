package dev.lp.app;

import dev.lp.app.models.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.lp.actors.ModelSource;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.ProgramText;
import dev.lp.dsl.Task;
import dev.lp.nn.ModelConfig;
import dev.lp.protocol.Finished.Status;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.search.SynthesisModel;
import dev.lp.trainer.TaskSources;
import dev.lp.trainer.TrainLoop;
import dev.lp.trainer.TrainSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving path with a real DJL model, not a stand-in: a tiny Latent Programmer is trained by
 * the real trainer on a few tasks, loaded back from its verified checkpoint by {@link ModelLoader},
 * and served by a worker behind a real in-JVM broker. A request for one of its tasks must stream
 * Accepted, then Solved with a program that re-executes to every output, then Finished(SOLVED).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real model + broker tier")
class RealModelE2ETest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private final List<Task> tasks = new ArrayList<>();
  private SynthesisModel model;
  private ServingStack stack;
  private SynthesisClient client;

  @BeforeAll
  void trainLoadAndServe(@TempDir Path dir) throws Exception {
    TaskSampler sampler = new TaskSampler(SamplerConfig.paper().withExpressions(1, 2).withMaxInputLength(20));
    for (int i = 0; i < 6; i++) {
      tasks.add(sampler.sample(21, i));
    }
    TrainSettings settings = new TrainSettings(dir, 250, tasks.size(), 3e-3f, 25, 5, 3, 1, 1, 50, 250, false, 1f);
    new TrainLoop(settings, ModelConfig.tiny("lp").withPretrainSteps(80), TaskSources.epochs(tasks, 5),
        new JsonObject(), new PrintStream(OutputStream.nullOutputStream())).run();
    model = ModelLoader.load(dir);
    stack = ServingStack.start(2, AppConfig.load(null), "real-model-e2e", ModelSource.fixed(model), WAIT, model);
    client = stack.client;
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    } else if (model != null) {
      model.close();
    }
  }

  @Test
  void trainedModelSolvesThroughKafka() {
    int solved = 0;
    for (int t = 0; t < tasks.size(); t++) {
      Task task = tasks.get(t);
      var request = SynthesisClient.request("real-" + t, task.inputs(), task.outputs());
      request.getOptionsBuilder().setBeamSize(6).setLatentBeams(2);
      client.send(request.build());
      List<SynthesisEvent> events = client.await(Set.of("real-" + t), WAIT, e -> {}).get("real-" + t).stream()
          .map(SynthesisClient.Received::event).toList();
      assertFalse(events.isEmpty(), "no events for task " + t);
      assertTrue(events.get(0).hasAccepted(), "Accepted first: " + events);
      SynthesisEvent last = events.get(events.size() - 1);
      assertTrue(last.hasFinished(), "Finished last: " + events);
      assertTrue(last.getModelVersion().startsWith("step-"), "events carry the checkpoint version: " + last);
      var solvedEvent = events.stream().filter(SynthesisEvent::hasSolved).findFirst();
      if (solvedEvent.isEmpty()) {
        continue;
      }
      solved++;
      assertEquals(Status.SOLVED, last.getFinished().getStatus());
      var program = ProgramText.parse(solvedEvent.get().getSolved().getProgramText());
      for (int i = 0; i < task.inputs().size(); i++) {
        assertEquals(task.outputs().get(i), program.apply(task.inputs().get(i)), "re-executed " + program);
      }
    }
    assertTrue(solved >= 5, "the trained model solved only " + solved + "/" + tasks.size() + " of its tasks");
  }
}
