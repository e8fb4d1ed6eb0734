package dev.lp.actors;

import dev.lp.search.BeamSearch;
import dev.lp.search.Candidate;
import dev.lp.search.ProgramSearch;
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
 * Drives one latent code's {@link ProgramSearch} (the search core {@code lp eval} runs too): one
 * Step message at a time through the ModelWorker; each program the core reports goes to its
 * parent as {@link Found} (to be verified), and {@link Done} follows the last one.
 *
 * <p>Owns one program decoder, released as soon as the search ends; if the beam is stopped
 * early the Session's ReleaseRequest closes it.
 */
final class ProgramBeam extends AbstractBehavior<ProgramBeam.Command> {

  sealed interface Command {}

  private record FromWorker(ModelWorker.Reply reply) implements Command {}

  /** What a program beam tells its requester. */
  sealed interface Reply {}

  /** The beam finished a program that is among its best so far. */
  record Found(Candidate candidate) implements Reply {}

  /**
   * The beam has no more programs.
   *
   * @param pruned hypotheses the guidance removed ({@link ProgramSearch#pruned})
   * @param diedEmpty whether it ended without a complete program
   */
  record Done(long pruned, boolean diedEmpty) implements Reply {}

  /** A model call failed or returned something unusable; the beam has stopped. */
  record Failed(String why) implements Reply {}

  static Behavior<Command> create(
      SynthesisModel model,
      Spec spec,
      ProgramSearch search,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Reply> replyTo) {
    return Behaviors.setup(ctx -> new ProgramBeam(ctx, model, spec, search, stats, worker, replyTo));
  }

  private final SynthesisModel model;
  private final RequestStats stats;
  private final ActorRef<ModelWorker.Command> worker;
  private final ActorRef<Reply> replyTo;
  private final ActorRef<ModelWorker.Reply> replies;
  private final ProgramSearch search;
  private Decoder decoder;
  private BeamSearch.Plan plan;

  private ProgramBeam(
      ActorContext<Command> ctx,
      SynthesisModel model,
      Spec spec,
      ProgramSearch search,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<Reply> replyTo) {
    super(ctx);
    this.model = model;
    this.stats = stats;
    this.worker = worker;
    this.replyTo = replyTo;
    this.replies = ctx.messageAdapter(ModelWorker.Reply.class, FromWorker::new);
    this.search = search;
    worker.tell(new ModelWorker.OpenProgramDecoder(model, spec, new int[][] {search.code()}, stats, replies));
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
    ProgramSearch.Step step;
    try {
      step = search.update(plan, logProbs);
    } catch (RuntimeException e) {
      return failed("program beam got bad log-probabilities: " + ModelWorker.describe(e));
    }
    for (Candidate c : step.report()) {
      replyTo.tell(new Found(c));
    }
    return next(step.parents());
  }

  private Behavior<Command> next(int[] parents) {
    if (search.done()) {
      worker.tell(new ModelWorker.Release(decoder, stats));
      decoder = null;
      replyTo.tell(new Done(search.pruned(), search.diedEmpty()));
      return Behaviors.stopped();
    }
    plan = search.schedule();
    worker.tell(new ModelWorker.Step(model, decoder, parents, plan.tokens(), stats, replies));
    return this;
  }

  private Behavior<Command> failed(String why) {
    replyTo.tell(new Failed(why));
    return Behaviors.stopped();
  }
}
