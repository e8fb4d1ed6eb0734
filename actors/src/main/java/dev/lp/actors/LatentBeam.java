package dev.lp.actors;

import dev.lp.search.BeamSearch;
import dev.lp.search.ModelInfo;
import dev.lp.search.ProgramSearch;
import dev.lp.search.SearchBudget;
import dev.lp.search.TaskGuidance;
import dev.lp.search.SynthesisModel;
import dev.lp.search.SynthesisModel.Decoder;
import dev.lp.search.SynthesisModel.Spec;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The first level of the two-level search: encodes the examples once, beam-searches L latent
 * codes (one step message at a time through the ModelWorker), then starts one ProgramBeam of
 * width floor(B/L) per code ({@link SearchBudget#programsPerCode}) and tells its requester how
 * many. A model without latent codes (the baseline) skips the latent search: one ProgramBeam of
 * width B with an empty code. The program beams answer the requester directly.
 */
final class LatentBeam extends AbstractBehavior<LatentBeam.Command> {

  sealed interface Command {}

  private record FromWorker(ModelWorker.Reply reply) implements Command {}

  /**
   * The request's guidance is prepared (the requester builds it, off this actor's thread for a
   * version space): program beams start once both it and the latent codes are ready.
   */
  record GuidanceReady(TaskGuidance guidance) implements Command {}

  /** What a latent beam tells its requester. */
  sealed interface Reply {}

  /** {@code programBeams} ProgramBeams started; each will answer with ProgramBeam.Done or Failed. */
  record ProgramBeamsStarted(int programBeams) implements Reply {}

  /** A model call failed or a program beam crashed; the search cannot go on. */
  record Failed(String why) implements Reply {}

  static Behavior<Command> create(
      String requestId,
      SynthesisModel model,
      List<String> inputs,
      List<String> outputs,
      SearchBudget budget,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Reply> replyTo,
      ActorRef<ProgramBeam.Reply> programReplies) {
    return Behaviors.setup(
        ctx -> new LatentBeam(ctx, requestId, model, inputs, outputs, budget, stats, worker, replyTo, programReplies));
  }

  private final String requestId;
  private final SynthesisModel model;
  private final SearchBudget budget;
  private final RequestStats stats;
  private final ActorRef<ModelWorker.Command> worker;
  private final ActorRef<Reply> replyTo;
  private final ActorRef<ProgramBeam.Reply> programReplies;
  private final ActorRef<ModelWorker.Reply> replies;
  private Spec spec;
  private Decoder decoder;
  private BeamSearch search;
  private BeamSearch.Plan plan;
  private TaskGuidance guidance;
  private List<int[]> codes;

  private LatentBeam(
      ActorContext<Command> ctx,
      String requestId,
      SynthesisModel model,
      List<String> inputs,
      List<String> outputs,
      SearchBudget budget,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Reply> replyTo,
      ActorRef<ProgramBeam.Reply> programReplies) {
    super(ctx);
    this.requestId = requestId;
    this.model = model;
    this.budget = budget;
    this.stats = stats;
    this.worker = worker;
    this.replyTo = replyTo;
    this.programReplies = programReplies;
    this.replies = ctx.messageAdapter(ModelWorker.Reply.class, FromWorker::new);
    worker.tell(new ModelWorker.Encode(model, inputs, outputs, stats, replies));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromWorker.class, this::onReply)
        .onMessage(GuidanceReady.class, this::onGuidanceReady)
        .onSignal(ChildFailed.class, this::onChildFailed)
        .onSignal(Terminated.class, t -> this)
        .build();
  }

  private Behavior<Command> onReply(FromWorker m) {
    var r = m.reply();
    if (r instanceof ModelWorker.Encoded e) {
      return onEncoded(e.spec());
    } else if (r instanceof ModelWorker.Opened o) {
      decoder = o.decoder();
      return next(null);
    } else if (r instanceof ModelWorker.Stepped s) {
      return onStepped(s.logProbs());
    } else if (r instanceof ModelWorker.Failed f) {
      replyTo.tell(new Failed(f.message()));
      return this;
    }
    replyTo.tell(new Failed("latent beam got an unexpected reply " + r));
    return this;
  }

  private Behavior<Command> onEncoded(Spec s) {
    spec = s;
    ModelInfo info = model.info();
    if (!info.hasLatents()) {
      codes = List.of(new int[0]);
      return fanOutWhenReady();
    }
    search =
        new BeamSearch(BeamSearch.Settings.forLatents(info, budget.latentBeams(), BeamSearch.Settings.DEFAULT_ALPHA));
    worker.tell(new ModelWorker.OpenLatentDecoder(model, spec, 1, stats, replies));
    return this;
  }

  private Behavior<Command> onStepped(float[][] logProbs) {
    BeamSearch.Update update;
    try {
      update = search.update(plan, logProbs);
    } catch (RuntimeException e) {
      replyTo.tell(new Failed("latent beam got bad log-probabilities: " + ModelWorker.describe(e)));
      return this;
    }
    return next(update.parents());
  }

  private Behavior<Command> next(int[] parents) {
    if (!search.done()) {
      plan = search.schedule();
      worker.tell(new ModelWorker.Step(model, decoder, parents, plan.tokens(), stats, replies));
      return this;
    }
    worker.tell(new ModelWorker.Release(decoder, stats));
    decoder = null;
    List<int[]> found = new ArrayList<>();
    for (var h : search.results()) {
      found.add(h.body());
    }
    getContext().getLog().debug("[{}] {} latent codes", requestId, found.size());
    codes = found;
    return fanOutWhenReady();
  }

  private Behavior<Command> onGuidanceReady(GuidanceReady m) {
    guidance = m.guidance();
    return fanOutWhenReady();
  }

  private Behavior<Command> fanOutWhenReady() {
    if (codes == null || guidance == null) {
      return this;
    }
    ModelInfo info = model.info();
    int width = budget.programsPerCode(info.hasLatents());
    for (int i = 0; i < codes.size(); i++) {
      var search = new ProgramSearch(info, codes.get(i), width, BeamSearch.Settings.DEFAULT_ALPHA, guidance.forBeam());
      stats.beamsDecoded.add(width);
      var child =
          getContext()
              .spawn(
                  Behaviors.supervise(ProgramBeam.create(model, spec, search, stats, worker, programReplies))
                      .onFailure(SupervisorStrategy.stop()),
                  "program-beam-" + i);
      getContext().watch(child);
    }
    replyTo.tell(new ProgramBeamsStarted(codes.size()));
    return this;
  }

  private Behavior<Command> onChildFailed(ChildFailed f) {
    replyTo.tell(
        new Failed("program beam " + f.getRef().path().name() + " crashed: " + ModelWorker.describe(f.getCause())));
    return this;
  }
}
