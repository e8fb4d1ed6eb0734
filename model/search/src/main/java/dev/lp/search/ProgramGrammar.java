package dev.lp.search;

import dev.lp.dsl.TokenGrammar;
import dev.lp.dsl.Tokens;

/** {@link TokenConstraint} view of {@link TokenGrammar}: every beam hypothesis stays a program prefix. */
final class ProgramGrammar implements TokenConstraint {
  static final ProgramGrammar INSTANCE = new ProgramGrammar();

  private ProgramGrammar() {}

  @Override
  public int vocab() {
    return Tokens.VOCAB;
  }

  @Override
  public long start() {
    return TokenGrammar.start();
  }

  @Override
  public long advance(long state, int token) {
    return TokenGrammar.advance(state, token);
  }

  @Override
  public void allowed(long state, int budget, boolean[] allowed) {
    TokenGrammar.allowed(state, budget, allowed);
  }

  @Override
  public String toString() {
    return "dsl-program-grammar";
  }
}
