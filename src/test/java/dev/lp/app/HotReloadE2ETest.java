package dev.lp.app;

import dev.lp.app.common.DemoTasks;
import dev.lp.app.models.ModelLoader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.lp.app.models.CheckpointWatcher;
import dev.lp.app.kafka.EmbeddedKafka;
import dev.lp.app.models.Models;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.app.kafka.Worker;
import dev.lp.protocol.CheckpointChunk;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.Topics;
import dev.lp.search.SynthesisModel;
import dev.lp.checkpoint.CheckpointStore;
import dev.lp.checkpoint.Manifest;
import dev.lp.checkpoint.publish.CheckpointAssembler;
import dev.lp.checkpoint.publish.CheckpointPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload across the real in-JVM broker: a worker serves the shipped model (version A); a
 * checkpoint B with a higher step is published with {@code lp publish-checkpoint}; new requests'
 * events then carry B's version, and A is closed as soon as no request holds it. A publication
 * with one flipped byte is refused by its sha256 and the worker keeps serving B. `lp train
 * --publish` puts every checkpoint it writes on the topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "lp.slow", matches = "true", disabledReason = "real model + broker tier")
class HotReloadE2ETest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration DRAIN = Duration.ofSeconds(2);

  private Path tmp;
  private EmbeddedKafka kafka;
  private CheckpointWatcher watcher;
  private Worker worker;
  private SynthesisClient client;
  private int requests;
  private ServingStack stack;

  @BeforeAll
  void serve(@TempDir Path dir) throws Exception {
    tmp = dir;
    kafka = EmbeddedKafka.start(0, null, 1);
    SynthesisModel initial = Models.shipped("lp").current();
    watcher = CheckpointWatcher.start(kafka.bootstrapServers(), initial, DRAIN, tmp.resolve("received"),
        ModelLoader::load);
    stack = ServingStack.serve(kafka, AppConfig.load(null), "hot-reload-e2e", watcher, WAIT, watcher);
    worker = stack.worker;
    client = stack.client;
  }

  @AfterAll
  void stop() {
    if (stack != null) {
      stack.close();
      return;
    }
    if (watcher != null) {
      watcher.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void newerCheckpointIsServedAndACorruptedOneIsRefused() throws Exception {
    String a = watcher.currentVersion();
    assertTrue(a.startsWith("shipped-lp@"), a);
    assertEquals(a, lastEvent().getModelVersion(), "before the reload, events carry A");
    SynthesisModel modelA = watcher.current();

    // The reload options parse (picocli checks them when the command line is built).
    assertEquals(0, Main.run("serve", "--help"));
    assertEquals(0, Main.run("demo", "--help"));
    // Bad arguments exit 2; a directory that is not a checkpoint exits 1.
    assertEquals(2, Main.run("publish-checkpoint", "--checkpoint", tmp.toString()));
    assertEquals(2, Main.run("publish-checkpoint", "--bootstrap", "no-port", "--checkpoint", tmp.toString()));
    Files.createDirectories(tmp.resolve("empty"));
    assertEquals(1, Main.run("publish-checkpoint", "--bootstrap", kafka.bootstrapServers(),
        "--checkpoint", tmp.resolve("empty").toString()));

    // A request in flight on A holds it through the swap (a lease, as every Session takes one).
    var held = watcher.acquire();
    assertTrue(held.model() == modelA, "a lease on the current model");
    long stepA = CheckpointStore.open(ModelLoader.resolve(shippedDir()).dir()).manifest().step();
    Path b = copyWithStep(shippedDir(), tmp.resolve("run-b").resolve("reloaded-lp"), stepA + 100);
    assertEquals(0, Main.run("publish-checkpoint", "--bootstrap", kafka.bootstrapServers(), "--checkpoint", b.toString()));
    String versionB = "reloaded-lp@" + (stepA + 100);
    long published = System.nanoTime();
    await(() -> watcher.currentVersion().equals(versionB), "the watcher swaps to " + versionB);
    System.out.printf("hot reload: %s -> %s in %d ms after publish%n", a, versionB,
        (System.nanoTime() - published) / 1_000_000);
    assertEquals(versionB, lastEvent().getModelVersion(), "after the reload, new requests' events carry B");

    // A stays open while the lease holds it, and closes the moment the lease is released (the
    // drain period, 2 s here, is only the safety net for a lease never released).
    held.model().encode(List.of("a"), List.of("b")).close();
    held.close();
    var closed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> modelA.encode(List.of("a"), List.of("b")).close(), "A closed when its last lease was released");
    assertTrue(closed.getMessage().contains("replaced by a hot reload"), closed.getMessage());
    held.close(); // a second release does nothing

    // C: newer still, but one chunk has a flipped byte.
    Path c = copyWithStep(shippedDir(), tmp.resolve("run-c").resolve("corrupted-lp"), stepA + 200);
    List<CheckpointChunk> chunks = new ArrayList<>(CheckpointPublisher.chunks(CheckpointStore.open(c),
        CheckpointPublisher.CHUNK_BYTES));
    assertTrue(chunks.size() > 1, "the shipped weights span several chunks: " + chunks.size());
    byte[] data = chunks.get(1).getData().toByteArray();
    data[1234] ^= 0x01;
    chunks.set(1, chunks.get(1).toBuilder().setData(ByteString.copyFrom(data)).build());
    try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (var chunk : chunks) {
        producer.send(new ProducerRecord<>(Topics.CHECKPOINTS,
            Topics.checkpointKey(chunk.getKind(), chunk.getVersion(), chunk.getWeightsSha256(), chunk.getIndex()),
            chunk.toByteArray())).get(10, TimeUnit.SECONDS);
      }
    }
    await(() -> !watcher.rejections().isEmpty(), "the corrupted checkpoint is refused");
    String reason = watcher.rejections().get(0);
    assertTrue(reason.contains("corrupted-lp@" + (stepA + 200)) && reason.contains("sha256"), reason);
    assertEquals(versionB, watcher.currentVersion(), "the worker keeps serving B");
    assertEquals(versionB, lastEvent().getModelVersion(), "requests are still served, with B");
  }

  @Test
  void trainPublishesEveryCheckpointItWrites() throws Exception {
    Path run = tmp.resolve("trained");
    String before = watcher.currentVersion();
    assertEquals(0, Main.run("train", "--kind", "lp", "--size", "tiny", "--out", run.toString(), "--steps", "4",
        "--batch-size", "2", "--warmup", "1", "--log-every", "2", "--checkpoint-every", "2",
        "--max-expressions", "2", "--max-input-length", "20", "--publish", kafka.bootstrapServers()));
    var assembler = new CheckpointAssembler(tmp.resolve("read-back"));
    var complete = new ArrayList<String>();
    var step2Chunks = new ArrayList<CheckpointChunk>();
    var tombstoned = new ArrayList<String>();
    try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var partition = new TopicPartition(Topics.CHECKPOINTS, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            tombstoned.add(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8));
            continue;
          }
          var chunk = CheckpointChunk.parseFrom(r.value());
          if (chunk.getVersion().equals("step-000000002@2")) {
            step2Chunks.add(chunk);
          }
          if (assembler.accept(chunk) instanceof CheckpointAssembler.Result.Complete done) {
            complete.add(done.version());
          }
        }
      }
    }
    assertTrue(complete.containsAll(List.of("step-000000002@2", "step-000000004@4")), "published: " + complete);
    // Publishing step 4 retired step 2: a tombstone for each of its chunks, under the same keys.
    var expected = new ArrayList<String>();
    for (var c : step2Chunks) {
      expected.add(new String(Topics.checkpointKey("lp", "step-000000002@2", c.getWeightsSha256(), c.getIndex()),
          java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(expected, tombstoned);
    assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-000000004/" + CheckpointStore.WEIGHTS)));
    assertEquals(before, watcher.currentVersion(), "checkpoints older than the served one are not loaded");
  }

  @Test
  void aWatcherStartingOnALongTopicLoadsOnlyTheNewestCheckpoint() throws Exception {
    // Baseline checkpoints, so the class's LP watcher ignores them.
    Path shipped = tmp.resolve("shipped-baseline");
    Files.createDirectories(shipped);
    for (String f : List.of(CheckpointStore.MANIFEST, CheckpointStore.WEIGHTS)) {
      try (var in = getClass().getResourceAsStream("/models/baseline/" + f)) {
        Files.copy(in, shipped.resolve(f));
      }
    }
    long step = CheckpointStore.open(shipped).manifest().step();
    for (int i = 1; i <= 3; i++) {
      Path c = copyWithStep(shipped, tmp.resolve("long-" + i).resolve("newer-baseline"), step + i);
      assertEquals(0, Main.run("publish-checkpoint", "--bootstrap", kafka.bootstrapServers(), "--checkpoint", c.toString()));
    }
    List<String> loaded = new CopyOnWriteArrayList<>();
    try (var late = CheckpointWatcher.start(kafka.bootstrapServers(), Models.shipped("baseline").current(), DRAIN,
        tmp.resolve("late-staging"), dir -> {
          loaded.add(dir.getFileName().toString());
          return ModelLoader.load(dir);
        })) {
      String newest = "newer-baseline@" + (step + 3);
      await(() -> late.currentVersion().equals(newest), "the late watcher serves " + newest);
      assertEquals(1, loaded.size(), "only the newest of the three is loaded: " + loaded);
      try (var staged = Files.walk(tmp.resolve("late-staging"))) {
        var left = staged.filter(f -> f.getFileName().toString().equals(CheckpointStore.MANIFEST)).toList();
        assertEquals(List.of(), left, "a loaded or passed-over checkpoint leaves nothing staged");
      }
    }
  }

  /** Sends one demo task and returns its Finished event. */
  private SynthesisEvent lastEvent() {
    var task = DemoTasks.all().get(0);
    String id = "reload-" + (++requests);
    var req = SynthesisClient.request(id, task.inputs(), task.outputs());
    req.getOptionsBuilder().setBeamSize(4).setDeadlineMs(5_000);
    client.send(req.build());
    var events = client.await(Set.of(id), WAIT, e -> {}).get(id);
    assertFalse(events.isEmpty(), "no events for " + id);
    SynthesisEvent last = events.get(events.size() - 1).event();
    assertTrue(last.hasFinished(), "Finished last: " + last);
    return last;
  }

  private Path shippedDir() throws Exception {
    Path dir = tmp.resolve("shipped");
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      for (String f : List.of(CheckpointStore.MANIFEST, CheckpointStore.WEIGHTS)) {
        try (var in = getClass().getResourceAsStream("/models/lp/" + f)) {
          Files.copy(in, dir.resolve(f));
        }
      }
    }
    return dir;
  }

  /** The same weights (so the same sha256) under a manifest with another step. */
  private static Path copyWithStep(Path from, Path to, long step) throws Exception {
    Manifest m = CheckpointStore.open(from).manifest();
    Manifest moved = new Manifest(m.format(), m.kind(), m.config(), step, m.tasksSeen(), m.trainSeed(), m.initSeed(),
        m.recipe(), m.metrics(), m.weightsFile(), m.weightsBytes(), m.weightsSha256(), m.optimizerFile(), m.createdAt());
    Files.createDirectories(to);
    Files.copy(from.resolve(m.weightsFile()), to.resolve(m.weightsFile()));
    Files.writeString(to.resolve(CheckpointStore.MANIFEST), moved.toJson(), StandardCharsets.UTF_8);
    return to;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    ServingStack.await(condition, WAIT, what);
  }
}
