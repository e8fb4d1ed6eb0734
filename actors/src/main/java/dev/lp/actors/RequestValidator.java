package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import dev.lp.search.Guidance;
import dev.lp.search.Ranking;
import dev.lp.search.SearchBudget;

import dev.lp.dsl.Alphabet;
import dev.lp.protocol.SynthesisError.Code;
import dev.lp.protocol.Options;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks a parsed request against the engine's limits and resolves its search budget.
 *
 * <p>Pure (no Pekko). Contract: {@link #validate} returns the first problem found, as an Error
 * naming the field and the offending value, or empty; {@link #budget} may only be called on a
 * request that validated.
 */
public final class RequestValidator {
  private final EngineSettings settings;

  /** The limits this validator checks against. */
  public EngineSettings settings() {
    return settings;
  }

  public RequestValidator(EngineSettings settings) {
    if (settings == null) {
      throw new IllegalArgumentException("settings must not be null");
    }
    this.settings = settings;
  }

  /**
   * The resolved search budget of a valid request.
   *
   * @param beamSize B, programs decoded in total
   * @param latentBeams L, latent codes (each decodes floor(B/L) programs)
   * @param maxPrograms consistent programs to find before stopping
   * @param deadline wall-clock budget
   * @param streamCandidates whether inconsistent candidates are streamed too
   * @param ranking which consistent program Solved carries
   */
  public record Budget(SearchBudget search, Duration deadline, boolean streamCandidates, Ranking ranking) {

    /** A budget whose answer is the model's first consistent program. */
    public Budget(SearchBudget search, Duration deadline, boolean streamCandidates) {
      this(search, deadline, streamCandidates, Ranking.MODEL);
    }

    public int beamSize() {
      return search.beamSize();
    }

    public int latentBeams() {
      return search.latentBeams();
    }

    public int maxPrograms() {
      return search.maxPrograms();
    }
  }

  /** The first problem with {@code r}, or empty if the engine can serve it. */
  public Optional<SynthesisError> validate(SynthesisRequest r) {
    if (r == null) {
      return err(Code.BAD_BYTES, "request is null", "");
    }
    if (r.getProtocolVersion() != Topics.PROTOCOL_VERSION) {
      return err(
          Code.UNSUPPORTED_VERSION,
          "protocol_version " + r.getProtocolVersion() + " is not supported; this worker speaks "
              + Topics.PROTOCOL_VERSION,
          "protocol_version");
    }
    if (r.getRequestId().isBlank()) {
      return err(Code.MISSING_REQUEST_ID, "request_id is missing or blank", "request_id");
    }
    int n = r.getExamplesCount();
    if (n == 0) {
      return err(Code.NO_EXAMPLES, "examples is empty; at least 1 is needed", "examples");
    }
    if (n > settings.maxExamples()) {
      return err(
          Code.TOO_MANY_EXAMPLES,
          n + " examples exceed the limit of " + settings.maxExamples(),
          "examples");
    }
    for (int i = 0; i < n; i++) {
      var ex = r.getExamples(i);
      var bad = checkString(ex.getInput(), "examples[" + i + "].input");
      if (bad.isEmpty()) {
        bad = checkString(ex.getOutput(), "examples[" + i + "].output");
      }
      if (bad.isPresent()) {
        return bad;
      }
    }
    java.util.Map<String, Integer> firstWithInput = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      var ex = r.getExamples(i);
      Integer j = firstWithInput.putIfAbsent(ex.getInput(), i);
      if (j != null && !r.getExamples(j).getOutput().equals(ex.getOutput())) {
        return err(
            Code.INCONSISTENT_EXAMPLES,
            "examples[" + j + "] and examples[" + i + "] have the same input but different outputs: no program"
                + " maps one input to two outputs",
            "examples[" + i + "].output");
      }
    }
    Options o = r.getOptions();
    int b = o.getBeamSize() == 0 ? settings.defaultBeamSize() : o.getBeamSize();
    if (b < 1 || b > settings.maxBeamSize()) {
      return err(
          Code.BAD_BEAM_SIZE,
          "beam_size " + o.getBeamSize() + " is outside 1.." + settings.maxBeamSize(),
          "options.beam_size");
    }
    int l = o.getLatentBeams();
    if (l != 0) {
      if (l < 1 || l > settings.maxLatentBeams()) {
        return err(
            Code.BAD_LATENT_BEAMS,
            "latent_beams " + l + " is outside 1.." + settings.maxLatentBeams(),
            "options.latent_beams");
      }
      if (l > b) {
        return err(
            Code.BAD_LATENT_BEAMS,
            "latent_beams " + l + " exceeds beam_size " + b + " (each code needs at least one beam)",
            "options.latent_beams");
      }
    }
    if (o.getMaxPrograms() < 0) {
      return err(
          Code.BAD_MAX_PROGRAMS,
          "max_programs " + o.getMaxPrograms() + " is negative",
          "options.max_programs");
    }
    if (o.getDeadlineMs() < 0) {
      return err(
          Code.DEADLINE_INVALID,
          "deadline_ms " + o.getDeadlineMs() + " is negative (0 means the default)",
          "options.deadline_ms");
    }
    if (o.getDeadlineMs() > settings.maxDeadline().toMillis()) {
      return err(
          Code.DEADLINE_INVALID,
          "deadline_ms " + o.getDeadlineMs() + " exceeds this worker's maximum of " + settings.maxDeadline().toMillis(),
          "options.deadline_ms");
    }
    return Optional.empty();
  }

  /** The budget of a request that {@link #validate} accepted. */
  public Budget budget(SynthesisRequest r) {
    var bad = validate(r);
    if (bad.isPresent()) {
      throw new IllegalArgumentException("invalid request: " + bad.get().getMessage());
    }
    Options o = r.getOptions();
    int b = o.getBeamSize() == 0 ? settings.defaultBeamSize() : o.getBeamSize();
    int l =
        o.getLatentBeams() == 0
            ? Math.min(Math.min(settings.defaultLatentBeams(), settings.maxLatentBeams()), b)
            : o.getLatentBeams();
    int maxPrograms = Math.max(1, o.getMaxPrograms());
    // Absolute: counted from when the client sent it, so a request served again after a failover
    // gets only what is left (zero: already expired).
    Duration deadline = Deadlines.remaining(r, System.currentTimeMillis(), settings.defaultDeadline());
    Guidance guidance = switch (o.getGuidance()) {
      case GUIDANCE_OFF -> Guidance.OFF;
      case GUIDANCE_PREFIX -> Guidance.PREFIX;
      case GUIDANCE_VERSIONSPACE -> Guidance.VERSIONSPACE;
      case GUIDANCE_STEPWISE -> Guidance.STEPWISE;
      default -> settings.defaultGuidance(); // GUIDANCE_DEFAULT, or a value this worker does not know yet
    };
    Ranking ranking = switch (o.getRanking()) {
      case RANKING_MODEL -> Ranking.MODEL;
      case RANKING_OCCAM -> Ranking.OCCAM;
      default -> settings.defaultRanking(); // RANKING_DEFAULT, or a value this worker does not know yet
    };
    return new Budget(new SearchBudget(b, l, maxPrograms, guidance), deadline, o.getStreamCandidates(), ranking);
  }

  private Optional<SynthesisError> checkString(String s, String field) {
    if (s.length() > settings.maxStringLength()) {
      return err(
          Code.STRING_TOO_LONG,
          field + " has " + s.length() + " characters; the limit is " + settings.maxStringLength(),
          field);
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Alphabet.contains(s.charAt(i))) {
        // Whole code points, escaped: an emoji is named as itself, a NUL or tab visibly.
        return err(Code.BAD_CHARACTER, LogText.outsideAlphabet(field, s, i), field);
      }
    }
    return Optional.empty();
  }

  private static Optional<SynthesisError> err(Code code, String message, String field) {
    return Optional.of(Events.error(code, message, field));
  }
}
