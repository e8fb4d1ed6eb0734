package dev.lp.search;

import java.util.ArrayList;
import java.util.List;

/**
 * One latent code's program beam, the unit both drivers run: {@link TwoLevelSearch} (evaluation)
 * steps every code's beam in one batched call, the serving engine gives each its own actor. It
 * owns the {@link BeamSearch}, the guidance constraint and the rule for which finished programs
 * are reported, so eval measures exactly what is served.
 *
 * <p>Reported: a hypothesis finished by a step that is, at that moment, among the beam's best
 * {@code width} (a later, better one may still push it out of {@link #results()}). Pure: no model,
 * no threads; one owner.
 */
public final class ProgramSearch {

  /**
   * What one step decided.
   *
   * @param parents the rows the decoder keeps, in order (pass to {@code Decoder.reorder})
   * @param report finished programs to report now, best first
   */
  public record Step(int[] parents, List<Candidate> report) {
    public Step {
      parents = parents.clone();
      report = List.copyOf(report);
    }

    @Override
    public int[] parents() {
      return parents.clone();
    }
  }

  private final int[] code;
  private final BeamSearch beam;
  private final TokenConstraint constraint;

  /**
   * A beam of {@code width} programs for {@code code} under {@code constraint} (from {@link
   * TaskGuidance#forBeam}; null: none at all, to measure what the grammar buys).
   *
   * @param code latent code ids without BOS/EOS (empty for a model without codes)
   */
  public ProgramSearch(ModelInfo info, int[] code, int width, double alpha, TokenConstraint constraint) {
    this.code = code.clone();
    this.constraint = constraint;
    this.beam = new BeamSearch(BeamSearch.Settings.forPrograms(info, width, alpha).withConstraint(constraint));
  }

  /** The next forward call's tokens. */
  public BeamSearch.Plan schedule() {
    return beam.schedule();
  }

  /** Advances by the model's log-probabilities for {@code plan}; see {@link BeamSearch#update}. */
  public Step update(BeamSearch.Plan plan, float[][] logProbs) {
    BeamSearch.Update u = beam.update(plan, logProbs);
    List<Candidate> report = new ArrayList<>();
    if (!u.finished().isEmpty()) {
      List<BeamSearch.Hypothesis> best = beam.results();
      for (BeamSearch.Hypothesis h : u.finished()) {
        if (best.contains(h)) {
          report.add(Candidate.decode(h.tokens(), h.score(), code));
        }
      }
    }
    return new Step(u.parents(), report);
  }

  public boolean done() {
    return beam.done();
  }

  /** The beam's finished programs, best first (final once {@link #done()}). */
  public List<Candidate> results() {
    List<Candidate> out = new ArrayList<>();
    for (BeamSearch.Hypothesis h : beam.results()) {
      out.add(Candidate.decode(h.tokens(), h.score(), code));
    }
    return out;
  }

  /** The latent code this beam is conditioned on. */
  public int[] code() {
    return code.clone();
  }

  /**
   * Hypotheses the guidance removed so far: expression completions whose output broke an
   * example's output, plus rows merged into an equivalent better one (0 without guidance).
   */
  public long pruned() {
    long p = beam.merged();
    if (constraint instanceof PrefixGuidance g) {
      p += g.pruned();
    }
    return p;
  }

  /** Whether the beam ended with no complete program (every row died or was cut). */
  public boolean diedEmpty() {
    return beam.done() && beam.results().stream().noneMatch(BeamSearch.Hypothesis::complete);
  }
}
