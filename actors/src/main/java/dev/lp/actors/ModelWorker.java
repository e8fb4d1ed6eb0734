package dev.lp.actors;

import dev.lp.search.SynthesisModel;
import dev.lp.search.SynthesisModel.Decoder;
import dev.lp.search.SynthesisModel.Spec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The only actor that touches models: runs encodes and decoder opens at once, and batches decoder
 * steps from every beam of every session into {@code stepAll} calls by {@link BatchPolicy}.
 *
 * <p>Runs on {@code lp.engine.model-dispatcher} (one thread) because a model serves one thread at
 * a time. A model call that throws fails only the jobs it carried (they get {@link Failed}); the
 * worker keeps serving. Handles (specs, decoders) are closed here too, via {@link Release}.
 */
final class ModelWorker extends AbstractBehavior<ModelWorker.Command> {

  /** Messages the worker accepts. */
  sealed interface Command {}

  /** Encode the examples; answers {@link Encoded} or {@link Failed}. */
  record Encode(
      SynthesisModel model,
      List<String> inputs,
      List<String> outputs,
      RequestStats stats,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** Open {@code rows} latent decoders on {@code spec}; answers {@link Opened} or {@link Failed}. */
  record OpenLatentDecoder(
      SynthesisModel model, Spec spec, int rows, RequestStats stats, ActorRef<Reply> replyTo)
      implements Command {}

  /** Open one program decoder row per latent code; answers {@link Opened} or {@link Failed}. */
  record OpenProgramDecoder(
      SynthesisModel model, Spec spec, int[][] latents, RequestStats stats, ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Reorder the decoder's rows to {@code parents} (null: keep them), then feed {@code tokens};
   * answers {@link Stepped} or {@link Failed}. Batched with other steps.
   */
  record Step(
      SynthesisModel model,
      Decoder decoder,
      int[] parents,
      int[] tokens,
      RequestStats stats,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** Close one spec or decoder of a request early (on this thread, as the port requires). */
  record Release(AutoCloseable handle, RequestStats owner) implements Command {}

  /**
   * The request is over: drop its queued steps, close every handle it still holds (decoders
   * before their spec), refuse later opens for it, then release its model lease (so a replaced
   * model closes once no request holds it). No answer.
   */
  record ReleaseRequest(RequestStats owner, ModelSource.Lease lease) implements Command {
    /** A release that holds no model lease. */
    ReleaseRequest(RequestStats owner) {
      this(owner, null);
    }
  }

  private enum Flush implements Command {
    INSTANCE
  }

  /** Answers of the worker. */
  sealed interface Reply {}

  record Encoded(Spec spec) implements Reply {}

  record Opened(Decoder decoder) implements Reply {}

  record Stepped(float[][] logProbs) implements Reply {}

  record Failed(String message) implements Reply {}

  private record Queued(Step step, long enqueuedNanos) {}

  static Behavior<Command> create(BatchPolicy policy) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ModelWorker(ctx, timers, policy)));
  }

  private final TimerScheduler<Command> timers;
  private final BatchPolicy policy;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private final Set<Decoder> liveDecoders = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Map<RequestStats, List<AutoCloseable>> handles = new IdentityHashMap<>();

