package dev.lp.actors.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lp.actors.EventSink;
import dev.lp.actors.Events;
import dev.lp.actors.LogText;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Kafka consumer: reads SynthesisRequests from the requests topic in a consumer group
 * and hands them to a {@link RequestHandler}, whose events go out through the {@link Publisher}.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>At-least-once: a record's offset is committed only after its request's Finished event was
 *       acknowledged by the broker, and only once every earlier record of that partition is done
 *       too (requests finish out of order). A request that was running when the worker stopped or
 *       lost the partition is processed again by the next owner.
 *   <li>Bytes that do not parse are answered with Error BAD_BYTES + Finished(REJECTED), keyed by
 *       the record key, and the intake keeps serving; so is a request with a blank request_id and
 *       a non-blank key (Error MISSING_REQUEST_ID), and a request whose request_id differs from a
 *       non-empty record key (Error REQUEST_ID_MISMATCH naming both, under the key: the sender
 *       listens there). A record without a key is answered under its request_id.
 *   <li>Back-pressure: at most {@code maxInFlight} requests are submitted and not finished; while
 *       that many run (or fetched records wait), the assigned partitions are paused, so nothing
 *       queues without bound.
 *   <li>Rebalance-safe: partitions are assigned cooperatively (CooperativeStickyAssignor unless
 *       the consumer properties name another strategy), so a rebalance takes away only the
 *       partitions that move. When partitions are revoked or lost, finished offsets are committed
 *       synchronously (revoked only), waiting records are dropped and running requests are
 *       cancelled and silenced: their new owner reads and answers them, so this worker stops
 *       publishing for them (events already queued for the producer still go out) and stops
 *       spending the model on them.
 *   <li>An offset counts as committed only once the broker confirmed the commit; a failed commit
 *       is sent again with the next one.
 *   <li>A failed publish is fatal: the intake stops without committing that record (so it is
 *       reprocessed after a restart), and {@link #failure()} says why.
 * </ul>
 *
 * <p>All consumer calls happen on one thread ("lp-intake"), because KafkaConsumer is not
 * thread-safe; producer callbacks only enqueue completions for that thread. Events are handed to
 * the producer by one more thread ("lp-publish"), in the order they were emitted: a send blocks
 * while the broker cannot be reached or the producer's buffer is full, and the actors and the
 * intake that emit must not.
 */
public final class Intake implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Intake.class);

  private record Waiting(ConsumerRecord<byte[], byte[]> record, long generation) {}

  private record Completion(RecordSink sink, Throwable error) {}

  private final IntakeSettings settings;
  private final Publisher publisher;
  private final RequestHandler handler;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final OffsetTracker tracker = new OffsetTracker();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private final Set<RecordSink> submitted = new HashSet<>(); // handed to the handler, not settled
  private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final CountDownLatch assigned = new CountDownLatch(1);
  private final Thread thread;
  private final ExecutorService sends = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "lp-publish");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean running = true;
  private volatile boolean abandoned;
  private volatile int inFlight;
  private volatile int assignedPartitions;
  private boolean paused;
  private long lastCommitNanos = System.nanoTime();

  /** Creates the consumer; call {@link #start()} to begin polling. */
  public Intake(IntakeSettings settings, Publisher publisher, RequestHandler handler) {
    if (settings == null || publisher == null || handler == null) {
      throw new IllegalArgumentException("Intake needs settings, a publisher and a handler");
    }
    this.settings = settings;
    this.publisher = publisher;
    this.handler = handler;
    this.consumer = new KafkaConsumer<>(properties(settings));
    this.thread = new Thread(this::run, "lp-intake");
  }

  static Properties properties(IntakeSettings s) {
    var p = new Properties();
    p.putAll(s.consumerProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, s.groupId());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, s.clientId() + "-intake");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Eager assignors take every partition from every member on each rebalance, so each worker
    // would give up (and its partition's next owner redo) all of its running requests.
    p.putIfAbsent(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    // One poll never returns more than the in-flight cap, so the local wait list stays bounded.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(s.maxInFlight()));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** Starts the polling thread. */
  public Intake start() {
    thread.start();
    return this;
  }

  /** Requests submitted whose Finished is not yet acknowledged. */
  public int inFlight() {
    return inFlight;
  }

  /** Partitions of the requests topic this worker owns now (0 before the first assignment). */
  public int assignedPartitions() {
    return assignedPartitions;
  }

  /** Whether the polling thread runs and has been neither asked to stop nor failed. */
  public boolean isPolling() {
    return running && failure.get() == null && thread.isAlive();
  }

  /** Why the intake stopped on its own, if it did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Waits until the first partitions are assigned (useful before sending in tests and demos). */
  public boolean awaitAssignment(Duration timeout) throws InterruptedException {
    return assigned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until the polling thread has ended (after {@link #close()} or a failure). */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Stops polling, lets running requests finish for at most the drain timeout, commits what is
   * done and closes the consumer. Idempotent; blocks until the thread has ended.
   */
  @Override
  public void close() {
    running = false;
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        long wait = settings.drainTimeout().toMillis() + 30_000;
        if (!terminated.await(wait, TimeUnit.MILLISECONDS)) {
          log.error("intake thread did not stop within {} ms", wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (!thread.isAlive() && terminated.getCount() > 0) {
      consumer.close(); // never started
      sends.shutdown();
      terminated.countDown();
    }
  }

  /**
   * As {@link #close()}, without the drain: for when running requests can no longer finish (the
   * engine stopped). What is done is committed; the rest is served again by the next owner.
   */
  public void abandon() {
    abandoned = true;
    close();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      log.info("intake consuming {} as group {} (max {} in flight)",
          settings.topic(), settings.groupId(), settings.maxInFlight());
      while (running && failure.get() == null) {
        step();
      }
      drain();
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
      log.error("intake failed; uncommitted requests will be processed again", t);
    } finally {
      try {
        consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
      } catch (RuntimeException e) {
        log.warn("closing the consumer failed", e);
      }
      assignedPartitions = 0;
      // Everything emitted so far reaches the producer; a request emitting later is not tracked.
      sends.shutdown();
      try {
        if (!sends.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("events still queued for publishing at shutdown were dropped");
          sends.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      terminated.countDown();
      log.info("intake stopped");
    }
  }

  /** One turn: settle completions, submit waiting records, pause/resume, commit, poll. */
  private void step() {
    settle();
    submitWaiting();
    backPressure();
    commit(false);
    var records = consumer.poll(settings.pollTimeout());
    for (var r : records) {
      var tp = new TopicPartition(r.topic(), r.partition());
      if (!tracker.isAssigned(tp)) {
        continue; // revoked during this poll; its next owner reads it
      }
      tracker.received(tp, r.offset());
      waiting.add(new Waiting(r, tracker.generation(tp)));
    }
    submitWaiting();
  }

  /** After close: no new work; running requests get the drain timeout to finish. */
  private void drain() {
    waiting.clear();
    consumer.pause(consumer.assignment());
    long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
    while (inFlight > 0 && !abandoned && failure.get() == null && System.nanoTime() < deadline) {
      settle();
      // Polling paused partitions keeps the group membership alive and runs commit callbacks.
      consumer.poll(Duration.ofMillis(50));
    }
    settle();
    if (inFlight > 0) {
      log.warn("{} requests still running at shutdown; their offsets stay uncommitted", inFlight);
    }
    commit(true);
  }

  private void settle() {
    Completion c;
    while ((c = completions.poll()) != null) {
      inFlight--;
      var s = c.sink();
      submitted.remove(s);
      if (c.error() != null) {
        failure.compareAndSet(
            null,
            new IllegalStateException(
                "publishing the events of " + s.tp + "@" + s.offset + " failed", c.error()));
        continue;
      }
      if (!tracker.done(s.tp, s.generation, s.offset)) {
        log.debug("{}@{} finished after its partition was revoked", s.tp, s.offset);
      }
    }
  }

  private void submitWaiting() {
    while (!waiting.isEmpty() && inFlight < settings.maxInFlight()) {
      dispatch(waiting.poll());
    }
  }

  private void backPressure() {
    boolean full = !waiting.isEmpty() || inFlight >= settings.maxInFlight();
    if (full && !paused) {
      consumer.pause(consumer.assignment());
      paused = true;
      log.debug("paused: {} in flight, {} waiting", inFlight, waiting.size());
    } else if (!full && paused) {
      consumer.resume(consumer.paused());
      paused = false;
      log.debug("resumed: {} in flight", inFlight);
    } else if (full) {
      consumer.pause(consumer.assignment()); // partitions assigned while paused start unpaused
    }
  }

  private void commit(boolean sync) {
    long now = System.nanoTime();
    if (!sync && now - lastCommitNanos < settings.commitInterval().toNanos()) {
      return;
    }
    lastCommitNanos = now;
    Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
    if (offsets.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(offsets);
      tracker.markCommitted(offsets);
      log.debug("committed {}", offsets);
    } else {
      // The callback runs on this thread, inside a later poll or commit.
      consumer.commitAsync(
          offsets,
          (o, e) -> {
            if (e == null) {
              tracker.markCommitted(offsets);
              log.debug("committed {}", offsets);
            } else {
              log.warn("offset commit failed (sent again with the next commit): {}", e.toString());
            }
          });
    }
  }

  private void dispatch(Waiting w) {
    var r = w.record();
    var tp = new TopicPartition(r.topic(), r.partition());
    var sink = new RecordSink(tp, w.generation(), r.offset(), r.key());
    inFlight++;
    String key = Topics.requestId(r.key());
    if (r.value() == null) {
      Events.badBytes(key, "the record has no value").forEach(sink::emit);
      return;
    }
    SynthesisRequest request;
    try {
      request = SynthesisRequest.parseFrom(r.value());
    } catch (InvalidProtocolBufferException e) {
      log.warn("[{}] {}@{}: request bytes do not parse: {}", LogText.escape(key), tp, r.offset(), e.getMessage());
      Events.badBytes(key, e.getMessage()).forEach(sink::emit);
      return;
    }
    if (request.getRequestId().isBlank() && !key.isBlank()) {
      log.warn("[{}] {}@{}: blank request_id; answered under the record key", LogText.escape(key), tp, r.offset());
      Events.missingRequestId(key).forEach(sink::emit);
      return;
    }
    // Answered under the request_id, the events would go where the sender, who listens on its key,
    // never looks; the key is what it named the request by, so the refusal goes there.
    if (!key.isEmpty() && !key.equals(request.getRequestId())) {
      log.warn("[{}] {}@{}: request_id {} differs from the record key; rejected under the key",
          LogText.escape(key), tp, r.offset(), LogText.quote(request.getRequestId()));
      Events.requestIdMismatch(key, request.getRequestId()).forEach(sink::emit);
      return;
    }
    log.debug("[{}] received from {}@{}", LogText.escape(request.getRequestId()), tp, r.offset());
    submitted.add(sink);
    sink.search = handler.submit(request, sink);
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      settle();
      var offsets = tracker.committable(partitions);
      if (!offsets.isEmpty()) {
        try {
          consumer.commitSync(offsets);
        } catch (RuntimeException e) {
          log.warn("commit on revoke failed; those requests will be processed again: {}", e.toString());
        }
      }
      forget(partitions);
      log.info("revoked {} (committed {})", partitions, offsets);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
      log.warn("lost {} without commit; their unfinished requests will be processed again", partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tracker::assign);
      assignedPartitions = tracker.assignedCount();
      if (!partitions.isEmpty()) {
        assigned.countDown();
      }
      log.info("assigned {}", partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      partitions.forEach(tracker::revoke);
      assignedPartitions = tracker.assignedCount();
      waiting.removeIf(
          w -> partitions.contains(new TopicPartition(w.record().topic(), w.record().partition())));
      int given = 0;
      for (var s : submitted) {
        if (partitions.contains(s.tp) && s.giveUp()) {
          given++;
        }
      }
      if (given > 0) {
        log.info("cancelled {} running requests of {}; their new owner answers them", given, partitions);
      }
    }
  }

  /**
   * Publishes one record's events and reports its completion when Finished is acknowledged. Once
   * given up (its partition was revoked) it publishes nothing and completes at its Finished.
   */
  private final class RecordSink implements EventSink {
    final TopicPartition tp;
    final long generation;
    final long offset;
    // The request record's key as sent (null: none): every answer goes under these exact bytes, so a key
    // that is not UTF-8 still reaches its sender (the request id is the key decoded, lossy for such keys).
    final byte[] key;
    RequestHandler.Search search; // set on the intake thread right after submit
    private final AtomicReference<Throwable> sendError = new AtomicReference<>();
    private volatile boolean givenUp;

    RecordSink(TopicPartition tp, long generation, long offset, byte[] key) {
      this.tp = tp;
      this.generation = generation;
      this.offset = offset;
      this.key = key;
    }

    /** Silences this sink and cancels its search; false when already given up. */
    boolean giveUp() {
      if (givenUp) {
        return false;
      }
      givenUp = true;
      if (search != null) {
        search.cancel();
      }
      return true;
    }

    @Override
    public void emit(SynthesisEvent event) {
      boolean last = event.hasFinished();
      if (givenUp) {
        if (last) {
          completions.add(new Completion(this, null));
        }
        return;
      }
      try {
        sends.execute(() -> publish(event, last));
      } catch (RejectedExecutionException stopped) {
        log.debug("[{}] event {} emitted after the intake stopped; not published",
            LogText.escape(event.getRequestId()), event.getSequence());
      }
    }

    private void publish(SynthesisEvent event, boolean last) {
      publisher.send(
          event,
          key,
          (md, e) -> {
            if (e != null) {
              sendError.compareAndSet(null, e);
              log.error("[{}] event {} not published: {}", LogText.escape(event.getRequestId()), event.getSequence(),
                  e.toString());
            }
            // Callbacks of one partition run in send order: every earlier event is settled here.
            if (last) {
              completions.add(new Completion(this, sendError.get()));
            }
          });
    }
  }
}
