package dev.lp.actors;

import dev.lp.protocol.Candidate;
import dev.lp.protocol.Finished;
import dev.lp.protocol.Solved;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.search.DistinctPrograms;
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
 * ProgramBeams), verifies their candidates, streams Candidate/Solved events and ends with exactly
 * one Finished, on success, exhaustion, deadline or failure.
 *
 * <p>Stopping the session stops every beam below it, and beams free their model handles when they
 * stop: that is how a deadline or an early solution cancels the rest of the search.
 */
final class Session extends AbstractBehavior<Session.Command> {

  sealed interface Command {}

  private record FromLatentBeam(LatentBeam.Reply reply) implements Command {}

  private record FromProgramBeam(ProgramBeam.Reply reply) implements Command {}

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
      ctx.getLog().info("[{}] rejected: {}", stream.requestId(), invalid.get().getMessage());
      stream.fail(invalid.get(), Finished.Status.REJECTED, stats.snapshot());
      return Behaviors.stopped();
    }
    SynthesisModel model;
    try {
      model = models.current();
    } catch (RuntimeException e) {
      model = null;
    }
    if (model == null) {
      stream.fail(
          Events.error(dev.lp.protocol.Error.Code.INTERNAL, "no model is loaded on this worker", ""),
          Finished.Status.REJECTED,
          stats.snapshot());
      return Behaviors.stopped();
    }
    stream.modelVersion(model.info().version());
    var budget = validator.budget(request);
    stream.emit(b -> b.setAccepted(dev.lp.protocol.Accepted.getDefaultInstance()));
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
    var latent =
        ctx.spawn(
            Behaviors.supervise(
                    LatentBeam.create(
                        stream.requestId(), model, inputs, outputs, budget.search(), stats, worker,
                        ctx.messageAdapter(LatentBeam.Reply.class, FromLatentBeam::new),
                        ctx.messageAdapter(ProgramBeam.Reply.class, FromProgramBeam::new)))
                .onFailure(SupervisorStrategy.stop()),
            "latent-beam");
    ctx.watch(latent);
    return new Session(ctx, stream, budget, stats, verifier, worker);
  }

  private final EventStream stream;
  private final RequestValidator.Budget budget;
  private final RequestStats stats;
  private final ActorRef<Verifier.Command> verifier;
  private final ActorRef<Verifier.Verified> verifiedAdapter;
  private final ActorRef<ModelWorker.Command> worker;
  private int expectedBeams = -1;
  private int finishedBeams;
  private int pendingVerifications;
  private int rank;
  private int consistentFound;
  private final DistinctPrograms reported = new DistinctPrograms();

  private Session(
      ActorContext<Command> ctx,
      EventStream stream,
      RequestValidator.Budget budget,
      RequestStats stats,
      ActorRef<Verifier.Command> verifier,
      ActorRef<ModelWorker.Command> worker) {
    super(ctx);
    this.worker = worker;
    this.stream = stream;
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
        .onMessage(WrappedVerified.class, this::onVerified)
        .onMessageEquals(DeadlineReached.INSTANCE, this::onDeadline)
        .onSignal(ChildFailed.class, this::onChildFailed)
        .onSignal(Terminated.class, t -> this)
        .onSignal(PostStop.class, this::onPostStop)
        .build();
  }

  private Behavior<Command> onPostStop(PostStop s) {
    // Beams are stopped by now; whatever model handles they still held are closed here.
    worker.tell(new ModelWorker.ReleaseRequest(stats));
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
    if (budget.streamCandidates() || r.consistent()) {
      stream.emit(
          b ->
              b.setCandidate(
                  Candidate.newBuilder()
                      .setProgramText(r.programText())
                      .addAllProgramIds(boxed(r.programIds()))
                      .setScore(c.score())
                      .addAllLatentCode(boxed(c.latentCode()))
                      .setConsistent(r.consistent())
                      .setRank(myRank)));
    }
    if (r.consistent()) {
      consistentFound++;
      if (consistentFound == 1) {
        stats.solvedNow();
        getContext().getLog().info("[{}] solved: {}", stream.requestId(), r.programText());
        stream.emit(
            b ->
                b.setSolved(
                    Solved.newBuilder()
                        .setProgramText(r.programText())
                        .addAllProgramIds(boxed(r.programIds()))
                        .setScore(c.score())
                        .addAllLatentCode(boxed(c.latentCode()))
                        .addAllOutputs(r.outputs())));
      }
      if (consistentFound >= budget.maxPrograms()) {
        return finish(Finished.Status.SOLVED);
      }
    }
    return maybeDone();
  }

  private Behavior<Command> onDeadline() {
    getContext().getLog().info("[{}] deadline after {}", stream.requestId(), budget.deadline());
    return finish(Finished.Status.DEADLINE);
  }

  private Behavior<Command> maybeDone() {
    if (expectedBeams >= 0 && finishedBeams >= expectedBeams && pendingVerifications == 0) {
      return finish(consistentFound > 0 ? Finished.Status.SOLVED : Finished.Status.EXHAUSTED);
    }
    return this;
  }

  private Behavior<Command> finish(Finished.Status status) {
    var s = stats.snapshot();
    stream.finish(status, s);
    getContext().getLog().info("[{}] finished {} in {} ms", stream.requestId(), status, s.getLatencyMs());
    return Behaviors.stopped();
  }

  private Behavior<Command> fail(String why) {
    getContext().getLog().error("[{}] failed: {}", stream.requestId(), why);
    stream.fail(
        Events.error(dev.lp.protocol.Error.Code.INTERNAL, why, ""),
        Finished.Status.FAILED,
        stats.snapshot());
    return Behaviors.stopped();
  }

  private static List<Integer> boxed(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }
}
