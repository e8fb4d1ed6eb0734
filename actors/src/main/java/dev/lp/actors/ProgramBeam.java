package dev.lp.actors;

import dev.lp.search.BeamSearch;
import dev.lp.search.Candidate;
import dev.lp.search.SynthesisModel;
import dev.lp.search.SynthesisModel.Decoder;
import dev.lp.search.SynthesisModel.Spec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Decodes {@code width} programs for one latent code, one Step message at a time through the
 * ModelWorker, with the pure {@link BeamSearch} choosing survivors; each finished hypothesis goes
 * to the Session (which has it verified), and BeamFinished follows the last one.
 *
 * <p>Owns one program decoder, released as soon as the search ends; if the beam is stopped
 * early the Session's ReleaseRequest closes it.
 */
final class ProgramBeam extends AbstractBehavior<ProgramBeam.Command> {

  sealed interface Command {}

  private record FromWorker(ModelWorker.Reply reply) implements Command {}

  static Behavior<Command> create(
      SynthesisModel model,
      Spec spec,
      int[] latentCode,
      int width,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Session.Command> session) {
    return Behaviors.setup(
        ctx -> new ProgramBeam(ctx, model, spec, latentCode, width, stats, worker, session));
  }

  private final SynthesisModel model;
  private final int[] latentCode;
  private final RequestStats stats;
  private final ActorRef<ModelWorker.Command> worker;
  private final ActorRef<Session.Command> session;
  private final ActorRef<ModelWorker.Reply> replies;
  private final BeamSearch search;
  private Decoder decoder;
  private BeamSearch.Plan plan;

  private ProgramBeam(
      ActorContext<Command> ctx,
      SynthesisModel model,
      Spec spec,
      int[] latentCode,
      int width,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Session.Command> session) {
    super(ctx);
    this.model = model;
    this.latentCode = latentCode.clone();
    this.stats = stats;
    this.worker = worker;
    this.session = session;
    this.replies = ctx.messageAdapter(ModelWorker.Reply.class, FromWorker::new);
    var info = model.info();
    this.search = new BeamSearch(BeamSearch.Settings.forPrograms(info, width, BeamSearch.Settings.DEFAULT_ALPHA));
    stats.beamsDecoded.add(width);
    worker.tell(
        new ModelWorker.OpenProgramDecoder(model, spec, new int[][] {this.latentCode}, stats, replies));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(FromWorker.class, this::onReply).build();
  }

  private Behavior<Command> onReply(FromWorker m) {
    var r = m.reply();
    if (r instanceof ModelWorker.Opened o) {
      return onOpened(o.decoder());
    } else if (r instanceof ModelWorker.Stepped s) {
      return onStepped(s.logProbs());
    } else if (r instanceof ModelWorker.Failed f) {
      return failed(f.message());
    }
    return failed("program beam got an unexpected reply " + r.getClass().getSimpleName());
  }

  private Behavior<Command> onOpened(Decoder d) {
    decoder = d;
    return next(null);
  }

  private Behavior<Command> onStepped(float[][] logProbs) {
    BeamSearch.Update update;
    try {
      update = search.update(plan, logProbs);
    } catch (RuntimeException e) {
      return failed("program beam got bad log-probabilities: " + ModelWorker.describe(e));
    }
    for (var h : update.finished()) {
      session.tell(new Session.CandidateFound(Candidate.decode(h.tokens(), h.score(), latentCode)));
    }
    return next(update.parents());
  }

  private Behavior<Command> next(int[] parents) {
    if (search.done()) {
      worker.tell(new ModelWorker.Release(decoder, stats));
      decoder = null;
      session.tell(new Session.BeamFinished());
      return Behaviors.stopped();
    }
    plan = search.schedule();
    worker.tell(new ModelWorker.Step(model, decoder, parents, plan.tokens(), stats, replies));
    return this;
  }

  private Behavior<Command> failed(String why) {
    session.tell(new Session.SearchFailed(why));
    return Behaviors.stopped();
  }
}
