package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import dev.lp.protocol.Candidate;
import dev.lp.protocol.Finished;
import dev.lp.protocol.Solved;
import dev.lp.search.Ranking;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.search.DistinctPrograms;
import dev.lp.search.Guidance;
import dev.lp.search.TaskGuidance;
import dev.lp.search.SynthesisModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One request from validation to Finished: emits Accepted, runs a LatentBeam (which fans out to
 * ProgramBeams; a StepwiseBeam for step-wise guidance, which runs one per step search), verifies their candidates, streams Candidate/Solved events and ends with exactly
 * one Finished, on success, exhaustion, deadline or failure.
 *
 * <p>Stopping the session stops every beam below it, and beams free their model handles when they
 * stop: that is how a deadline or an early solution cancels the rest of the search.
 */
final class Session extends AbstractBehavior<Session.Command> {

  sealed interface Command {}

  private record FromLatentBeam(LatentBeam.Reply reply) implements Command {}

  private record FromProgramBeam(ProgramBeam.Reply reply) implements Command {}

  private record GuidancePrepared(TaskGuidance guidance, Throwable failure) implements Command {}

  private record WrappedVerified(Verifier.Verified verified) implements Command {}

  private enum DeadlineReached implements Command {
    INSTANCE
  }

  static Behavior<Command> create(
      SynthesisRequest request,
      EventStream stream,
      RequestValidator validator,
      ModelSource models,
      ActorRef<ModelWorker.Command> worker) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> start(ctx, timers, request, stream, validator, models, worker)));
  }

  private static Behavior<Command> start(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      SynthesisRequest request,
      EventStream stream,
      RequestValidator validator,
      ModelSource models,
      ActorRef<ModelWorker.Command> worker) {
    var stats = new RequestStats();
    var invalid = validator.validate(request);
    if (invalid.isPresent()) {
      ctx.getLog().info("[{}] rejected: {}", LogText.escape(stream.requestId()), invalid.get().getMessage());
      stream.fail(invalid.get(), Finished.Status.REJECTED, stats.snapshot());
      return Behaviors.stopped();
    }
    ModelSource.Lease lease;
    try {
      lease = models.acquire();
    } catch (RuntimeException e) {
      lease = new ModelSource.Lease(null, () -> {});
    }
    SynthesisModel model = lease.model();
    if (model == null) {
      lease.close();
      stream.fail(
          Events.error(SynthesisError.Code.INTERNAL, "no model is loaded on this worker", ""),
          Finished.Status.REJECTED,
          stats.snapshot());
      return Behaviors.stopped();
    }
    stream.modelVersion(model.info().version());
    var budget = validator.budget(request);
    stream.emit(b -> b.setAccepted(dev.lp.protocol.Accepted.getDefaultInstance()));
    if (budget.deadline().isZero()) {
      // Sent longer ago than its deadline (it waited in Kafka, or a failed worker held it): no search.
      ctx.getLog().info("[{}] expired before it was served", LogText.escape(stream.requestId()));
      lease.close(); // nothing was opened on the model
      stream.finish(Finished.Status.DEADLINE, stats.snapshot());
      return Behaviors.stopped();
    }
    timers.startSingleTimer(DeadlineReached.INSTANCE, DeadlineReached.INSTANCE, budget.deadline());
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    for (var ex : request.getExamplesList()) {
      inputs.add(ex.getInput());
      outputs.add(ex.getOutput());
    }
    var verifier =
        ctx.spawn(
            Behaviors.supervise(Verifier.create(inputs, outputs))
                .onFailure(SupervisorStrategy.restart().withLimit(3, java.time.Duration.ofSeconds(10))),
            "verifier");
    var latentReplies = ctx.messageAdapter(LatentBeam.Reply.class, FromLatentBeam::new);
    var programReplies = ctx.messageAdapter(ProgramBeam.Reply.class, FromProgramBeam::new);
    String logId = LogText.escape(stream.requestId());
    java.util.function.Consumer<TaskGuidance> guidanceReady;
    if (budget.search().guidance() == Guidance.STEPWISE) {
      // Each step search prepares its own guidance (the remaining task's); this request's only names the mode.
      var stepwise = ctx.spawn(
          Behaviors.supervise(StepwiseBeam.create(logId, model, inputs, outputs, budget.search(), stats, worker,
              latentReplies, programReplies)).onFailure(SupervisorStrategy.stop()),
          "stepwise-beam");
      ctx.watch(stepwise);
      guidanceReady = g -> { };
    } else {
      var latent = ctx.spawn(
          Behaviors.supervise(LatentBeam.create(logId, model, inputs, outputs, budget.search(), stats, worker,
              latentReplies, programReplies)).onFailure(SupervisorStrategy.stop()),
          "latent-beam");
      ctx.watch(latent);
      guidanceReady = g -> latent.tell(new LatentBeam.GuidanceReady(g));
    }
    var ended = new java.util.concurrent.atomic.AtomicBoolean();
    prepareGuidance(ctx, validator.settings(), budget.search().guidance(), inputs, outputs, ended);
    return new Session(ctx, stream, budget, stats, verifier, worker, guidanceReady, inputs, outputs, lease, ended);
  }

  /**
   * Prepares the request's guidance: at once for off/prefix, on the version-space dispatcher for a
   * version space (up to its budget's time), while the latent beam runs. Builds run one at a time:
   * one whose request has {@code ended} by the time its turn comes is skipped, and one running when
   * its request ends stops at its next budget check, so a burst of requests that expire does not hold
   * later requests behind builds nobody will use.
   */
  private static void prepareGuidance(ActorContext<Command> ctx, EngineSettings settings, Guidance mode,
      List<String> inputs, List<String> outputs, java.util.concurrent.atomic.AtomicBoolean ended) {
    java.util.concurrent.CompletionStage<TaskGuidance> prepared;
    if (mode == Guidance.VERSIONSPACE) {
      var executor = ctx.getSystem().dispatchers()
          .lookup(org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("lp.engine.version-space-dispatcher"));
      prepared = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        if (ended.get()) {
          throw new java.util.concurrent.CancellationException("the request ended before its version space was built");
        }
        // a build still running when the request ends (deadline, cancel, failover) stops there too
        return TaskGuidance.prepare(mode, inputs, outputs, settings.versionSpace(), ended::get);
      }, executor);
    } else {
      prepared = java.util.concurrent.CompletableFuture.completedFuture(TaskGuidance.prepare(mode, inputs, outputs));
    }
    ctx.pipeToSelf(prepared, GuidancePrepared::new);
  }

  private final EventStream stream;
  // The request id as logs show it (escaped: it is client text).
  private final String logId;
  private final RequestValidator.Budget budget;
  private final RequestStats stats;
  // The model this request started on, held until the ModelWorker has closed the request's handles.
  private final ModelSource.Lease lease;
  // Set when this session stops: its version space, if still queued, is not built.
  private final java.util.concurrent.atomic.AtomicBoolean ended;
  private final ActorRef<Verifier.Command> verifier;
  private final ActorRef<Verifier.Verified> verifiedAdapter;
  private final ActorRef<ModelWorker.Command> worker;
  // Hands the prepared guidance to the search (the latent beam; a step-wise search prepares its own).
  private final java.util.function.Consumer<TaskGuidance> guidanceReady;
  private final List<String> inputs;
  private final List<String> outputs;
  // The version space's shortest program while it is verified, then its verification if consistent:
  // the answer when the model's beams find nothing in time.
  private dev.lp.search.Candidate enumerated;
  private Verification.Result enumeratedResult;
  private int expectedBeams = -1;
  private int finishedBeams;
  private int pendingVerifications;
  private int rank;
  // The model's consistent programs with their verifications, in the order verified: how many were
  // found, and (occam) the candidates the answer is ranked from when the search ends.
  private final List<Verifier.Verified> consistent = new ArrayList<>();
  private final DistinctPrograms reported = new DistinctPrograms();

  private Session(
      ActorContext<Command> ctx,
      EventStream stream,
      RequestValidator.Budget budget,
      RequestStats stats,
      ActorRef<Verifier.Command> verifier,
      ActorRef<ModelWorker.Command> worker,
      java.util.function.Consumer<TaskGuidance> guidanceReady,
      List<String> inputs,
      List<String> outputs,
      ModelSource.Lease lease,
      java.util.concurrent.atomic.AtomicBoolean ended) {
    super(ctx);
    this.lease = lease;
    this.ended = ended;
    this.worker = worker;
    this.guidanceReady = guidanceReady;
    this.inputs = inputs;
    this.outputs = outputs;
    this.stream = stream;
    this.logId = LogText.escape(stream.requestId());
    this.budget = budget;
    this.stats = stats;
    this.verifier = verifier;
    this.verifiedAdapter = ctx.messageAdapter(Verifier.Verified.class, WrappedVerified::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromLatentBeam.class, this::onLatentBeam)
        .onMessage(FromProgramBeam.class, this::onProgramBeam)
        .onMessage(GuidancePrepared.class, this::onGuidancePrepared)
        .onMessage(WrappedVerified.class, this::onVerified)
        .onMessageEquals(DeadlineReached.INSTANCE, this::onDeadline)
        .onSignal(ChildFailed.class, this::onChildFailed)
        .onSignal(Terminated.class, t -> this)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> onPostStop(PostStop s) {
    // Beams are stopped by now; whatever model handles they still held are closed here.
    ended.set(true);
    worker.tell(new ModelWorker.ReleaseRequest(stats, lease));
    return this;
  }

  private Behavior<Command> onGuidancePrepared(GuidancePrepared m) {
    TaskGuidance g = m.guidance();
    if (g == null) {
      getContext().getLog().warn("[{}] guidance not prepared ({}); searching with prefix guidance",
          logId, ModelWorker.describe(m.failure()));
      g = TaskGuidance.prepare(Guidance.PREFIX, inputs, outputs);
    }
    stats.guidance = g.effective().label();
    g.fallback().ifPresent(why -> getContext().getLog().info("[{}] version space: {}; prefix guidance instead",
        logId, why));
    guidanceReady.accept(g);
    g.enumerated().ifPresent(c -> {
      // Streamed at once so a client has a consistent answer before the model's beams finish.
      enumerated = c;
      pendingVerifications++;
      verifier.tell(new Verifier.Verify(enumerated, verifiedAdapter));
    });
    return this;
  }

  private Behavior<Command> onLatentBeam(FromLatentBeam m) {
    if (m.reply() instanceof LatentBeam.ProgramBeamsStarted started) {
      expectedBeams = started.programBeams();
      return maybeDone();
    }
    return fail(((LatentBeam.Failed) m.reply()).why());
  }

  private Behavior<Command> onProgramBeam(FromProgramBeam m) {
    if (m.reply() instanceof ProgramBeam.Found found) {
      return onFound(found.candidate());
    } else if (m.reply() instanceof ProgramBeam.Done done) {
      finishedBeams++;
      stats.hypothesesPruned.add(done.pruned());
      if (done.diedEmpty()) {
        stats.programBeamsDied.increment();
      }
      return maybeDone();
    }
    return fail(((ProgramBeam.Failed) m.reply()).why());
  }

  private Behavior<Command> onFound(dev.lp.search.Candidate c) {
    // The same program from two latent codes is verified and streamed once, as eval counts it.
    if (reported.firstTime(c)) {
      pendingVerifications++;
      verifier.tell(new Verifier.Verify(c, verifiedAdapter));
    }
    return this;
  }

  private Behavior<Command> onChildFailed(ChildFailed f) {
    return fail("search actor " + f.getRef().path().name() + " crashed: "
        + ModelWorker.describe(f.getCause()));
  }

  private Behavior<Command> onVerified(WrappedVerified w) {
    pendingVerifications--;
    stats.candidatesVerified.increment();
    var c = w.verified().candidate();
    var r = w.verified().result();
    int myRank = rank++;
    if (c == enumerated) {
      return onEnumeratedVerified(c, r, myRank);
    }
    if (budget.streamCandidates() || r.consistent()) {
      stream.emit(
          b ->
              b.setCandidate(candidateEvent(c, r, myRank, dev.lp.protocol.Source.SOURCE_MODEL)));
    }
    if (r.consistent()) {
      consistent.add(w.verified());
      if (consistent.size() == 1) {
        stats.solvedNow();
        if (budget.ranking() == Ranking.MODEL) {
          getContext().getLog().info("[{}] solved: {}", logId, r.programText());
          stream.emit(
              b ->
                  b.setSolved(solvedEvent(c, r, dev.lp.protocol.Source.SOURCE_MODEL)));
        }
      }
      if (consistent.size() >= budget.maxPrograms() && budget.ranking() == Ranking.MODEL) {
        return finish(Finished.Status.SOLVED); // occam ranks every program the beams find: it searches on
      }
    }
    return maybeDone();
  }

  private Behavior<Command> onEnumeratedVerified(dev.lp.search.Candidate c, Verification.Result r, int myRank) {
    if (r.consistent()) {
      enumeratedResult = r;
    } else {
      getContext().getLog().error("[{}] the version space's program {} is not consistent", logId,
          r.programText());
    }
    stream.emit(b -> b.setCandidate(candidateEvent(c, r, myRank, dev.lp.protocol.Source.SOURCE_ENUMERATOR)));
    return maybeDone();
  }

  private Behavior<Command> onDeadline() {
    getContext().getLog().info("[{}] deadline after {}", logId, budget.deadline());
    return finish(Finished.Status.DEADLINE);
  }

  private Behavior<Command> maybeDone() {
    if (expectedBeams >= 0 && finishedBeams >= expectedBeams && pendingVerifications == 0) {
      return finish(consistent.isEmpty() ? Finished.Status.EXHAUSTED : Finished.Status.SOLVED);
    }
    return this;
  }

  private Behavior<Command> finish(Finished.Status status) {
    if (budget.ranking() == Ranking.OCCAM && (!consistent.isEmpty() || enumeratedResult != null)) {
      // The answer is picked now from every consistent program: the model's in its score order, the
      // enumerator's last, the fewest expressions (then tokens) first.
      List<Verifier.Verified> ranked = new ArrayList<>(consistent);
      ranked.sort((x, y) -> Double.compare(y.candidate().score(), x.candidate().score()));
      if (enumeratedResult != null) {
        ranked.add(new Verifier.Verified(enumerated, enumeratedResult));
      }
      int pick = Ranking.OCCAM.pick(ranked.stream().map(Verifier.Verified::candidate).toList(), x -> true);
      boolean fromEnumerator = pick == ranked.size() - 1 && enumeratedResult != null;
      var c = ranked.get(pick).candidate();
      var r = ranked.get(pick).result();
      var source = fromEnumerator ? dev.lp.protocol.Source.SOURCE_ENUMERATOR : dev.lp.protocol.Source.SOURCE_MODEL;
      stats.solvedNow();
      stats.solutionSource = source;
      getContext().getLog().info("[{}] solved ({}, Occam-ranked among {}): {}", logId,
          fromEnumerator ? "the enumerator's program" : "the model's program", ranked.size(), r.programText());
      stream.emit(b -> b.setSolved(solvedEvent(c, r, source)));
      status = Finished.Status.SOLVED;
    } else if (status != Finished.Status.SOLVED && consistent.isEmpty() && enumeratedResult != null) {
      // The model's beams found nothing consistent in time: the enumerator's program is the answer.
      var r = enumeratedResult;
      stats.solvedNow();
      stats.solutionSource = dev.lp.protocol.Source.SOURCE_ENUMERATOR;
      getContext().getLog().info("[{}] solved by the enumerator: {}", logId, r.programText());
      stream.emit(b -> b.setSolved(solvedEvent(enumerated, r, dev.lp.protocol.Source.SOURCE_ENUMERATOR)));
      status = Finished.Status.SOLVED;
    }
    var s = stats.snapshot();
    stream.finish(status, s);
    getContext().getLog().info("[{}] finished {} in {} ms", logId, status, s.getLatencyMs());
    return Behaviors.stopped();
  }

  private Behavior<Command> fail(String why) {
    getContext().getLog().error("[{}] failed: {}", logId, why);
    stream.fail(
        Events.error(SynthesisError.Code.INTERNAL, why, ""),
        Finished.Status.FAILED,
        stats.snapshot());
    return Behaviors.stopped();
  }

  private static Candidate candidateEvent(dev.lp.search.Candidate c, Verification.Result r, int rank,
      dev.lp.protocol.Source source) {
    return Candidate.newBuilder()
        .setProgramText(r.programText())
        .addAllProgramIds(boxed(r.programIds()))
        .setScore(c.score())
        .addAllLatentCode(boxed(c.latentCode()))
        .setConsistent(r.consistent())
        .setRank(rank)
        .setSource(source)
        .build();
  }

  private static Solved solvedEvent(dev.lp.search.Candidate c, Verification.Result r, dev.lp.protocol.Source source) {
    return Solved.newBuilder()
        .setProgramText(r.programText())
        .addAllProgramIds(boxed(r.programIds()))
        .setScore(c.score())
        .addAllLatentCode(boxed(c.latentCode()))
        .addAllOutputs(r.outputs())
        .setSource(source)
        .build();
  }

  private static List<Integer> boxed(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }
}
