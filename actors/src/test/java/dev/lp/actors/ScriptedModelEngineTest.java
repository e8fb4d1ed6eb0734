package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.ProgramText;
import dev.lp.protocol.Finished;
import dev.lp.protocol.Options;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisEvent.KindCase;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.search.fake.ScriptedModel.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The engine driven by the search module's shared fake, dev.lp.search.fake.ScriptedModel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScriptedModelEngineTest {
  private final ActorTestKit testKit = ActorTestKit.create("scripted-engine-test");

  private static final List<String> IN = List.of("Ab 12", "Cd 345");
  private static final List<String> OUT = List.of("12", "345");

  @AfterAll
  void shutdown() {
    testKit.shutdownTestKit();
  }

  private static Entry entry(int[] code, String text) {
    return Entry.ranked(code, ProgramText.parse(text));
  }

  private List<SynthesisEvent> collect(TestProbe<SynthesisEvent> probe) {
    List<SynthesisEvent> events = new ArrayList<>();
    while (true) {
      var e = probe.receiveMessage(Duration.ofSeconds(10));
      events.add(e);
      if (e.getKindCase() == KindCase.FINISHED) {
        return events;
      }
    }
  }

  private List<SynthesisEvent> run(ScriptedModel model, Options options, String id) {
    return run(model, EngineTest.numbers(id, options));
  }

  private List<SynthesisEvent> run(ScriptedModel model, dev.lp.protocol.SynthesisRequest request) {
    // A generous version-space budget: these tests must not depend on how loaded the machine is.
    var s = EngineTest.settings(8);
    var settings = new EngineSettings(s.maxInFlight(), s.maxExamples(), s.maxStringLength(), s.maxBeamSize(),
        s.maxLatentBeams(), s.defaultDeadline(), s.maxDeadline(), s.defaultBeamSize(), s.defaultLatentBeams(),
        s.batchMaxSize(), s.batchMaxDelay(), s.defaultGuidance(),
        dev.lp.search.vsa.VersionSpace.Budget.DEFAULT.withTime(Duration.ofSeconds(30)));
    var engine = testKit.spawn(Engine.create(settings, ModelSource.fixed(model)));
    TestProbe<SynthesisEvent> probe = testKit.createTestProbe();
    engine.tell(new Engine.Submit(request, probe.ref()::tell));
    return collect(probe);
  }

  private void awaitNoHandles(ScriptedModel model) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(0, model.openHandles(), "open specs + decoders");
      return null;
    });
  }

  @Test
  void latentModelSolvesWithTheScriptedCode() {
    var model =
        ScriptedModel.builder()
            .version("scripted-lp")
            .task(IN, OUT, List.of(
                entry(new int[] {5}, "GetToken(WORD, 1)"),
                entry(new int[] {7, 3}, "GetToken(NUMBER, 1)")))
            .build();
    var opts = Options.newBuilder().setBeamSize(4).setLatentBeams(2).build();
    var events = run(model, opts, "s1");
    for (int i = 0; i < events.size(); i++) {
      assertEquals(i, events.get(i).getSequence());
    }
    assertEquals(KindCase.ACCEPTED, events.get(0).getKindCase());
    var solved = events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).findFirst().orElseThrow();
    assertEquals("GetToken(NUMBER, 1)", solved.getSolved().getProgramText());
    assertEquals(List.of(7, 3), solved.getSolved().getLatentCodeList());
    assertEquals("scripted-lp", solved.getModelVersion());
    assertEquals(Finished.Status.SOLVED, events.get(events.size() - 1).getFinished().getStatus());
    awaitNoHandles(model);
  }

  @Test
  void deadlineWithASlowModelClosesEveryHandle() {
    var model =
        ScriptedModel.builder().baseline().stepDelay(Duration.ofMillis(120))
            .task(IN, OUT, List.of(entry(new int[0], "GetToken(NUMBER, 1)")))
            .build();
    var opts = Options.newBuilder().setBeamSize(4).setDeadlineMs(200).build();
    var events = run(model, opts, "s2");
    var fin = events.get(events.size() - 1).getFinished();
    assertEquals(Finished.Status.DEADLINE, fin.getStatus());
    awaitNoHandles(model);
  }

  @Test
  void concurrentBaselineSessionsShareStepAllCalls() {
    // Baseline, L = 1: each session has exactly one program decoder, so a stepAll call with
    // several decoders carried rows of several sessions.
    var builder = ScriptedModel.builder().baseline().stepDelay(Duration.ofMillis(5));
    for (int i = 0; i < 3; i++) {
      builder.task(List.of("Ab " + (10 + i)), List.of(String.valueOf(10 + i)),
          List.of(entry(new int[0], "GetToken(NUMBER, 1)")));
    }
    var model = builder.build();
    var engine = testKit.spawn(Engine.create(EngineTest.settings(8), ModelSource.fixed(model)));
    List<TestProbe<SynthesisEvent>> probes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestProbe<SynthesisEvent> p = testKit.createTestProbe();
      probes.add(p);
      var r = EngineTest.request("b" + i, Options.newBuilder().setBeamSize(4).build(),
          "Ab " + (10 + i), String.valueOf(10 + i));
      engine.tell(new Engine.Submit(r, p.ref()::tell));
    }
    for (var p : probes) {
      var events = collect(p);
      assertEquals(Finished.Status.SOLVED, events.get(events.size() - 1).getFinished().getStatus());
    }
    var widths = model.decodersPerStepAll();
    int widest = Collections.max(widths);
    System.out.printf("batching: %d stepAll calls for %d decoder steps (mean %.2f, max %d per call)%n",
        widths.size(), widths.stream().mapToInt(Integer::intValue).sum(),
        widths.stream().mapToInt(Integer::intValue).average().orElse(0), widest);
    assertTrue(widest > 1, "some stepAll call saw several sessions: " + model.decodersPerStepAll());
    awaitNoHandles(model);
  }

  @Test
  void theEngineServesTheSearchEvalMeasures() {
    // One scripted model, one search core: the engine's streamed candidates are exactly what
    // lp eval's TwoLevelSearch reports, in the same order (one program beam, so one order), for
    // each guidance mode; guided, the inconsistent first choice is pruned and counted.
    List<Entry> entries = List.of(
        entry(new int[0], "GetToken(WORD, 1)"),
        entry(new int[0], "GetToken(NUMBER, 1)"),
        entry(new int[0], "GetToken(NUMBER, -1)"),
        entry(new int[0], "GetAll(NUMBER)"),
        entry(new int[0], "GetToken(ALPHANUM, 2)"));
    for (var mode : List.of(dev.lp.protocol.Guidance.GUIDANCE_OFF, dev.lp.protocol.Guidance.GUIDANCE_PREFIX,
        dev.lp.protocol.Guidance.GUIDANCE_STEPWISE)) {
      var model = ScriptedModel.builder().baseline().version("scripted-baseline").task(IN, OUT, entries).build();
      var opts = Options.newBuilder().setBeamSize(4).setMaxPrograms(10).setStreamCandidates(true)
          .setGuidance(mode).build();
      var events = run(model, opts, "same-" + mode);
      List<String> served = events.stream().filter(e -> e.getKindCase() == KindCase.CANDIDATE)
          .map(e -> e.getCandidate().getProgramText()).toList();
      var guidance = switch (mode) {
        case GUIDANCE_OFF -> dev.lp.search.Guidance.OFF;
        case GUIDANCE_PREFIX -> dev.lp.search.Guidance.PREFIX;
        default -> dev.lp.search.Guidance.STEPWISE;
      };
      List<String> measured = new ArrayList<>();
      var outcome = new dev.lp.search.TwoLevelSearch(model).search(IN, OUT,
          new dev.lp.search.SearchBudget(4, 1, 10, guidance), 0, c -> {
            measured.add(ProgramText.print(c.programOrNull()));
            return true;
          });
      assertEquals(measured, served, "guidance " + guidance);
      var stats = events.get(events.size() - 1).getFinished().getStats();
      assertEquals(outcome.pruned(), stats.getHypothesesPruned(), "guidance " + guidance);
      assertEquals(guidance.label(), stats.getGuidance());
      if (guidance != dev.lp.search.Guidance.OFF) {
        assertTrue(stats.getHypothesesPruned() > 0);
        assertTrue(!served.contains("GetToken(WORD, 1)"), "pruned before it finished: " + served);
      } else {
        assertTrue(served.contains("GetToken(WORD, 1)"), served.toString());
      }
      awaitNoHandles(model);
    }
  }

  /**
   * Step-wise guidance through both drivers: a Latent Programmer that never writes the whole
   * program "12.Ab" needs (GetToken(NUMBER, 1) | ConstStr('.') | GetToken(WORD, 1)), only each step
   * on its remaining task. The engine runs a round's step searches side by side, eval one after
   * another; the candidates, their order and the pruned count are the same (with ranking model the
   * engine stops at max programs, inside the round that reaches it), and the answer re-executes to
   * every output.
   */
  @Test
  void stepwiseGuidanceServesTheConcatenatedStepsEvalMeasures() {
    List<String> in = List.of("Ab 12", "Cd 345");
    List<String> out = List.of("12.Ab", "345.Cd");
    for (var ranking : List.of(dev.lp.protocol.Ranking.RANKING_MODEL, dev.lp.protocol.Ranking.RANKING_OCCAM)) {
      var model = ScriptedModel.builder().version("scripted-lp")
          .task(in, out, List.of(
              entry(new int[] {5}, "GetToken(WORD, 1) | ConstStr('.')"),
              entry(new int[] {6, 7}, "GetToken(NUMBER, 1) | ConstStr(',')"),
              entry(new int[] {5}, "SubStr(4, 5) | ConstStr('.')")))
          .task(in, List.of(".Ab", ".Cd"), List.of(entry(new int[] {6, 7}, "ConstStr('.') | ConstStr('x')")))
          .task(in, List.of(".Ab", "5.Cd"), List.of(entry(new int[] {5}, "GetToken(NUMBER, -1)")))
          .task(in, List.of("Ab", "Cd"), List.of(
              entry(new int[] {5}, "GetToken(PROP_CASE, 1)"), entry(new int[] {6, 7}, "GetToken(WORD, 1)")))
          .build();
      var opts = Options.newBuilder().setBeamSize(4).setLatentBeams(2).setMaxPrograms(3).setRanking(ranking)
          .setGuidance(dev.lp.protocol.Guidance.GUIDANCE_STEPWISE).build();
      var events = run(model, EngineTest.request("stepwise-" + ranking, opts, in.get(0), out.get(0), in.get(1),
          out.get(1)));
      List<String> served = events.stream().filter(e -> e.getKindCase() == KindCase.CANDIDATE)
          .map(e -> e.getCandidate().getProgramText()).toList();
      List<String> measured = new ArrayList<>();
      var outcome = new dev.lp.search.TwoLevelSearch(model).search(in, out,
          new dev.lp.search.SearchBudget(4, 2, 3, dev.lp.search.Guidance.STEPWISE), 0, c -> {
            measured.add(ProgramText.print(c.programOrNull()));
            return true;
          });
      // Ranking model: the engine answers at the third consistent program; eval takes the whole round.
      assertEquals(ranking == dev.lp.protocol.Ranking.RANKING_MODEL ? measured.subList(0, 3) : measured, served,
          ranking.toString());
      assertTrue(served.contains("GetToken(NUMBER, 1) | ConstStr('.') | GetToken(WORD, 1)"), served.toString());
      assertTrue(events.stream().filter(e -> e.getKindCase() == KindCase.CANDIDATE)
          .allMatch(e -> e.getCandidate().getConsistent()), "every step-wise program is consistent");
      var solved = events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).findFirst().orElseThrow();
      assertEquals(out, solved.getSolved().getOutputsList(), "re-executed to every output");
      var fin = events.get(events.size() - 1).getFinished();
      assertEquals(Finished.Status.SOLVED, fin.getStatus());
      assertEquals("stepwise", fin.getStats().getGuidance());
      assertEquals(outcome.pruned(), fin.getStats().getHypothesesPruned(), "the same steps searched");
      assertEquals(outcome.beamsDied(), fin.getStats().getProgramBeamsDied());
      assertTrue(model.encodeCalls() >= 2 * outcome.encodes(), "both drivers re-encoded every step's task");
      awaitNoHandles(model);
    }
  }

  @Test
  void versionSpaceGuidanceStreamsTheEnumeratorsProgramAndAnswersWithItWhenTheModelIsTooSlow() {
    // A model that needs >= 4 s for its program (1 s a step) against a 3 s deadline: the
    // enumerator's shortest program is streamed as soon as the version space is built and becomes
    // the answer at the deadline.
    var model = ScriptedModel.builder().baseline().version("scripted-baseline").stepDelay(Duration.ofSeconds(1))
        .task(IN, OUT, List.of(entry(new int[0], "GetToken(NUMBER, 1)"))).build();
    var opts = Options.newBuilder().setBeamSize(4).setDeadlineMs(3000)
        .setGuidance(dev.lp.protocol.Guidance.GUIDANCE_VERSIONSPACE).build();
    var events = run(model, opts, "vs-fallback");
    var enumerated = events.stream().filter(e -> e.getKindCase() == KindCase.CANDIDATE).findFirst()
        .orElseThrow(() -> new AssertionError("no candidate: " + events));
    assertEquals(dev.lp.protocol.Source.SOURCE_ENUMERATOR, enumerated.getCandidate().getSource());
    assertTrue(enumerated.getCandidate().getConsistent());
    var solved = events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).findFirst().orElseThrow();
    assertEquals(dev.lp.protocol.Source.SOURCE_ENUMERATOR, solved.getSolved().getSource());
    assertEquals(OUT, solved.getSolved().getOutputsList(), "re-executed to every output");
    var fin = events.get(events.size() - 1).getFinished();
    assertEquals(Finished.Status.SOLVED, fin.getStatus());
    assertEquals(dev.lp.protocol.Source.SOURCE_ENUMERATOR, fin.getStats().getSolutionSource());
    assertEquals("versionspace", fin.getStats().getGuidance());
    awaitNoHandles(model);
  }

  @Test
  void versionSpaceGuidanceAnswersWithTheModelsProgramWhenItHasOne() {
    var model = ScriptedModel.builder().baseline().version("scripted-baseline")
        .task(IN, OUT, List.of(entry(new int[0], "GetToken(WORD, 1)"), entry(new int[0], "GetToken(NUMBER, -1)")))
        .build();
    var opts = Options.newBuilder().setBeamSize(4)
        .setGuidance(dev.lp.protocol.Guidance.GUIDANCE_VERSIONSPACE).build();
    var events = run(model, opts, "vs-model");
    var solved = events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).findFirst().orElseThrow();
    assertEquals(dev.lp.protocol.Source.SOURCE_MODEL, solved.getSolved().getSource());
    assertEquals("GetToken(NUMBER, -1)", solved.getSolved().getProgramText());
    var fin = events.get(events.size() - 1).getFinished();
    assertEquals(dev.lp.protocol.Source.SOURCE_MODEL, fin.getStats().getSolutionSource());
    awaitNoHandles(model);
  }

  /**
   * Version-space guidance, the model's only program GetToken(NUMBER, -1) (three tokens); the
   * enumerator's shortest program has one expression of two tokens (e.g. GetAll(NUMBER)). With ranking
   * model Solved carries the model's program at once; with occam, when the search ends, the
   * enumerator's shorter one.
   */
  @Test
  void occamRankingAnswersWithTheShortestConsistentProgramWhenTheSearchEnds() {
    for (var ranking : List.of(dev.lp.protocol.Ranking.RANKING_MODEL, dev.lp.protocol.Ranking.RANKING_OCCAM)) {
      var model = ScriptedModel.builder().baseline().version("scripted-baseline")
          .task(IN, OUT, List.of(entry(new int[0], "GetToken(NUMBER, -1)")))
          .build();
      var opts = Options.newBuilder().setBeamSize(4).setGuidance(dev.lp.protocol.Guidance.GUIDANCE_VERSIONSPACE)
          .setRanking(ranking).build();
      var events = run(model, opts, "rank-" + ranking);
      var kinds = events.stream().map(SynthesisEvent::getKindCase).toList();
      var solved = events.stream().filter(e -> e.getKindCase() == KindCase.SOLVED).toList();
      assertEquals(1, solved.size(), ranking + ": " + kinds);
      var fin = events.get(events.size() - 1).getFinished();
      assertEquals(Finished.Status.SOLVED, fin.getStatus());
      if (ranking == dev.lp.protocol.Ranking.RANKING_MODEL) {
        assertEquals("GetToken(NUMBER, -1)", solved.get(0).getSolved().getProgramText());
        assertEquals(dev.lp.protocol.Source.SOURCE_MODEL, solved.get(0).getSolved().getSource());
      } else {
        var answer = dev.lp.dsl.ProgramText.parse(solved.get(0).getSolved().getProgramText());
        assertEquals(dev.lp.protocol.Source.SOURCE_ENUMERATOR, solved.get(0).getSolved().getSource(), kinds.toString());
        assertEquals(1, answer.expressions().size());
        assertEquals(true, dev.lp.dsl.Tokens.encode(answer).length
            < dev.lp.dsl.Tokens.encode(dev.lp.dsl.ProgramText.parse("GetToken(NUMBER, -1)")).length, answer.toString());
        assertEquals(dev.lp.protocol.Source.SOURCE_ENUMERATOR, fin.getStats().getSolutionSource());
        assertEquals(KindCase.SOLVED, kinds.get(kinds.size() - 2), "Solved when the search ends: " + kinds);
      }
      awaitNoHandles(model);
    }
  }

  /** Every request takes a lease on its model and gives it back once its handles are closed. */
  @Test
  void everyRequestReleasesItsModelLeaseWhenItsHandlesAreClosed() {
    var model = ScriptedModel.builder().baseline().task(IN, OUT, List.of(entry(new int[0], "GetToken(NUMBER, -1)")))
        .build();
    var held = new java.util.concurrent.atomic.AtomicInteger();
    var taken = new java.util.concurrent.atomic.AtomicInteger();
    ModelSource counting = new ModelSource() {
      @Override
      public dev.lp.search.SynthesisModel current() {
        return model;
      }

      @Override
      public Lease acquire() {
        held.incrementAndGet();
        taken.incrementAndGet();
        return new Lease(model, held::decrementAndGet);
      }
    };
    var engine = testKit.spawn(Engine.create(EngineTest.settings(8), counting));
    TestProbe<SynthesisEvent> probe = testKit.createTestProbe();
    for (int i = 0; i < 3; i++) {
      engine.tell(new Engine.Submit(EngineTest.numbers("lease-" + i, Options.newBuilder().setBeamSize(4).build()),
          probe.ref()::tell));
      var events = collect(probe);
      assertEquals(Finished.Status.SOLVED, events.get(events.size() - 1).getFinished().getStatus());
    }
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(0, held.get(), "leases still held");
      return null;
    });
    assertEquals(3, taken.get());
    awaitNoHandles(model);
  }

  @Test
  void contradictingExamplesAreRejectedWithoutASearch() {
    var model = ScriptedModel.builder().baseline().task(IN, OUT, List.of(entry(new int[0], "GetToken(NUMBER, 1)")))
        .build();
    var engine = testKit.spawn(Engine.create(EngineTest.settings(8), ModelSource.fixed(model)));
    TestProbe<SynthesisEvent> probe = testKit.createTestProbe();
    engine.tell(new Engine.Submit(EngineTest.request("bad", Options.getDefaultInstance(), "Ab 12", "12", "Ab 12", "13"),
        probe.ref()::tell));
    var events = collect(probe);
    var error = events.stream().filter(e -> e.getKindCase() == KindCase.ERROR).findFirst().orElseThrow();
    assertEquals(SynthesisError.Code.INCONSISTENT_EXAMPLES, error.getError().getCode());
    assertEquals("examples[1].output", error.getError().getField());
    assertEquals(Finished.Status.REJECTED, events.get(events.size() - 1).getFinished().getStatus());
    assertEquals(0, model.encodeCalls(), "not searched");
  }

  @Test
  void aRequestSentLongerAgoThanItsDeadlineIsAnsweredDeadlineWithoutASearch() {
    var model = ScriptedModel.builder().baseline().task(IN, OUT, List.of(entry(new int[0], "GetToken(NUMBER, 1)")))
        .build();
    var engine = testKit.spawn(Engine.create(EngineTest.settings(8), ModelSource.fixed(model)));
    TestProbe<SynthesisEvent> probe = testKit.createTestProbe();
    var request = EngineTest.numbers("expired", Options.newBuilder().setDeadlineMs(1000).build()).toBuilder()
        .setSentAtMs(System.currentTimeMillis() - 60_000).build();
    engine.tell(new Engine.Submit(request, probe.ref()::tell));
    var events = collect(probe);
    assertEquals(Finished.Status.DEADLINE, events.get(events.size() - 1).getFinished().getStatus());
    assertEquals(0, model.encodeCalls(), "an expired request is not searched");
    // One sent just now is served with what is left of its deadline.
    TestProbe<SynthesisEvent> fresh = testKit.createTestProbe();
    engine.tell(new Engine.Submit(EngineTest.numbers("fresh", Options.newBuilder().setDeadlineMs(5000).build())
        .toBuilder().setSentAtMs(System.currentTimeMillis()).build(), fresh.ref()::tell));
    var served = collect(fresh);
    assertEquals(Finished.Status.SOLVED, served.get(served.size() - 1).getFinished().getStatus());
  }

  /**
   * Version spaces are built one at a time (lp.engine.version-space-dispatcher), each up to its CPU
   * budget. A request that ended (here: its deadline passed) before its build started must not build
   * it: else every expired request's build still runs, and a request arriving after them waits
   * behind builds nobody will use (found by `lp bench fuzz`: after a burst of short-deadline
   * requests a valid one on an idle worker was answered DEADLINE).
   */
  @Test
  void theVersionSpacesOfRequestsThatEndedBeforeTheirBuildAreNotBuilt() {
    var model = ScriptedModel.builder().baseline().task(IN, OUT, List.of(entry(new int[0], "GetToken(NUMBER, 1)")))
        .build();
    var engine = testKit.spawn(Engine.create(EngineTest.settings(32), ModelSource.fixed(model)));
    // Builds that spend the whole 1 s CPU budget (the DAG is cut): 20 of them are at least 20 s of builds.
    String in1 = "Ab Cd Ef Gh Ij Kl Mn Op Qr St Uv Wx Yz 12 34 56 78 90 ab cd ef gh ij kl mn op qr st uv wx yz";
    String out1 = "Yz.Ab,12 Cd;34 Ef/56 Gh 78 Ij 90 Kl ab Mn cd Op ef Qr gh St ij Uv kl Wx mn yz";
    String in2 = "Zy Xw Vu Ts Rq Po Nm Lk Ji Hg Fe Dc Ba 98 76 54 32 10 zy xw vu ts rq po nm lk ji hg fe dc ba";
    String out2 = "Ba.Zy,98 Xw;76 Vu/54 Ts 32 Rq 10 Po zy Nm xw Lk vu Ji ts Hg rq Fe po ba";
    var versionSpace = Options.newBuilder().setGuidance(dev.lp.protocol.Guidance.GUIDANCE_VERSIONSPACE);
    List<TestProbe<SynthesisEvent>> hard = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      TestProbe<SynthesisEvent> p = testKit.createTestProbe();
      engine.tell(new Engine.Submit(EngineTest.request("hard-" + i, versionSpace.clone().setDeadlineMs(200).build(),
          in1, out1, in2, out2), p.ref()::tell));
      hard.add(p);
    }
    for (var p : hard) {
      var events = collect(p);
      assertEquals(Finished.Status.DEADLINE, events.get(events.size() - 1).getFinished().getStatus(), events.toString());
    }
    TestProbe<SynthesisEvent> fresh = testKit.createTestProbe();
    engine.tell(new Engine.Submit(EngineTest.numbers("after-expired", versionSpace.clone().setDeadlineMs(15_000)
        .build()), fresh.ref()::tell));
    List<SynthesisEvent> events = new ArrayList<>();
    do {
      events.add(fresh.receiveMessage(Duration.ofSeconds(20)));
    } while (events.get(events.size() - 1).getKindCase() != KindCase.FINISHED);
    assertEquals(Finished.Status.SOLVED, events.get(events.size() - 1).getFinished().getStatus(),
        "served within its 15 s, not queued behind 20 s of builds for expired requests: " + events);
  }
}
