package dev.lp.actors;

import dev.lp.search.Candidate;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs each finished program candidate of one session on that session's examples and answers
 * whether it is consistent (reproduces every output), off the Session so a slow program does not
 * delay deadline handling.
 */
final class Verifier extends AbstractBehavior<Verifier.Command> {

  sealed interface Command {}

  /** Check {@code candidate}; answers {@link Verified}. */
  record Verify(Candidate candidate, ActorRef<Verified> replyTo) implements Command {}

  /** The verdict on one candidate. */
  record Verified(Candidate candidate, Verification.Result result) {}

  static Behavior<Command> create(List<String> inputs, List<String> outputs) {
    return Behaviors.setup(ctx -> new Verifier(ctx, inputs, outputs));
  }

  private final List<String> inputs;
  private final List<String> outputs;

  private Verifier(ActorContext<Command> ctx, List<String> inputs, List<String> outputs) {
    super(ctx);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Verify.class, this::onVerify).build();
  }

  private Behavior<Command> onVerify(Verify m) {
    var result = Verification.check(m.candidate(), inputs, outputs);
    m.replyTo().tell(new Verified(m.candidate(), result));
    return this;
  }
}
