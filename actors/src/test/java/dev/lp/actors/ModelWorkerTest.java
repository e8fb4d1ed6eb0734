package dev.lp.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.Tokens;
import dev.lp.search.SynthesisModel;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelWorkerTest {
  private final ActorTestKit testKit = ActorTestKit.create("model-worker-test");

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private record Opened(RequestStats stats, SynthesisModel.Spec spec, SynthesisModel.Decoder decoder,
      TestProbe<ModelWorker.Reply> probe) {}

  private Opened open(ActorRef<ModelWorker.Command> worker, FakeModel model, String input) {
    TestProbe<ModelWorker.Reply> probe = testKit.createTestProbe();
    var stats = new RequestStats();
    worker.tell(new ModelWorker.Encode(model, List.of(input), List.of("x"), stats, probe.ref()));
    var spec = probe.expectMessageClass(ModelWorker.Encoded.class).spec();
    worker.tell(new ModelWorker.OpenProgramDecoder(model, spec, new int[][] {{}}, stats, probe.ref()));
    var decoder = probe.expectMessageClass(ModelWorker.Opened.class).decoder();
    return new Opened(stats, spec, decoder, probe);
  }

  private void step(ActorRef<ModelWorker.Command> worker, FakeModel model, Opened o) {
    worker.tell(new ModelWorker.Step(model, o.decoder(), null, new int[] {Tokens.BOS}, o.stats(), o.probe().ref()));
  }

  @Test
  void stepsOfTwoRequestsRunInOneStepAllCall() {
    var model = FakeModel.baseline("GetAll(NUMBER)");
    // A long delay: only the "every live decoder is queued" rule can make this batch run early.
    var worker = testKit.spawn(ModelWorker.create(new BatchPolicy(8, Duration.ofSeconds(30))));
    var a = open(worker, model, "a1");
    var b = open(worker, model, "b2");
    step(worker, model, a);
    step(worker, model, b);
    assertEquals(1, a.probe().expectMessageClass(ModelWorker.Stepped.class).logProbs().length);
    assertEquals(1, b.probe().expectMessageClass(ModelWorker.Stepped.class).logProbs().length);
    assertEquals(List.of(List.of("a1", "b2")), model.stepAllRequests);
    assertEquals(2, a.stats().modelCalls.sum(), "encode + one step");
  }

  @Test
  void aLoneStepRunsAfterTheMaxDelay() {
    var model = FakeModel.baseline("GetAll(NUMBER)");
    var worker = testKit.spawn(ModelWorker.create(new BatchPolicy(8, Duration.ofMillis(100))));
    var a = open(worker, model, "a1");
    open(worker, model, "b2"); // live but silent: a's step must not wait for it forever
    long t0 = System.nanoTime();
    step(worker, model, a);
    a.probe().expectMessageClass(ModelWorker.Stepped.class, Duration.ofSeconds(3));
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(waitedMs >= 90, "waited " + waitedMs + " ms for company");
  }

  @Test
  void aFailingBatchFailsItsJobsAndTheWorkerKeepsServing() {
    var model = FakeModel.baseline("GetAll(NUMBER)");
    var worker = testKit.spawn(ModelWorker.create(new BatchPolicy(8, Duration.ZERO)));
    var a = open(worker, model, "a1");
    model.failSteps = true;
    step(worker, model, a);
    var failed = a.probe().expectMessageClass(ModelWorker.Failed.class);
    assertTrue(failed.message().contains("fake model failure"), failed.message());
    model.failSteps = false;
    step(worker, model, a);
    a.probe().expectMessageClass(ModelWorker.Stepped.class);
  }

  @Test
  void releaseRequestClosesHandlesAndRefusesLateOpens() {
    var model = FakeModel.baseline("GetAll(NUMBER)");
    var worker = testKit.spawn(ModelWorker.create(new BatchPolicy(8, Duration.ZERO)));
    var a = open(worker, model, "a1");
    assertEquals(1, model.openDecoders.get());
    assertEquals(1, model.openSpecs.get());
    worker.tell(new ModelWorker.ReleaseRequest(a.stats()));
    worker.tell(new ModelWorker.OpenProgramDecoder(model, a.spec(), new int[][] {{}}, a.stats(), a.probe().ref()));
    a.probe().expectMessageClass(ModelWorker.Failed.class);
    step(worker, model, a);
    a.probe().expectMessageClass(ModelWorker.Failed.class);
    assertEquals(0, model.openDecoders.get());
    assertEquals(0, model.openSpecs.get());
  }
}
