package dev.lp.search;

/**
 * Which tokens a beam hypothesis may take next, as a pure automaton over token ids: {@link
 * BeamSearch} keeps one {@code long} state per live row (carried through reorders, so it follows
 * the row's own prefix) and gives every disallowed token -infinity before choosing the top-k.
 *
 * <p>Contract: {@link #advance} accepts every token that {@link #allowed} admitted for that state.
 * A row whose state admits no token dies, like a row whose log-probabilities are all -infinity.
 * The grammar ({@link #programGrammar()}) is stateless and serves every beam; a per-task
 * constraint such as {@link PrefixGuidance} keeps a table of the states it made and has one owner
 * (one beam) at a time.
 */
public interface TokenConstraint {

  /** {@link #equivalenceKey} of a state that is equivalent to no other. */
  long NO_KEY = Long.MIN_VALUE;

  /** Number of token ids covered; must equal the beam's vocabulary. */
  int vocab();

  /** The state of the empty hypothesis (before the first generated token; BOS is not fed here). */
  long start();

  /**
   * The state after {@code token} extends a hypothesis in {@code state}.
   *
   * @throws IllegalArgumentException naming the token if it is not allowed in {@code state}
   */
  long advance(long state, int token);

  /**
   * Fills {@code allowed[id]} (length {@link #vocab()}) with whether id may come next in {@code
   * state}, given that at most {@code budget} more tokens may be generated, this one and the final
   * EOS included: a length-aware constraint admits only tokens after which a hypothesis can still
   * end in time, so no row is cut at the maximum length.
   */
  void allowed(long state, int budget, boolean[] allowed);

  /**
   * Hypotheses whose states share a key other than {@link #NO_KEY} have the same allowed
   * continuations and the same outcome once finished, so a beam keeps only the best-scoring of
   * them. The default: every state is distinct.
   */
  default long equivalenceKey(long state) {
    return NO_KEY;
  }

  /**
   * Whether a hypothesis that reaches {@code state} is finished there, as if EOS followed at no
   * cost: the beam ends it at once (complete, EOS appended, its log-probability unchanged) instead
   * of asking the model for a next token. Step-wise search ({@link PrefixGuidance#firstStep}) ends
   * each hypothesis after its first expression this way, so a step is ranked by its own tokens,
   * not by how likely the model thought the program ends there. The default: never.
   */
  default boolean endsHere(long state) {
    return false;
  }

  /**
   * The exact DSL program grammar ({@link dev.lp.dsl.TokenGrammar}) over the 316 program tokens:
   * only prefixes of decodable programs, ending within the budget.
   */
  static TokenConstraint programGrammar() {
    return ProgramGrammar.INSTANCE;
  }
}
