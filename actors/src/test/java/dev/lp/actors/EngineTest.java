package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.protocol.Example;
import dev.lp.protocol.Finished;
import dev.lp.protocol.Options;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisEvent.KindCase;
import dev.lp.protocol.SynthesisRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineTest {
  private final ActorTestKit testKit = ActorTestKit.create("engine-test");

  private static final String WRONG = "GetToken(WORD, 1)";
  private static final String RIGHT = "GetToken(NUMBER, 1)";

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  /** Unguided by default: these tests pin the engine's mechanics on scripted candidates. */
  static EngineSettings settings(int maxInFlight) {
    return new EngineSettings(maxInFlight, 10, 100, 20, 5, Duration.ofSeconds(5), Duration.ofSeconds(30), 4, 1, 32,
        Duration.ofMillis(5), dev.lp.search.Guidance.OFF);
  }

  private ActorRef<Engine.Command> engine(FakeModel model, int maxInFlight) {
    return testKit.spawn(Engine.create(settings(maxInFlight), ModelSource.fixed(model)));
  }

  static SynthesisRequest request(String id, Options options, String... io) {
    var b = SynthesisRequest.newBuilder().setProtocolVersion(1).setRequestId(id).setOptions(options);
    for (int i = 0; i < io.length; i += 2) {
      b.addExamples(Example.newBuilder().setInput(io[i]).setOutput(io[i + 1]));
    }
    return b.build();
  }

  static SynthesisRequest numbers(String id, Options options) {
    return request(id, options, "Ab 12", "12", "Cd 345", "345");
  }

  private static Options beams(int b) {
    return Options.newBuilder().setBeamSize(b).build();
  }

  /** Submits and collects the request's events up to and including Finished. */
  private List<SynthesisEvent> run(ActorRef<Engine.Command> engine, SynthesisRequest r) {
    TestProbe<SynthesisEvent> probe = testKit.createTestProbe();
    engine.tell(new Engine.Submit(r, probe.ref()::tell));
    return collect(probe);
  }

  private static List<SynthesisEvent> collect(TestProbe<SynthesisEvent> probe) {
    List<SynthesisEvent> events = new ArrayList<>();
    while (true) {
      var e = probe.receiveMessage(Duration.ofSeconds(10));
      events.add(e);
      if (e.getKindCase() == KindCase.FINISHED) {
        probe.expectNoMessage(Duration.ofMillis(100));
        return events;
      }
    }
  }

  private static void assertSequenced(List<SynthesisEvent> events, String id) {
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i, events.get(i).getSequence(), "sequence of event " + i);
      assertEquals(id, events.get(i).getRequestId());
      assertEquals(1, events.get(i).getProtocolVersion());
    }
    assertEquals(1, events.stream().filter(e -> e.getKindCase() == KindCase.FINISHED).count());
    assertEquals(KindCase.FINISHED, events.get(events.size() - 1).getKindCase());
  }

  private static List<KindCase> kinds(List<SynthesisEvent> events) {
    return events.stream().map(SynthesisEvent::getKindCase).toList();
  }

  private static Finished finished(List<SynthesisEvent> events) {
    return events.get(events.size() - 1).getFinished();
  }

  private void awaitReleased(FakeModel model) {
    testKit
        .createTestProbe()
        .awaitAssert(
            Duration.ofSeconds(5),
            () -> {
              assertEquals(0, model.openDecoders.get(), "open decoders");
              assertEquals(0, model.openSpecs.get(), "open specs");
              return null;
            });
  }

  @Test
  void solvesWithAcceptedSolvedFinishedInSequenceOrder() {
    var model = FakeModel.baseline(WRONG, RIGHT);
    var events = run(engine(model, 8), numbers("r1", beams(4)));
    assertSequenced(events, "r1");
    // Not streaming: only the consistent candidate is sent, then Solved at once.
    assertEquals(
        List.of(KindCase.ACCEPTED, KindCase.CANDIDATE, KindCase.SOLVED, KindCase.FINISHED),
        kinds(events));
    var solved = events.get(2).getSolved();
    assertEquals(RIGHT, solved.getProgramText());
    assertEquals(List.of("12", "345"), solved.getOutputsList());
    assertTrue(events.get(1).getCandidate().getConsistent());
    assertEquals("fake-baseline-1", events.get(0).getModelVersion());
    var fin = finished(events);
    assertEquals(Finished.Status.SOLVED, fin.getStatus());
    assertEquals(4, fin.getStats().getBeamsDecoded());
    assertTrue(fin.getStats().getModelCalls() >= 4, "encode + at least 3 steps");
    assertTrue(fin.getStats().getCandidatesVerified() >= 1);
    assertTrue(fin.getStats().getTimeToFirstSolutionMs() >= 0);
    assertTrue(fin.getStats().getLatencyMs() >= fin.getStats().getTimeToFirstSolutionMs());
    awaitReleased(model);
  }

  @Test
  void streamCandidatesSendsInconsistentOnesToo() {
    var model = FakeModel.baseline(WRONG, RIGHT);
    var opts = Options.newBuilder().setBeamSize(4).setStreamCandidates(true).build();
    var events = run(engine(model, 8), numbers("r2", opts));
    assertSequenced(events, "r2");
    var candidates =
        events.stream().filter(e -> e.getKindCase() == KindCase.CANDIDATE).map(SynthesisEvent::getCandidate).toList();
    assertTrue(candidates.stream().anyMatch(c -> !c.getConsistent() && c.getProgramText().equals(WRONG)),
        "the wrong program is streamed: " + candidates);
    for (int i = 0; i < candidates.size(); i++) {
      assertEquals(i, candidates.get(i).getRank());
    }
    assertEquals(1, events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).count());
    assertEquals(Finished.Status.SOLVED, finished(events).getStatus());
  }

  @Test
  void maxProgramsTwoReturnsTwoConsistentPrograms() {
    var model = FakeModel.baseline(RIGHT, "GetToken(NUMBER, -1)", "GetAll(NUMBER)");
    var opts = Options.newBuilder().setBeamSize(4).setMaxPrograms(2).build();
    var events = run(engine(model, 8), numbers("r3", opts));
    assertSequenced(events, "r3");
    var consistent =
        events.stream()
            .filter(e -> e.getKindCase() == KindCase.CANDIDATE && e.getCandidate().getConsistent())
            .count();
    assertEquals(2, consistent);
    assertEquals(1, events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).count());
    assertEquals(Finished.Status.SOLVED, finished(events).getStatus());
  }

  @Test
  void exhaustedWhenNoCandidateIsConsistent() {
    var model = FakeModel.baseline(WRONG);
    var events = run(engine(model, 8), numbers("r4", beams(3)));
    assertSequenced(events, "r4");
    assertFalse(kinds(events).contains(KindCase.SOLVED));
    var fin = finished(events);
    assertEquals(Finished.Status.EXHAUSTED, fin.getStatus());
    assertTrue(fin.getStats().getCandidatesVerified() >= 1);
    assertEquals(-1, fin.getStats().getTimeToFirstSolutionMs());
    awaitReleased(model);
  }

  @Test
  void deadlineFinishesAndFreesDecoders() {
    var model = FakeModel.baseline(WRONG, RIGHT);
    model.stepDelayMs = 150;
    var opts = Options.newBuilder().setBeamSize(4).setDeadlineMs(250).build();
    var events = run(engine(model, 8), numbers("r5", opts));
    assertSequenced(events, "r5");
    assertEquals(List.of(KindCase.ACCEPTED, KindCase.FINISHED), kinds(events));
    var fin = finished(events);
    assertEquals(Finished.Status.DEADLINE, fin.getStatus());
    assertTrue(fin.getStats().getLatencyMs() >= 250);
    assertTrue(fin.getStats().getModelTimeMs() >= 100, "model time counted: " + fin.getStats());
    awaitReleased(model);
  }

  @Test
  void stepsFromConcurrentSessionsShareStepAllCalls() {
    var model = FakeModel.baseline(WRONG, RIGHT);
    model.stepDelayMs = 10;
    var engine = engine(model, 8);
    List<TestProbe<SynthesisEvent>> probes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestProbe<SynthesisEvent> p = testKit.createTestProbe();
      probes.add(p);
      var r = request("c" + i, beams(4), "Ab " + (10 + i), String.valueOf(10 + i));
      engine.tell(new Engine.Submit(r, p.ref()::tell));
    }
    for (int i = 0; i < 3; i++) {
      var events = collect(probes.get(i));
      assertSequenced(events, "c" + i);
      assertEquals(Finished.Status.SOLVED, finished(events).getStatus());
    }
    boolean mixed =
        model.stepAllRequests.stream().anyMatch(call -> new HashSet<>(call).size() > 1);
    assertTrue(mixed, "some stepAll call carried rows of several sessions: " + model.stepAllRequests);
    awaitReleased(model);
  }

  @Test
  void failingModelGivesInternalErrorAndTheNextRequestWorks() {
    var model = FakeModel.baseline(WRONG, RIGHT);
    model.failSteps = true;
    var engine = engine(model, 8);
    var events = run(engine, numbers("f1", beams(4)));
    assertSequenced(events, "f1");
    assertEquals(List.of(KindCase.ACCEPTED, KindCase.ERROR, KindCase.FINISHED), kinds(events));
    assertEquals(SynthesisError.Code.INTERNAL, events.get(1).getError().getCode());
    assertTrue(events.get(1).getError().getMessage().contains("fake model failure"));
    assertEquals(Finished.Status.FAILED, finished(events).getStatus());

    model.failSteps = false;
    var next = run(engine, numbers("f2", beams(4)));
    assertSequenced(next, "f2");
    assertEquals(Finished.Status.SOLVED, finished(next).getStatus());
    awaitReleased(model);
  }

  @Test
  void invalidRequestIsRejectedWithErrorThenFinished() {
    var model = FakeModel.baseline(RIGHT);
    var events = run(engine(model, 8), numbers("bad", beams(-3)));
    assertSequenced(events, "bad");
    assertEquals(List.of(KindCase.ERROR, KindCase.FINISHED), kinds(events));
    assertEquals(SynthesisError.Code.BAD_BEAM_SIZE, events.get(0).getError().getCode());
    assertEquals(Finished.Status.REJECTED, finished(events).getStatus());
    assertEquals(0, model.encodes.get());
  }

  @Test
  void beyondMaxInFlightIsOverloaded() {
    var model = FakeModel.baseline(WRONG, RIGHT);
    model.stepDelayMs = 50;
    var engine = engine(model, 1);
    TestProbe<SynthesisEvent> first = testKit.createTestProbe();
    engine.tell(new Engine.Submit(numbers("o1", beams(4)), first.ref()::tell));
    var second = run(engine, numbers("o2", beams(4)));
    assertSequenced(second, "o2");
    assertEquals(List.of(KindCase.ERROR, KindCase.FINISHED), kinds(second));
    assertEquals(SynthesisError.Code.OVERLOADED, second.get(0).getError().getCode());
    assertEquals(Finished.Status.REJECTED, finished(second).getStatus());
    assertEquals(Finished.Status.SOLVED, finished(collect(first)).getStatus());
    TestProbe<Engine.Load> load = testKit.createTestProbe();
    load.awaitAssert(
        () -> {
          engine.tell(new Engine.GetLoad(load.ref()));
          assertEquals(new Engine.Load(0, 1), load.receiveMessage());
          return null;
        });
  }

  @Test
  void cancelStopsTheSearchEndsItsStreamAndFreesItsSlot() {
    var model = FakeModel.baseline(WRONG, WRONG);
    model.stepDelayMs = 100;
    var engine = engine(model, 1);
    var opts = Options.newBuilder().setBeamSize(4).setDeadlineMs(5_000).build();
    TestProbe<SynthesisEvent> probe = testKit.createTestProbe();
    EventSink sink = probe.ref()::tell;
    engine.tell(new Engine.Submit(numbers("x1", opts), sink));
    assertEquals(KindCase.ACCEPTED, probe.receiveMessage(Duration.ofSeconds(5)).getKindCase());
    engine.tell(new Engine.Cancel(sink));
    engine.tell(new Engine.Cancel(sink)); // a second cancel, and one for a search that never ran, are ignored
    engine.tell(new Engine.Cancel(e -> {}));
    var rest = collect(probe);
    assertEquals(List.of(KindCase.ERROR, KindCase.FINISHED), kinds(rest));
    assertEquals(SynthesisError.Code.CANCELLED, rest.get(0).getError().getCode());
    assertEquals(Finished.Status.FAILED, finished(rest).getStatus());
    assertEquals(2, rest.get(1).getSequence(), "the stream stays numbered after Accepted");
    awaitReleased(model);
    // The slot is free again: with max-in-flight 1 the next request is served, not OVERLOADED.
    model.stepDelayMs = 0;
    var next = run(engine, numbers("x2", beams(4)));
    assertEquals(Finished.Status.EXHAUSTED, finished(next).getStatus());
  }

  @Test
  void aModelWorkerThatKeepsCrashingStopsTheEngine() {
    var model = FakeModel.baseline(RIGHT);
    model.encodeError = new AssertionError("fake crash inside the model worker");
    var engine = engine(model, 64);
    TestProbe<Void> watcher = testKit.createTestProbe();
    var opts = Options.newBuilder().setBeamSize(4).setDeadlineMs(200).build();
    // The supervisor restarts the model worker 10 times a minute; the 11th crash stops it for good.
    for (int i = 0; i < 11; i++) {
      engine.tell(new Engine.Submit(numbers("crash-" + i, opts), e -> {}));
    }
    watcher.expectTerminated(engine, Duration.ofSeconds(10));
  }

  @Test
  void latentModelFansOutToProgramBeamsPerCode() {
    // Code {3} leads to the wrong program, code {4} to the right one.
    var model = FakeModel.latent(WRONG, RIGHT);
    var opts = Options.newBuilder().setBeamSize(4).setLatentBeams(2).setStreamCandidates(true).build();
    var events = run(engine(model, 8), numbers("lp", opts));
    assertSequenced(events, "lp");
    var solved = events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).findFirst().orElseThrow();
    assertEquals(RIGHT, solved.getSolved().getProgramText());
    assertEquals(List.of(4), solved.getSolved().getLatentCodeList());
    assertEquals(4, finished(events).getStats().getBeamsDecoded());
    assertEquals("fake-lp-1", solved.getModelVersion());
    awaitReleased(model);
  }

  @Test
  void openingDecodersIsChargedAsModelTimeNotAsCalls() {
    // One latent decoder and one program decoder per code (2 codes): 3 opens of 80 ms each; the
    // steps themselves are instant, so without the opens the model time would be about 0. No code
    // leads to a consistent program, so every beam runs to its end and the step count does not
    // depend on timing (a solved request would stop its other beams early).
    var opts = Options.newBuilder().setBeamSize(4).setLatentBeams(2).build();
    var quick = FakeModel.latent(WRONG, WRONG);
    var quickEvents = run(engine(quick, 8), numbers("opens-quick", opts));
    assertEquals(Finished.Status.EXHAUSTED, finished(quickEvents).getStatus());
    awaitReleased(quick);
    var slow = FakeModel.latent(WRONG, WRONG);
    slow.openDelayMs = 80;
    var events = run(engine(slow, 8), numbers("opens", opts));
    assertSequenced(events, "opens");
    var stats = finished(events).getStats();
    assertTrue(stats.getModelTimeMs() >= 3 * 80, "decoder opens charged: " + stats);
    assertTrue(stats.getModelTimeMs() <= stats.getLatencyMs(), "model time within the request: " + stats);
    assertEquals(finished(quickEvents).getStats().getModelCalls(), stats.getModelCalls(),
        "opens are not model calls (encodes and steps are)");
    awaitReleased(slow);
  }
}
