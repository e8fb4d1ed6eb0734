package dev.lp.actors;

import dev.lp.search.BeamSearch;
import dev.lp.search.ModelInfo;
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
 * width floor(B/L) per code and tells the Session how many. A model without latent codes (the
 * baseline) skips the latent search: one ProgramBeam of width B with an empty code.
 */
final class LatentBeam extends AbstractBehavior<LatentBeam.Command> {

  sealed interface Command {}

  private record FromWorker(ModelWorker.Reply reply) implements Command {}

  static Behavior<Command> create(
      String requestId,
      SynthesisModel model,
      List<String> inputs,
      List<String> outputs,
      RequestValidator.Budget budget,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Session.Command> session) {
    return Behaviors.setup(
        ctx -> new LatentBeam(ctx, requestId, model, inputs, outputs, budget, stats, worker, session));
  }

  private final String requestId;
  private final SynthesisModel model;
  private final RequestValidator.Budget budget;
  private final RequestStats stats;
  private final ActorRef<ModelWorker.Command> worker;
  private final ActorRef<Session.Command> session;
  private final ActorRef<ModelWorker.Reply> replies;
  private Spec spec;
  private Decoder decoder;
  private BeamSearch search;
  private BeamSearch.Plan plan;

  private LatentBeam(
      ActorContext<Command> ctx,
      String requestId,
      SynthesisModel model,
      List<String> inputs,
      List<String> outputs,
      RequestValidator.Budget budget,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Session.Command> session) {
    super(ctx);
    this.requestId = requestId;
    this.model = model;
    this.budget = budget;
    this.stats = stats;
    this.worker = worker;
    this.session = session;
    this.replies = ctx.messageAdapter(ModelWorker.Reply.class, FromWorker::new);
    worker.tell(new ModelWorker.Encode(model, inputs, outputs, stats, replies));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(FromWorker.class, this::onReply)
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
      session.tell(new Session.SearchFailed(f.message()));
      return this;
    }
    session.tell(new Session.SearchFailed("latent beam got an unexpected reply " + r));
    return this;
  }

  private Behavior<Command> onEncoded(Spec s) {
    spec = s;
    ModelInfo info = model.info();
    if (!info.hasLatents()) {
      return fanOut(List.of(new int[0]), budget.beamSize());
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
      session.tell(
          new Session.SearchFailed("latent beam got bad log-probabilities: " + ModelWorker.describe(e)));
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
    List<int[]> codes = new ArrayList<>();
    for (var h : search.results()) {
      codes.add(h.body());
    }
    getContext().getLog().debug("[{}] {} latent codes", requestId, codes.size());
    return fanOut(codes, Math.max(1, budget.beamSize() / budget.latentBeams()));
  }

  private Behavior<Command> fanOut(List<int[]> codes, int width) {
    for (int i = 0; i < codes.size(); i++) {
      var child =
          getContext()
              .spawn(
                  Behaviors.supervise(
                          ProgramBeam.create(model, spec, codes.get(i), width, stats, worker, session))
                      .onFailure(SupervisorStrategy.stop()),
                  "program-beam-" + i);
      getContext().watch(child);
    }
    session.tell(new Session.ProgramBeamsStarted(codes.size()));
    return this;
  }

  private Behavior<Command> onChildFailed(ChildFailed f) {
    session.tell(
        new Session.SearchFailed(
            "program beam " + f.getRef().path().name() + " crashed: "
                + ModelWorker.describe(f.getCause())));
    return this;
  }
}