  private ModelWorker(ActorContext<Command> ctx, TimerScheduler<Command> timers, BatchPolicy policy) {
    super(ctx);
    this.timers = timers;
    this.policy = policy;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Encode.class, this::onEncode)
        .onMessage(OpenLatentDecoder.class, this::onOpenLatent)
        .onMessage(OpenProgramDecoder.class, this::onOpenProgram)
        .onMessage(Step.class, this::onStep)
        .onMessage(Release.class, this::onRelease)
        .onMessage(ReleaseRequest.class, this::onReleaseRequest)
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onSignal(PreRestart.class, s -> shutdown("model worker restarting"))
        .onSignal(PostStop.class, s -> shutdown("model worker stopped"))
        .build();
  }

  private Behavior<Command> onEncode(Encode m) {
    if (m.stats().releasedByWorker) {
      m.replyTo().tell(new Failed("request already finished"));
      return this;
    }
    long t0 = System.nanoTime();
    try {
      Spec spec = m.model().encode(m.inputs(), m.outputs());
      own(m.stats(), spec);
      m.replyTo().tell(new Encoded(spec));
    } catch (RuntimeException e) {
      m.replyTo().tell(new Failed("encode failed: " + describe(e)));
    } finally {
      charge(m.stats(), System.nanoTime() - t0);
    }
    return this;
  }

  private Behavior<Command> onOpenLatent(OpenLatentDecoder m) {
    return open(m.stats(), m.replyTo(), "latent", () -> m.model().latentDecoder(m.spec(), m.rows()));
  }

  private Behavior<Command> onOpenProgram(OpenProgramDecoder m) {
    return open(m.stats(), m.replyTo(), "program", () -> m.model().programDecoder(m.spec(), m.latents()));
  }

  /** Opens a decoder for a request that is still running; the time it takes is the request's. */
  private Behavior<Command> open(RequestStats stats, ActorRef<Reply> replyTo, String kind, Supplier<Decoder> opener) {
    if (stats.releasedByWorker) {
      replyTo.tell(new Failed("request already finished"));
      return this;
    }
    long t0 = System.nanoTime();
    try {
      Decoder d = opener.get();
      liveDecoders.add(d);
      own(stats, d);
      replyTo.tell(new Opened(d));
    } catch (RuntimeException e) {
      replyTo.tell(new Failed(kind + " decoder failed to open: " + describe(e)));
    } finally {
      chargeSetUp(stats, t0);
    }
    return this;
  }

  private Behavior<Command> onStep(Step m) {
    if (m.stats().releasedByWorker || !liveDecoders.contains(m.decoder())) {
      m.replyTo().tell(new Failed("decoder already released"));
      return this;
    }
    queue.add(new Queued(m, System.nanoTime()));
    return drain();
  }

  private Behavior<Command> onFlush() {
    return drain();
  }

  private Behavior<Command> onRelease(Release m) {
    var owned = handles.get(m.owner());
    if (owned != null && owned.remove(m.handle())) {
      close(m.handle());
    }
    // A released decoder can no longer join a batch, so waiting jobs may be ready now.
    return drain();
  }

  private Behavior<Command> onReleaseRequest(ReleaseRequest m) {
    m.owner().releasedByWorker = true;
    queue.removeIf(q -> q.step().stats() == m.owner());
    var owned = handles.remove(m.owner());
    if (owned != null) {
      // Newest first: decoders before the spec they were made from.
      for (int i = owned.size() - 1; i >= 0; i--) {
        close(owned.get(i));
      }
    }
    if (m.lease() != null) {
      m.lease().close(); // no handle of this request is left: its model may be closed once unheld
    }
    return drain();
  }

  private void own(RequestStats owner, AutoCloseable handle) {
    handles.computeIfAbsent(owner, k -> new ArrayList<>()).add(handle);
  }

  private void close(AutoCloseable handle) {
    if (handle instanceof Decoder d) {
      liveDecoders.remove(d);
      queue.removeIf(q -> q.step().decoder() == d);
    }
    try {
      handle.close();
    } catch (Exception e) {
      getContext().getLog().warn("closing a model handle failed: {}", describe(e));
    }
  }

  private Behavior<Command> drain() {
    while (true) {
      Duration oldest =
          queue.isEmpty() ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - queue.peek().enqueuedNanos());
      BatchPolicy.Decision d = policy.decide(queue.size(), liveDecoders.size(), oldest);
      if (d instanceof BatchPolicy.Run run) {
        timers.cancel(Flush.INSTANCE);
        List<Step> batch = new ArrayList<>(run.take());
        for (int i = 0; i < run.take(); i++) {
          batch.add(queue.poll().step());
        }
        runBatch(batch);
      } else if (d instanceof BatchPolicy.Wait wait) {
        timers.startSingleTimer(Flush.INSTANCE, Flush.INSTANCE, wait.remaining());
        return this;
      } else {
        return this;
      }
    }
  }

  private void runBatch(List<Step> batch) {
    Map<SynthesisModel, List<Step>> byModel = new LinkedHashMap<>();
    for (Step s : batch) {
      byModel.computeIfAbsent(s.model(), k -> new ArrayList<>()).add(s);
    }
    for (var entry : byModel.entrySet()) {
      runGroup(entry.getKey(), entry.getValue());
    }
  }

  private void runGroup(SynthesisModel model, List<Step> steps) {
    List<Step> ready = new ArrayList<>(steps.size());
    for (Step s : steps) {
      // Reordering gathers the decoder's KV cache rows: model work, charged as model time.
      long r0 = System.nanoTime();
      try {
        if (s.parents() != null) {
          s.decoder().reorder(s.parents());
        }
        ready.add(s);
      } catch (RuntimeException e) {
        s.replyTo().tell(new Failed("decoder reorder failed: " + describe(e)));
      } finally {
        if (s.parents() != null && s.stats() != null) {
          s.stats().modelNanos.add(System.nanoTime() - r0);
        }
      }
    }
    if (ready.isEmpty()) {
      return;
    }
    List<Decoder> decoders = new ArrayList<>(ready.size());
    List<int[]> tokens = new ArrayList<>(ready.size());
    long rows = 0;
    for (Step s : ready) {
      decoders.add(s.decoder());
      tokens.add(s.tokens());
      rows += s.tokens().length;
    }
    long t0 = System.nanoTime();
    List<float[][]> out;
    try {
      out = model.stepAll(decoders, tokens);
      if (out == null || out.size() != ready.size()) {
        throw new IllegalStateException(
            "stepAll returned " + (out == null ? "null" : out.size() + " results") + " for "
                + ready.size() + " decoders");
      }
    } catch (RuntimeException e) {
      long spent = System.nanoTime() - t0;
      String why = "model step failed: " + describe(e);
      getContext().getLog().error("{} ({} jobs failed)", why, ready.size(), e);
      for (Step s : ready) {
        charge(s.stats(), spent / ready.size());
        s.replyTo().tell(new Failed(why));
      }
      return;
    }
    long spent = System.nanoTime() - t0;
    for (int i = 0; i < ready.size(); i++) {
      Step s = ready.get(i);
      // Each request pays for the share of rows it put into the batch.
      charge(s.stats(), rows == 0 ? 0 : spent * s.tokens().length / rows);
      s.replyTo().tell(new Stepped(out.get(i)));
    }
  }

  /**
   * Opening a decoder is model work (the examples' cross-attention keys and values for its layers,
   * the latent code's memory): charged as model time, not counted as a model call (calls are
   * encodes and steps).
   */
  private static void chargeSetUp(RequestStats stats, long t0) {
    if (stats != null) {
      stats.modelNanos.add(System.nanoTime() - t0);
    }
  }

  private static void charge(RequestStats stats, long nanos) {
    if (stats != null) {
      stats.modelCalls.increment();
      stats.modelNanos.add(nanos);
    }
  }

  private Behavior<Command> shutdown(String why) {
    for (Queued q : queue) {
      q.step().replyTo().tell(new Failed(why));
    }
    queue.clear();
    // The state (and so the ownership records) is lost on restart: close what we hold now.
    for (var owned : handles.values()) {
      for (int i = owned.size() - 1; i >= 0; i--) {
        close(owned.get(i));
      }
    }
    handles.clear();
    return this;
  }

  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}
