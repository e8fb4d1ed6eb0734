package dev.lp.search.planted;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * A test-only class in the search core's package that breaks its rule (it uses Pekko): {@code
 * ArchitectureTest} checks that the rule catches it. Never loaded by main code.
 */
public final class PlantedViolation {
  private PlantedViolation() {}

  /** Uses a Pekko type, which the pure core must not. */
  public static String describe(ActorRef<String> ref) {
    return String.valueOf(ref);
  }
}
