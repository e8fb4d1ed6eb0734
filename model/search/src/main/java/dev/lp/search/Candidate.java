package dev.lp.search;

import dev.lp.dsl.DslException;
import dev.lp.dsl.Program;
import dev.lp.dsl.Tokens;
import java.util.Arrays;

/**
 * One program found by {@link TwoLevelSearch}.
 *
 * @param tokens generated program ids, BOS excluded, ending in EOS unless cut at max length
 * @param programOrNull the decoded program, null when the tokens do not form one
 * @param parseError why the tokens do not form a program, null when they do
 * @param score length-normalised log-probability of the program given its latent code (higher is
 *     better); comparable across codes because every program beam uses the same normalisation
 * @param latentCode the latent code ids (no BOS/EOS) the program was decoded from; empty for the
 *     baseline
 */
public record Candidate(
    int[] tokens, Program programOrNull, String parseError, double score, int[] latentCode) {

  public Candidate {
    if (tokens == null || latentCode == null) {
      throw new IllegalArgumentException("Candidate needs tokens and a latent code (empty for the baseline)");
    }
    if ((programOrNull == null) == (parseError == null)) {
      throw new IllegalArgumentException("Candidate needs exactly one of a program and a parse error");
    }
    tokens = tokens.clone();
    latentCode = latentCode.clone();
  }

  /** Decodes {@code tokens}; a malformed sequence becomes a candidate with a parse error. */
  public static Candidate decode(int[] tokens, double score, int[] latentCode) {
    try {
      return new Candidate(tokens, Tokens.decode(tokens), null, score, latentCode);
    } catch (DslException e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return new Candidate(tokens, null, message, score, latentCode);
    }
  }

  /** Whether the tokens formed a program. */
  public boolean parsed() {
    return programOrNull != null;
  }

  @Override
  public int[] tokens() {
    return tokens.clone();
  }

  @Override
  public int[] latentCode() {
    return latentCode.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Candidate c
        && Arrays.equals(tokens, c.tokens)
        && Arrays.equals(latentCode, c.latentCode)
        && Double.compare(score, c.score) == 0;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens) * 31 + Arrays.hashCode(latentCode);
  }

  @Override
  public String toString() {
    return "Candidate[" + (parsed() ? programOrNull.toString() : "unparsed: " + parseError)
        + ", score=" + score + ", code=" + Arrays.toString(latentCode) + "]";
  }
}
