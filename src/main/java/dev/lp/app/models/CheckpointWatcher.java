package dev.lp.app.models;

import dev.lp.app.common.TempDirs;
import com.typesafe.config.Config;
import dev.lp.actors.ModelSource;
import dev.lp.app.models.ModelLoader;
import dev.lp.protocol.CheckpointChunk;
import dev.lp.protocol.Topics;
import dev.lp.search.ForwardingSynthesisModel;
import dev.lp.search.ModelInfo;
import dev.lp.search.SynthesisModel;
import dev.lp.checkpoint.CheckpointStore;
import dev.lp.checkpoint.Manifest;
import dev.lp.checkpoint.publish.CheckpointAssembler;
import dev.lp.checkpoint.publish.CheckpointPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ModelSource} that hot-reloads: it serves an initial model and follows
 * {@link Topics#CHECKPOINTS}; when a checkpoint of the same model kind with a higher training step
 * than the current one has arrived complete and verified ({@link CheckpointAssembler}), it is
 * loaded beside the current model and then becomes {@link #current()} for new requests.
 *
 * <p>Contract: every watcher reads the whole topic (assign + seekToBeginning, no consumer group),
 * so every worker sees every checkpoint; what was on the topic when it started is read first and
 * only the newest checkpoint among it that loads is loaded. Requests hold their model through a
 * {@link #acquire lease}: a replaced model is closed as soon as no request holds it (at once when
 * none does at the swap). As a safety net against a lease that is never released, a replaced model
 * still held when the drain period has passed since the swap, and unused for a short quiet period,
 * is closed anyway (logged as a warning); a call that comes after that fails with
 * IllegalStateException instead of touching freed memory. A chunk or
 * checkpoint that fails verification or loading is logged with its reason (and kept in
 * {@link #rejections()}) and the current model keeps serving. The watcher owns the initial model
 * and every model it loads: {@link #close} (after the worker using it has stopped) closes them.
 */
public final class CheckpointWatcher implements ModelSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckpointWatcher.class);

  /** Time without any call into a replaced model before it may be closed. */
  static final Duration QUIET = Duration.ofSeconds(1);
  /** Checkpoints completed while catching up that stay on disk until the newest is loaded. */
  static final int KEPT_WHILE_CATCHING_UP = 3;
  /** Added to the engine's maximum deadline for the default drain period. */
  static final Duration DRAIN_MARGIN = Duration.ofSeconds(5);

  private final String bootstrap;
  private final Duration drain;
  private final Path staging;
  private final Function<Path, SynthesisModel> loader;
  private final String kind;
  private final AtomicReference<Retirable> current;
  private final List<Retirable> retiring = new ArrayList<>();
  private final List<String> rejections = new CopyOnWriteArrayList<>();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean stopping;
  private long currentStep;
  /**
   * End offsets of the topic when watching started, until the consumer has read up to them (then
   * null): checkpoints completed while catching up are only collected, and the newest one that
   * loads is swapped in once, so a worker starting on a long topic does not load every old one.
   */
  private Map<TopicPartition, Long> catchUp;
  private final List<CheckpointStore.Checkpoint> caughtUpWith = new ArrayList<>();

  private CheckpointWatcher(String bootstrap, SynthesisModel initial, Duration drain, Path staging,
      Function<Path, SynthesisModel> loader) {
    this.bootstrap = bootstrap;
    this.drain = drain;
    this.staging = staging;
    this.loader = loader;
    this.kind = initial.info().kind();
    this.currentStep = stepOf(initial.info().version());
    this.current = new AtomicReference<>(new Retirable(initial));
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "lp-checkpoint-watcher");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "lp-checkpoint-watcher");
    this.thread.setDaemon(true);
  }

  /**
   * Starts watching with the engine's default drain period ({@link #defaultDrain}) and checkpoints
   * assembled under a temporary directory.
   */
  public static CheckpointWatcher start(String bootstrap, SynthesisModel initial, Duration drain) {
    return start(bootstrap, initial, drain, TempDirs.create("lp-checkpoints-"), ModelLoader::load);
  }

  /**
   * Starts watching: creates the topic when it is missing, assigns all its partitions from the
   * beginning and starts the consumer thread.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param initial the model served until a newer checkpoint arrives (now owned by the watcher);
   *     its version "name@STEP" gives the step to beat (a version without a step is beaten by any)
   * @param drain how long a replaced model stays open after the swap, at least
   * @param staging directory the received checkpoints are written under (deleted on close)
   * @param loader verifies and loads a checkpoint directory (ModelLoader::load in production)
   */
  public static CheckpointWatcher start(String bootstrap, SynthesisModel initial, Duration drain, Path staging,
      Function<Path, SynthesisModel> loader) {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("the checkpoint watcher needs Kafka bootstrap servers");
    }
    if (initial == null) {
      throw new IllegalArgumentException("the checkpoint watcher needs an initial model");
    }
    if (drain == null || drain.isNegative()) {
      throw new IllegalArgumentException("the drain period must be >= 0, got " + drain);
    }
    if (staging == null || loader == null) {
      throw new IllegalArgumentException("the checkpoint watcher needs a staging directory and a loader");
    }
    CheckpointPublisher.ensureTopic(bootstrap, Duration.ofSeconds(30));
    var w = new CheckpointWatcher(bootstrap, initial, drain, staging, loader);
    try {
      List<TopicPartition> partitions = w.partitions(Duration.ofSeconds(30));
      w.consumer.assign(partitions);
      w.consumer.seekToBeginning(partitions);
      w.catchUp = new HashMap<>(w.consumer.endOffsets(partitions, Duration.ofSeconds(30)));
    } catch (RuntimeException e) {
      w.consumer.close();
      throw e;
    }
    w.thread.start();
    log.info("watching {} on {} for {} checkpoints newer than {} (drain {} ms)", Topics.CHECKPOINTS, bootstrap,
        w.kind, initial.info().version(), drain.toMillis());
    return w;
  }

  /** The topic's partitions; a topic just created may take a moment to show them in metadata. */
  private List<TopicPartition> partitions(Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      var infos = consumer.partitionsFor(Topics.CHECKPOINTS, timeout);
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("topic " + Topics.CHECKPOINTS + " shows no partitions on " + bootstrap
            + " after " + timeout.toSeconds() + " s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + Topics.CHECKPOINTS + "'s partitions", e);
      }
    }
  }

  /**
   * The longest a request may run ({@code lp.engine.max-deadline}, which the engine enforces) plus a
   * margin: after it no request can still be using a replaced model.
   */
  public static Duration defaultDrain(Config config) {
    return config.getDuration("lp.engine.max-deadline").plus(DRAIN_MARGIN);
  }

  @Override
  public SynthesisModel current() {
    return current.get();
  }

  /** The current model, counted as held until the lease is closed. */
  @Override
  public Lease acquire() {
    while (true) {
      Retirable r = current.get();
      if (r.hold()) {
        return new Lease(r, () -> release(r));
      }
      // r was replaced and closed between the read and the hold: the new current is there now
    }
  }

  private void release(Retirable r) {
    if (r.release()) {
      closeReplaced(r, "no request holds it any more");
    }
  }

  /** Closes a replaced model (once) and forgets it. */
  private void closeReplaced(Retirable r, String why) {
    if (r.retire()) {
      synchronized (retiring) {
        retiring.remove(r);
      }
      log.info("closed the replaced model {} ({})", r.info().version(), why);
    }
  }

  /** The version new requests are served with. */
  public String currentVersion() {
    return current.get().info().version();
  }

  /** Reasons of refused chunks and checkpoints so far, oldest first. */
  public List<String> rejections() {
    return List.copyOf(rejections);
  }

  private void run() {
    var assembler = new CheckpointAssembler(staging);
    var headers = new HashMap<String, Boolean>();
    try {
      while (!stopping) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          onRecord(r, assembler, headers);
        }
        if (catchUp != null && caughtUp()) {
          catchUp = null;
          loadNewestOf(caughtUpWith);
          caughtUpWith.clear();
        }
        retireDrained(false);
      }
    } catch (WakeupException e) {
      if (!stopping) {
        log.error("checkpoint watcher woken up unexpectedly; hot reload stops", e);
      }
    } catch (RuntimeException e) {
      log.error("checkpoint watcher failed; hot reload stops, the current model keeps serving", e);
    }
  }

  private void onRecord(ConsumerRecord<byte[], byte[]> r, CheckpointAssembler assembler, Map<String, Boolean> wanted) {
    if (r.value() == null) {
      return; // a tombstone: its publisher retired that chunk's checkpoint (compaction drops it)
    }
    CheckpointChunk chunk;
    try {
      chunk = CheckpointChunk.parseFrom(r.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      reject("record at offset " + r.offset() + " is not a CheckpointChunk: " + e.getMessage());
      return;
    }
    String id = CheckpointAssembler.idOf(chunk);
    // Older, equal and other-kind checkpoints are skipped before their bytes are buffered.
    boolean want = wanted.computeIfAbsent(id, v -> chunk.getKind().equals(kind) && chunk.getStep() > currentStep);
    if (!want || chunk.getStep() <= currentStep) {
      assembler.forget(id);
      return;
    }
    CheckpointAssembler.Result result = assembler.accept(chunk);
    if (result instanceof CheckpointAssembler.Result.Rejected rej) {
      wanted.remove(id);
      reject("checkpoint " + rej.version() + " refused: " + rej.reason());
    } else if (result instanceof CheckpointAssembler.Result.Complete done) {
      wanted.remove(id);
      if (catchUp != null) {
        collect(done.checkpoint());
      } else {
        swapTo(done.checkpoint());
      }
    }
  }

  /** Whether the consumer has read past every record that was on the topic when it started. */
  private boolean caughtUp() {
    for (Map.Entry<TopicPartition, Long> e : catchUp.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Keeps a checkpoint completed while catching up, and only the newest {@link #KEPT_WHILE_CATCHING_UP}
   * of them on disk (the others are fallbacks that would only be tried if every newer one failed).
   */
  private void collect(CheckpointStore.Checkpoint c) {
    caughtUpWith.add(c);
    caughtUpWith.sort(Comparator.comparingLong((CheckpointStore.Checkpoint k) -> k.manifest().step()).reversed());
    while (caughtUpWith.size() > KEPT_WHILE_CATCHING_UP) {
      discard(caughtUpWith.remove(caughtUpWith.size() - 1));
    }
  }

  /** Loads the newest checkpoint that loads, newest first; the older ones are never loaded. */
  private void loadNewestOf(List<CheckpointStore.Checkpoint> found) {
    List<CheckpointStore.Checkpoint> newestFirst = new ArrayList<>(found);
    newestFirst.sort(Comparator.comparingLong((CheckpointStore.Checkpoint c) -> c.manifest().step()).reversed());
    boolean swapped = false;
    for (CheckpointStore.Checkpoint c : newestFirst) {
      if (!swapped) {
        swapped = swapTo(c);
      } else {
        discard(c);
      }
    }
  }

  /**
   * Swaps to c when it is of this kind, newer than the current model and loads; returns whether it
   * did. Its staged files are deleted either way: a loaded model holds its weights in memory.
   */
  private boolean swapTo(CheckpointStore.Checkpoint c) {
    Manifest m = c.manifest();
    SynthesisModel loaded;
    try {
      if (!m.kind().equals(kind) || m.step() <= currentStep) {
        return false;
      }
      loaded = loader.apply(c.dir());
    } catch (RuntimeException e) {
      reject("checkpoint " + c.version() + " does not load: " + e.getMessage());
      return false;
    } finally {
      discard(c);
    }
    Retirable old = current.getAndSet(new Retirable(loaded));
    currentStep = m.step();
    synchronized (retiring) {
      retiring.add(old);
    }
    int held = old.replaced();
    log.info("hot reload: new requests use {} (was {}); the old model closes when the {} request(s) holding it"
        + " finish (at the latest after {} ms)", loaded.info().version(), old.info().version(), held, drain.toMillis());
    if (held == 0) {
      closeReplaced(old, "no request held it");
    }
    return true;
  }

  private void reject(String reason) {
    rejections.add(reason);
    log.warn("{}; still serving {}", reason, currentVersion());
  }

  private void retireDrained(boolean all) {
    synchronized (retiring) {
      long now = System.nanoTime();
      var it = retiring.iterator();
      while (it.hasNext()) {
        Retirable r = it.next();
        boolean drained = now - r.replacedAt >= drain.toNanos() && now - r.lastUse >= QUIET.toNanos();
        if (all || drained) {
          int held = r.holders();
          r.retire();
          it.remove();
          if (all) {
            log.info("closed the replaced model {}", r.info().version());
          } else {
            log.warn("closed the replaced model {} after the drain period ({} ms) though {} lease(s) on it were"
                + " never released", r.info().version(), drain.toMillis(), held);
          }
        }
      }
    }
  }

  /** The step in a version "name@STEP", or Long.MIN_VALUE when it has none. */
  static long stepOf(String version) {
    int at = version == null ? -1 : version.lastIndexOf('@');
    if (at < 0) {
      return Long.MIN_VALUE;
    }
    try {
      return Long.parseLong(version.substring(at + 1));
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  /** Stops the consumer thread, then closes the current and every replaced model. */
  @Override
  public void close() {
    stopping = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    retireDrained(true);
    current.get().retire();
    TempDirs.deleteTree(staging);
    log.info("checkpoint watcher on {} stopped", bootstrap);
  }

  /** Deletes a staged checkpoint and its per-manifest parent directory once that is empty. */
  private static void discard(CheckpointStore.Checkpoint c) {
    TempDirs.deleteTree(c.dir());
    try {
      Files.deleteIfExists(c.dir().getParent());
    } catch (IOException notEmpty) {
      // another checkpoint of the same manifest hash is still staged there
    }
  }

  /**
   * A served model that can be closed safely while others may still call it: calls hold the read
   * lock, retiring takes the write lock, and a call after retirement fails with a clear message.
   */
  private static final class Retirable extends ForwardingSynthesisModel {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ModelInfo info;
    private boolean retired;
    volatile long lastUse = System.nanoTime();
    volatile long replacedAt;
    // Requests holding this model (guarded by this object's monitor), and whether it was replaced.
    private int holders;
    private boolean isReplaced;

    /** Counts one more holder; false when this model is already closed. */
    synchronized boolean hold() {
      if (retired) {
        return false;
      }
      holders++;
      return true;
    }

    /** One holder fewer; true when that left a replaced model unheld (the caller closes it). */
    synchronized boolean release() {
      holders--;
      return isReplaced && holders == 0;
    }

    /** Marks this model replaced; returns how many requests hold it now. */
    synchronized int replaced() {
      replacedAt = System.nanoTime();
      isReplaced = true;
      return holders;
    }

    synchronized int holders() {
      return holders;
    }

    Retirable(SynthesisModel delegate) {
      super(delegate);
      this.info = delegate.info();
    }

    @Override
    public ModelInfo info() {
      return info;
    }

    @Override
    public Spec encode(List<String> inputs, List<String> outputs) {
      return call(() -> delegate.encode(inputs, outputs));
    }

    @Override
    public Decoder latentDecoder(Spec spec, int rows) {
      return call(() -> delegate.latentDecoder(spec, rows));
    }

    @Override
    public Decoder programDecoder(Spec spec, int[][] latents) {
      return call(() -> delegate.programDecoder(spec, latents));
    }

    @Override
    public List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
      return call(() -> delegate.stepAll(decoders, tokens));
    }

    /** The engine never closes a model it got from a source; only {@link #retire} does. */
    @Override
    public void close() {}

    private <T> T call(java.util.function.Supplier<T> body) {
      lock.readLock().lock();
      try {
        if (retired) {
          throw new IllegalStateException("model " + info.version() + " was replaced by a hot reload and closed"
              + " (its drain period ended before this request finished)");
        }
        lastUse = System.nanoTime();
        return body.get();
      } finally {
        lastUse = System.nanoTime();
        lock.readLock().unlock();
      }
    }

    /** Closes the model once; true for the call that closed it. */
    boolean retire() {
      lock.writeLock().lock();
      try {
        synchronized (this) {
          if (retired) {
            return false;
          }
          retired = true;
        }
        delegate.close();
        return true;
      } finally {
        lock.writeLock().unlock();
      }
    }
  }
}
