package dev.lp.actors;

import dev.lp.search.BeamSearch;
import dev.lp.search.Candidate;
import dev.lp.search.Guidance;
import dev.lp.search.SearchBudget;
import dev.lp.search.StepwiseSearch;
import dev.lp.search.SynthesisModel;
import dev.lp.search.TaskGuidance;
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
 * Step-wise re-synthesis ({@link Guidance#STEPWISE}) in the engine: drives the search core's
 * {@link StepwiseSearch}, as {@code lp eval}'s {@code TwoLevelSearch} does. Each round it runs one
 * step search per partial program side by side (a child per partial: a {@link LatentBeam} on the
 * remaining task, its program beams under first-step guidance, every step they report collected),
 * and once all of them are done hands the steps to the core; the programs a round finishes go to
 * the requester as {@link ProgramBeam.Found}, in the core's order. To its requester it looks like a
 * latent beam with one program beam: {@link LatentBeam.ProgramBeamsStarted}(1) at once, one {@link
 * ProgramBeam.Done} when the core is done; the step searches' pruned hypotheses and dead program
 * beams go to the request's stats as each search ends, so a request answered mid-search reports them.
 *
 * <p>Every step search re-encodes its examples; the specs stay with the request's handles and are
 * closed when it ends (the Session's ReleaseRequest).
 */
final class StepwiseBeam extends AbstractBehavior<StepwiseBeam.Command> {

  sealed interface Command {}

  /** One step search finished: the steps its program beams reported. */
  private record StepDone(int round, int index, List<Candidate> steps) implements Command {}

  private record StepFailed(String why) implements Command {}

  static Behavior<Command> create(
      String requestId,
      SynthesisModel model,
      List<String> inputs,
      List<String> outputs,
      SearchBudget budget,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<LatentBeam.Reply> replyTo,
      ActorRef<ProgramBeam.Reply> programReplies) {
    return Behaviors.setup(
        ctx -> new StepwiseBeam(ctx, requestId, model, inputs, budget, new StepwiseSearch(inputs, outputs, budget,
            BeamSearch.Settings.DEFAULT_ALPHA), stats, worker, replyTo, programReplies));
  }

  private final String requestId;
  private final SynthesisModel model;
  private final List<String> inputs;
  private final SearchBudget budget;
  private final StepwiseSearch core;
  private final RequestStats stats;
  private final ActorRef<ModelWorker.Command> worker;
  private final ActorRef<LatentBeam.Reply> replyTo;
  private final ActorRef<ProgramBeam.Reply> programReplies;
  private List<List<Candidate>> steps;
  private int pending;

  private StepwiseBeam(
      ActorContext<Command> ctx,
      String requestId,
      SynthesisModel model,
      List<String> inputs,
      SearchBudget budget,
      StepwiseSearch core,
      RequestStats stats,
      ActorRef<ModelWorker.Command> worker,
      ActorRef<LatentBeam.Reply> replyTo,
      ActorRef<ProgramBeam.Reply> programReplies) {
    super(ctx);
    this.requestId = requestId;
    this.model = model;
    this.inputs = inputs;
    this.budget = budget;
    this.core = core;
    this.stats = stats;
    this.worker = worker;
    this.replyTo = replyTo;
    this.programReplies = programReplies;
    replyTo.tell(new LatentBeam.ProgramBeamsStarted(1));
    startRound();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StepDone.class, this::onStepDone)
        .onMessage(StepFailed.class, m -> failed(m.why()))
        .onSignal(ChildFailed.class, f -> failed("step search " + f.getRef().path().name() + " crashed: "
            + ModelWorker.describe(f.getCause())))
        .onSignal(Terminated.class, t -> this)
        .build();
  }

  private void startRound() {
    List<List<String>> remaining = core.remaining();
    steps = new ArrayList<>();
    for (int i = 0; i < remaining.size(); i++) {
      steps.add(null);
    }
    pending = remaining.size();
    int round = core.rounds();
    for (int i = 0; i < remaining.size(); i++) {
      var child = getContext().spawn(
          Behaviors.supervise(StepSearch.create(requestId, round, i, model, inputs, remaining.get(i), budget, stats,
              worker, getContext().getSelf())).onFailure(SupervisorStrategy.stop()),
          "step-" + round + "-" + i);
      getContext().watch(child);
    }
  }

  private Behavior<Command> onStepDone(StepDone m) {
    if (m.round() != core.rounds() || steps.get(m.index()) != null) {
      return failed("step search " + m.round() + "/" + m.index() + " answered out of turn");
    }
    steps.set(m.index(), m.steps());
    if (--pending > 0) {
      return this;
    }
    for (Candidate c : core.advance(steps)) {
      programReplies.tell(new ProgramBeam.Found(c));
    }
    if (core.done()) {
      getContext().getLog().debug("[{}] step-wise search done after {} rounds, {} programs", requestId,
          core.rounds(), core.found());
      // The step searches' pruned hypotheses and dead program beams are counted as they end (StepSearch).
      programReplies.tell(new ProgramBeam.Done(0, false));
      return Behaviors.stopped();
    }
    startRound();
    return this;
  }

  private Behavior<Command> failed(String why) {
    replyTo.tell(new LatentBeam.Failed(why));
    return Behaviors.stopped();
  }

  /**
   * One step search: a {@link LatentBeam} on the remaining task under first-step guidance; collects
   * what its program beams report and answers its parent once every beam is done.
   */
  private static final class StepSearch extends AbstractBehavior<StepSearch.Msg> {

    sealed interface Msg {}

    private record FromLatent(LatentBeam.Reply reply) implements Msg {}

    private record FromProgram(ProgramBeam.Reply reply) implements Msg {}

    static Behavior<Msg> create(String requestId, int round, int index, SynthesisModel model, List<String> inputs,
        List<String> remaining, SearchBudget budget, RequestStats stats, ActorRef<ModelWorker.Command> worker,
        ActorRef<Command> parent) {
      return Behaviors.setup(ctx -> new StepSearch(ctx, requestId, round, index, model, inputs, remaining, budget,
          stats, worker, parent));
    }

    private final int round;
    private final int index;
    private final ActorRef<Command> parent;
    private final RequestStats stats;
    private final List<Candidate> steps = new ArrayList<>();
    private int expected = -1;
    private int done;

    private StepSearch(ActorContext<Msg> ctx, String requestId, int round, int index, SynthesisModel model,
        List<String> inputs, List<String> remaining, SearchBudget budget, RequestStats stats,
        ActorRef<ModelWorker.Command> worker, ActorRef<Command> parent) {
      super(ctx);
      this.round = round;
      this.index = index;
      this.parent = parent;
      this.stats = stats;
      var latent = ctx.spawn(
          Behaviors.supervise(LatentBeam.create(requestId, model, inputs, remaining, budget, stats, worker,
                  ctx.messageAdapter(LatentBeam.Reply.class, FromLatent::new),
                  ctx.messageAdapter(ProgramBeam.Reply.class, FromProgram::new)))
              .onFailure(SupervisorStrategy.stop()),
          "latent-beam");
      ctx.watch(latent);
      latent.tell(new LatentBeam.GuidanceReady(TaskGuidance.prepare(Guidance.STEPWISE, inputs, remaining)));
    }

    @Override
    public Receive<Msg> createReceive() {
      return newReceiveBuilder()
          .onMessage(FromLatent.class, this::onLatent)
          .onMessage(FromProgram.class, this::onProgram)
          .onSignal(ChildFailed.class, f -> failed("latent beam crashed: " + ModelWorker.describe(f.getCause())))
          .onSignal(Terminated.class, t -> this)
          .build();
    }

    private Behavior<Msg> onLatent(FromLatent m) {
      if (m.reply() instanceof LatentBeam.ProgramBeamsStarted started) {
        expected = started.programBeams();
        return maybeDone();
      }
      return failed(((LatentBeam.Failed) m.reply()).why());
    }

    private Behavior<Msg> onProgram(FromProgram m) {
      if (m.reply() instanceof ProgramBeam.Found found) {
        steps.add(found.candidate());
        return this;
      } else if (m.reply() instanceof ProgramBeam.Done d) {
        done++;
        stats.hypothesesPruned.add(d.pruned());
        if (d.diedEmpty()) {
          stats.programBeamsDied.increment();
        }
        return maybeDone();
      }
      return failed(((ProgramBeam.Failed) m.reply()).why());
    }

    private Behavior<Msg> maybeDone() {
      if (expected >= 0 && done >= expected) {
        parent.tell(new StepDone(round, index, List.copyOf(steps)));
        return Behaviors.stopped();
      }
      return this;
    }

    private Behavior<Msg> failed(String why) {
      parent.tell(new StepFailed(why));
      return Behaviors.stopped();
    }
  }
}
