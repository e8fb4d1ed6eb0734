package dev.lp.search;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The programs one request has reported so far, by token sequence: the same program decoded from
 * two latent codes is reported (verified, streamed) once, by eval and by the engine alike.
 * Not thread-safe: one owner per request.
 */
public final class DistinctPrograms {
  private final Set<String> seen = new HashSet<>();

  /** True the first time this candidate's program is offered, false after. */
  public boolean firstTime(Candidate c) {
    return seen.add(Arrays.toString(c.tokens()));
  }

  /** Distinct programs seen. */
  public int size() {
    return seen.size();
  }
}
