package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.lp.actors.EventSink;
import dev.lp.actors.ModelSource;
import dev.lp.actors.kafka.RequestHandler;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.kafka.SynthesisClient.Received;
import dev.lp.app.kafka.Worker;
import dev.lp.dsl.ProgramText;
import dev.lp.protocol.SynthesisError.Code;
import dev.lp.protocol.Example;
import dev.lp.protocol.Finished.Status;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.search.SynthesisModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The whole serving path through a real in-JVM Kafka broker: client → lp.requests → Intake →
 * engine (scripted stand-in model) → Publisher → lp.results → client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real broker tier; -Dlp.slow=true runs it")
class KafkaEdgeE2ETest {
  private static final String GROUP = "e2e-workers";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EmbeddedKafka kafka;
  private Worker worker;
  private SynthesisClient client;
  private ServingStack stack;
  private final SynthesisModel fast = Models.scripted(List.of(), Duration.ZERO);
  private final AtomicReference<SynthesisModel> model = new AtomicReference<>(fast);
  private final ModelSource source = model::get;

  private static Config config() {
    return ServingStack.quickIntakeConfig();
  }

  @BeforeAll
  void start() throws Exception {
    stack = ServingStack.start(2, config(), GROUP, source, WAIT, fast);
    kafka = stack.kafka;
    worker = stack.worker;
    client = stack.client;
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
    } else {
      fast.close();
    }
  }

  private static SynthesisRequest.Builder request(String id, DemoTasks.Task task) {
    return SynthesisClient.request(id, task.inputs(), task.outputs());
  }

  private static DemoTasks.Task figure1() {
    return DemoTasks.all().get(0);
  }

  private List<SynthesisEvent> run(SynthesisRequest r) {
    client.send(r);
    return events(client.await(Set.of(r.getRequestId()), WAIT, e -> {}).get(r.getRequestId()));
  }

  private static List<SynthesisEvent> events(List<Received> rs) {
    return rs.stream().map(Received::event).toList();
  }

  /** Sequence 0, 1, 2, ... and exactly one Finished, last. */
  private static void assertWellFormed(String id, List<SynthesisEvent> es) {
    assertFalse(es.isEmpty(), id + ": no events");
    for (int i = 0; i < es.size(); i++) {
      assertEquals(i, es.get(i).getSequence(), id + ": sequence order " + es);
      assertEquals(i == es.size() - 1, es.get(i).hasFinished(), id + ": Finished last, once: " + es);
    }
  }

  private static void assertSolvedAndReexecutes(DemoTasks.Task task, List<SynthesisEvent> es) {
    assertTrue(es.get(0).hasAccepted(), "Accepted first: " + es);
    var solved = es.stream().filter(SynthesisEvent::hasSolved).findFirst().orElseThrow().getSolved();
    var program = ProgramText.parse(solved.getProgramText());
    for (int i = 0; i < task.inputs().size(); i++) {
      assertEquals(task.outputs().get(i), program.apply(task.inputs().get(i)),
          "re-executed " + solved.getProgramText() + " on " + task.inputs().get(i));
      assertEquals(task.outputs().get(i), solved.getOutputs(i));
    }
    assertEquals(Status.SOLVED, es.get(es.size() - 1).getFinished().getStatus());
  }

  private static SynthesisRequest options(String id, int beam, int latentBeams) {
    var b = request(id, figure1());
    b.getOptionsBuilder().setBeamSize(beam).setLatentBeams(latentBeams);
    return b.build();
  }

  @Test
  @Order(1)
  void requestIsAcceptedSolvedAndFinished() {
    var es = run(request("solve-1", figure1()).build());
    assertWellFormed("solve-1", es);
    assertSolvedAndReexecutes(figure1(), es);
    assertEquals("scripted-demo", es.get(0).getModelVersion());
  }

  @Test
  @Order(2)
  void badInputsAreAnsweredWithErrorsAndTheWorkerKeepsServing() throws Exception {
    // Bad bytes: 0xFF is not a valid protobuf tag; answered under the record key.
    client.sendRaw("bad-bytes".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01});
    var bad = events(client.await(Set.of("bad-bytes"), WAIT, e -> {}).get("bad-bytes"));
    assertWellFormed("bad-bytes", bad);
    assertEquals(Code.BAD_BYTES, bad.get(0).getError().getCode());
    assertEquals(Status.REJECTED, bad.get(1).getFinished().getStatus());

    var t = figure1();
    // A blank request_id under a non-blank key: answered under the key, so its sender sees it.
    client.sendRaw("keyed-blank-id".getBytes(StandardCharsets.UTF_8), request("", t).build().toByteArray());
    var blank = events(client.await(Set.of("keyed-blank-id"), WAIT, e -> {}).get("keyed-blank-id"));
    assertWellFormed("keyed-blank-id", blank);
    assertEquals(Code.MISSING_REQUEST_ID, blank.get(0).getError().getCode());
    assertEquals(Status.REJECTED, blank.get(1).getFinished().getStatus());

    // A request_id that differs from the key: refused under the key, where its sender listens.
    client.sendRaw("mismatch-key".getBytes(StandardCharsets.UTF_8), request("mismatch-id", t).build().toByteArray());
    var mismatch = events(client.await(Set.of("mismatch-key", "mismatch-id"), Duration.ofSeconds(5), e -> {})
        .get("mismatch-key"));
    assertWellFormed("mismatch-key", mismatch);
    assertEquals(Code.REQUEST_ID_MISMATCH, mismatch.get(0).getError().getCode());
    assertEquals("request_id", mismatch.get(0).getError().getField());
    assertTrue(mismatch.get(0).getError().getMessage().contains("'mismatch-id' differs from the record key 'mismatch-key'"),
        mismatch.get(0).getError().getMessage());
    assertEquals(Status.REJECTED, mismatch.get(1).getFinished().getStatus());

    // A key that is not UTF-8: the refusal goes under the key's exact bytes, where its sender listens.
    byte[] rawKey = {(byte) 0xC3, 0x28, 'k'};
    client.sendRaw(rawKey, request("raw-key", t).build().toByteArray());
    List<SynthesisEvent> underRawKey = eventsUnderKey(rawKey, 2, WAIT);
    assertEquals(Code.REQUEST_ID_MISMATCH, underRawKey.get(0).getError().getCode(), underRawKey.toString());
    assertEquals(Status.REJECTED, underRawKey.get(1).getFinished().getStatus());

    var tooMany = request("too-many", t);
    for (int i = 0; i < 7; i++) {
      tooMany.addExamples(Example.newBuilder().setInput("a").setOutput("b"));
    }
    var cases = new ArrayList<Map.Entry<SynthesisRequest, Code>>();
    cases.add(Map.entry(request("", t).build(), Code.MISSING_REQUEST_ID));
    cases.add(Map.entry(SynthesisRequest.newBuilder().setProtocolVersion(1).setRequestId("no-examples").build(), Code.NO_EXAMPLES));
    cases.add(Map.entry(tooMany.build(), Code.TOO_MANY_EXAMPLES));
    cases.add(Map.entry(request("too-long", t).addExamples(Example.newBuilder().setInput("x".repeat(101)).setOutput("x")).build(), Code.STRING_TOO_LONG));
    cases.add(Map.entry(request("bad-char", t).addExamples(Example.newBuilder().setInput("caf\u00e9").setOutput("x")).build(), Code.BAD_CHARACTER));
    cases.add(Map.entry(options("beam-low", -1, 0), Code.BAD_BEAM_SIZE));
    cases.add(Map.entry(options("beam-high", 101, 0), Code.BAD_BEAM_SIZE));
    cases.add(Map.entry(options("latent-over-beam", 2, 3), Code.BAD_LATENT_BEAMS));
    cases.add(Map.entry(request("version-2", t).setProtocolVersion(2).build(), Code.UNSUPPORTED_VERSION));
    for (var c : cases) {
      var es = run(c.getKey());
      assertWellFormed(c.getKey().getRequestId(), es);
      assertEquals(c.getValue(), es.get(0).getError().getCode(), c.getKey().getRequestId() + ": " + es);
      assertFalse(es.get(0).getError().getMessage().isBlank());
      assertEquals(Status.REJECTED, es.get(1).getFinished().getStatus());
    }
    var after = run(request("after-bad", t).build());
    assertWellFormed("after-bad", after);
    assertSolvedAndReexecutes(t, after);
  }

  @Test
  @Order(3)
  void deadlineEndsTheSearch() {
    var slow = Models.scripted(List.of(), Duration.ofMillis(300));
    model.set(slow);
    try {
      var r = request("deadline-1", figure1());
      // Unguided: with a version space the enumerator's program would answer at the deadline (SOLVED).
      r.getOptionsBuilder().setDeadlineMs(200).setGuidance(dev.lp.protocol.Guidance.GUIDANCE_OFF);
      long t0 = System.nanoTime();
      var es = run(r.build());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertWellFormed("deadline-1", es);
      assertEquals(Status.DEADLINE, es.get(es.size() - 1).getFinished().getStatus(), es.toString());
      assertTrue(ms < 10_000, "answered soon after its 200 ms deadline, took " + ms + " ms");
    } finally {
      model.set(fast);
      slow.close();
    }
  }

  @Test
  @Order(4)
  void concurrentRequestsStreamInOrderUnderBackPressure() throws Exception {
    var slowish = Models.scripted(List.of(), Duration.ofMillis(10));
    model.set(slowish);
    var maxInFlight = new AtomicInteger();
    var sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
    var sampler = new Thread(() -> {
      while (sampling.get()) {
        maxInFlight.accumulateAndGet(worker.intake().inFlight(), Math::max);
        // parked, not spinning: a spinning sampler takes a whole core from the engine it measures
        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
      }
    });
    sampler.start();
    try {
      var tasks = DemoTasks.all().subList(0, 4);
      var ids = new HashSet<String>();
      for (int i = 0; i < 12; i++) {
        String id = "conc-" + i;
        ids.add(id);
        client.send(request(id, tasks.get(i % 4)).build());
      }
      var all = client.await(ids, Duration.ofSeconds(60), e -> {});
      for (int i = 0; i < 12; i++) {
        var es = events(all.get("conc-" + i));
        assertWellFormed("conc-" + i, es);
        assertSolvedAndReexecutes(tasks.get(i % 4), es);
      }
      assertTrue(maxInFlight.get() <= 4, "intake kept at most 4 in flight, saw " + maxInFlight.get());
      assertTrue(maxInFlight.get() >= 2, "requests did run concurrently, saw " + maxInFlight.get());
    } finally {
      sampling.set(false);
      sampler.join();
      model.set(fast);
      slowish.close();
    }
  }

  @Test
  @Order(5)
  void synthesizeCommandExitCodes() throws Exception {
    var t = figure1();
    var args = new ArrayList<>(List.of("synthesize", "--bootstrap", kafka.bootstrapServers(), "--stream"));
    for (int i = 0; i < t.inputs().size(); i++) {
      args.add("--example");
      args.add(t.inputs().get(i) + "=>" + t.outputs().get(i));
    }
    assertEquals(0, Main.run(args.toArray(String[]::new)), "solved");

    // The answer applied to new inputs (--apply, --apply-file), and checked on a --file task's hidden examples.
    var applyFile = java.nio.file.Files.createTempFile("lp-apply", ".txt");
    var taskFile = java.nio.file.Files.createTempFile("lp-task", ".jsonl");
    var stdout = System.out;
    var captured = new java.io.ByteArrayOutputStream();
    try {
      java.nio.file.Files.writeString(applyFile, "Ada Lovelace\n\nGrace Hopper\n");
      java.nio.file.Files.writeString(taskFile, "{\"inputs\": " + json(t.inputs()) + ", \"outputs\": "
          + json(t.outputs()) + ", \"hidden_inputs\": [\"Alan Turing\", \"Bo Li\"], \"hidden_outputs\": [\"Turing A\","
          + " \"Li X\"]}\n");
      System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
      var applied = new ArrayList<>(args);
      applied.addAll(List.of("--apply", "Edsger Dijkstra", "--apply-file", applyFile.toString()));
      assertEquals(0, Main.run(applied.toArray(String[]::new)), "solved, then applied");
      assertEquals(0, Main.run("synthesize", "--bootstrap", kafka.bootstrapServers(), "--file", taskFile.toString()));
    } finally {
      System.setOut(stdout);
      java.nio.file.Files.delete(applyFile);
      java.nio.file.Files.delete(taskFile);
    }
    String printed = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(printed.contains("applied to 3 more inputs:\n  \"Edsger Dijkstra\" => \"Dijkstra E\"\n"
        + "  \"Ada Lovelace\" => \"Lovelace A\"\n  \"Grace Hopper\" => \"Hopper G\"\n"), printed);
    assertTrue(printed.contains("  hidden \"Bo Li\": wanted \"Li X\", got \"Li B\"\n"
        + "hidden examples of the task (not sent): 1/2 reproduced"), printed);

    var unsolved = DemoTasks.all().get(4);
    var args1 = new ArrayList<>(List.of("synthesize", "--bootstrap", kafka.bootstrapServers()));
    for (int i = 0; i < unsolved.inputs().size(); i++) {
      args1.add("-e");
      args1.add(unsolved.inputs().get(i) + "=>" + unsolved.outputs().get(i));
    }
    assertEquals(1, Main.run(args1.toArray(String[]::new)), "not solved (the paper's program is inconsistent)");
    assertEquals(4, Main.run("synthesize", "--bootstrap", kafka.bootstrapServers(), "-e", "caf\u00e9=>x"),
        "rejected by the worker (BAD_CHARACTER): invalid input has its own code");
    assertEquals(2, Main.run("synthesize", "--bootstrap", kafka.bootstrapServers(), "--example", "no arrow here"));
    assertEquals(2, Main.run("synthesize", "--bootstrap", kafka.bootstrapServers(), "-e", "a=>b", "--apply-file",
        "/nonexistent/inputs.txt"), "a missing --apply-file is a bad argument, refused before anything is sent");
    assertEquals(2, Main.run("synthesize", "--bootstrap", kafka.bootstrapServers()));
    var conf = java.nio.file.Files.createTempFile("lp-client", ".conf");
    java.nio.file.Files.writeString(conf, "lp.client.connect-timeout = 1s\n");
    try {
      assertEquals(3, Main.run("synthesize", "--config", conf.toString(), "--bootstrap", "127.0.0.1:1", "-e", "a=>b"));
    } finally {
      java.nio.file.Files.delete(conf);
    }
  }

  @Test
  @Order(5)
  void serveRefusesToStartWithoutABrokerOrWithoutItsTopics() throws Exception {
    var conf = java.nio.file.Files.createTempFile("lp-serve", ".conf");
    try {
      java.nio.file.Files.writeString(conf, "lp.kafka.startup-timeout = 1s\n");
      assertEquals(3, Main.run("serve", "--config", conf.toString(), "--bootstrap", "127.0.0.1:1",
          "--model", "scripted", "--no-reload"), "no broker");
      assertEquals(3, Main.run("serve", "--config", conf.toString(), "--bootstrap", "127.0.0.1:1",
          "--model", "scripted"), "no broker, hot reload on (the watcher starts after the check)");
      assertEquals(3, Main.run("serve", "--config", conf.toString(), "--bootstrap", "no-such-host.invalid:9092",
          "--model", "scripted", "--no-reload"), "an unknown host: one line, exit 3, not a stack trace (exit 1)");
      java.nio.file.Files.writeString(conf, "lp.kafka.startup-timeout = 1s\nlp.kafka.intake.topic = \"lp.no-such-topic\"\n");
      assertEquals(2, Main.run("serve", "--config", conf.toString(), "--bootstrap", kafka.bootstrapServers(),
          "--model", "scripted", "--no-reload"), "a missing topic");
    } finally {
      java.nio.file.Files.delete(conf);
    }
  }

  @Test
  @Order(6)
  void anUnfinishedRequestIsNotCommittedAndIsServedAgainAfterARestart() throws Exception {
    worker.close();
    worker = null;
    // The "crash": this worker publishes every event of crash-1 except its Finished.
    java.util.function.UnaryOperator<RequestHandler> dropFinished =
        h -> (r, sink) -> h.submit(r, "crash-1".equals(r.getRequestId()) ? dropFinished(sink) : sink);
    var crashing = Worker.start(config(), kafka.bootstrapServers(), GROUP, source, dropFinished);
    RecordMetadata md;
    try {
      assertTrue(crashing.intake().awaitAssignment(WAIT));
      md = client.send(request("crash-1", figure1()).build());
      var first = events(client.await(Set.of("crash-1"), Duration.ofSeconds(3), e -> {}).get("crash-1"));
      assertTrue(first.stream().anyMatch(SynthesisEvent::hasSolved), "the request ran: " + first);
      assertFalse(first.stream().anyMatch(SynthesisEvent::hasFinished), "its Finished was never published");
      Thread.sleep(300); // three commit intervals
      assertTrue(committed(md) <= md.offset(), "offset of an unfinished request must not be committed");
    } finally {
      crashing.close();
    }
    assertTrue(committed(md) <= md.offset(), "not committed on shutdown either");

    worker = Worker.start(config(), kafka.bootstrapServers(), GROUP, source);
    assertTrue(worker.intake().awaitAssignment(WAIT));
    var second = events(client.await(Set.of("crash-1"), WAIT, e -> {}).get("crash-1"));
    assertWellFormed("crash-1 (served again)", second);
    assertSolvedAndReexecutes(figure1(), second);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (committed(md) <= md.offset() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(committed(md) > md.offset(), "committed once its Finished was published");
  }

  @Test
  @Order(7)
  void demoRunsThePaperTasksThroughItsOwnBroker() throws Exception {
    var log = java.nio.file.Files.createTempFile("lp-demo", ".log");
    try {
      assertEquals(0, Main.run("demo", "--model", "scripted", "--log", log.toString()));
      // The worker's INFO lines went to the file, not between the demo's events on the screen.
      assertTrue(java.nio.file.Files.readString(log).contains("worker started"), java.nio.file.Files.readString(log));
    } finally {
      java.nio.file.Files.delete(log);
    }
  }

  private static EventSink dropFinished(EventSink sink) {
    return e -> {
      if (!e.hasFinished()) {
        sink.emit(e);
      }
    };
  }

  /** The group's committed offset on the partition of {@code md}, -1 when none. */
  private long committed(RecordMetadata md) throws Exception {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      var o = offsets.get(new TopicPartition(md.topic(), md.partition()));
      return o == null ? -1 : o.offset();
    }
  }

  private static String json(List<String> strings) {
    var a = new com.google.gson.JsonArray();
    strings.forEach(a::add);
    return a.toString();
  }

  /** Reads lp.results from the start with a consumer of its own until n events carry exactly {@code key}. */
  private List<SynthesisEvent> eventsUnderKey(byte[] key, int n, Duration wait) throws Exception {
    var props = new java.util.Properties();
    props.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    props.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    List<SynthesisEvent> found = new ArrayList<>();
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(props)) {
      var parts = consumer.partitionsFor(dev.lp.protocol.Topics.RESULTS).stream()
          .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long end = System.nanoTime() + wait.toNanos();
      while (found.size() < n && System.nanoTime() < end) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          if (java.util.Arrays.equals(key, r.key())) {
            found.add(SynthesisEvent.parseFrom(r.value()));
          }
        }
      }
    }
    assertEquals(n, found.size(), "events under the raw key: " + found);
    return found;
  }
}
