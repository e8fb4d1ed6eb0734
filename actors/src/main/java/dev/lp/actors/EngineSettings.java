package dev.lp.actors;

import com.typesafe.config.Config;
import dev.lp.search.Guidance;
import dev.lp.search.Ranking;
import dev.lp.search.vsa.VersionSpace;
import java.time.Duration;

/**
 * Typed settings of the serving engine, read once from the {@code lp.engine} block
 * (defaults and meanings in actors' reference.conf).
 *
 * @param maxInFlight sessions running at once; more are answered with Error OVERLOADED
 * @param maxExamples most examples per request
 * @param maxStringLength most characters per example input or output
 * @param maxBeamSize largest accepted beam size B
 * @param maxLatentBeams largest accepted latent beam count L
 * @param defaultDeadline deadline when a request gives none
 * @param maxDeadline longest deadline a request may ask for (bounds how long a request can hold a
 *     model, so a hot-reloaded model can be closed after it)
 * @param defaultBeamSize B when a request gives none
 * @param defaultLatentBeams L when a request gives none (clamped to B)
 * @param batchMaxSize most decoder steps the ModelWorker runs in one stepAll call
 * @param batchMaxDelay longest the ModelWorker holds a step to wait for more
 * @param defaultGuidance guidance of a request that names none
 * @param versionSpace limits of one request's version-space build (guidance versionspace)
 * @param defaultRanking which consistent program is Solved when a request names no ranking
 */
public record EngineSettings(
    int maxInFlight,
    int maxExamples,
    int maxStringLength,
    int maxBeamSize,
    int maxLatentBeams,
    Duration defaultDeadline,
    Duration maxDeadline,
    int defaultBeamSize,
    int defaultLatentBeams,
    int batchMaxSize,
    Duration batchMaxDelay,
    Guidance defaultGuidance,
    VersionSpace.Budget versionSpace,
    Ranking defaultRanking) {

  /** Settings with the model's ranking by default. */
  public EngineSettings(int maxInFlight, int maxExamples, int maxStringLength, int maxBeamSize, int maxLatentBeams,
      Duration defaultDeadline, Duration maxDeadline, int defaultBeamSize, int defaultLatentBeams, int batchMaxSize,
      Duration batchMaxDelay, Guidance defaultGuidance, VersionSpace.Budget versionSpace) {
    this(maxInFlight, maxExamples, maxStringLength, maxBeamSize, maxLatentBeams, defaultDeadline, maxDeadline,
        defaultBeamSize, defaultLatentBeams, batchMaxSize, batchMaxDelay, defaultGuidance, versionSpace, Ranking.MODEL);
  }

  /** Settings with the default guidance {@link Guidance#DEFAULT}. */
  public EngineSettings(int maxInFlight, int maxExamples, int maxStringLength, int maxBeamSize, int maxLatentBeams,
      Duration defaultDeadline, Duration maxDeadline, int defaultBeamSize, int defaultLatentBeams, int batchMaxSize,
      Duration batchMaxDelay) {
    this(maxInFlight, maxExamples, maxStringLength, maxBeamSize, maxLatentBeams, defaultDeadline, maxDeadline,
        defaultBeamSize, defaultLatentBeams, batchMaxSize, batchMaxDelay, Guidance.DEFAULT);
  }

  /** Settings with the default version-space budget. */
  public EngineSettings(int maxInFlight, int maxExamples, int maxStringLength, int maxBeamSize, int maxLatentBeams,
      Duration defaultDeadline, Duration maxDeadline, int defaultBeamSize, int defaultLatentBeams, int batchMaxSize,
      Duration batchMaxDelay, Guidance defaultGuidance) {
    this(maxInFlight, maxExamples, maxStringLength, maxBeamSize, maxLatentBeams, defaultDeadline, maxDeadline,
        defaultBeamSize, defaultLatentBeams, batchMaxSize, batchMaxDelay, defaultGuidance, VersionSpace.Budget.DEFAULT);
  }

  public EngineSettings {
    positive("max-in-flight", maxInFlight);
    positive("max-examples", maxExamples);
    positive("max-string-length", maxStringLength);
    positive("max-beam-size", maxBeamSize);
    positive("max-latent-beams", maxLatentBeams);
    positive("default-beam-size", defaultBeamSize);
    positive("default-latent-beams", defaultLatentBeams);
    positive("batch.max-size", batchMaxSize);
    if (defaultDeadline == null || defaultDeadline.isNegative() || defaultDeadline.isZero()) {
      throw new IllegalArgumentException("lp.engine.default-deadline must be > 0, got " + defaultDeadline);
    }
    if (maxDeadline == null || maxDeadline.compareTo(defaultDeadline) < 0) {
      throw new IllegalArgumentException("lp.engine.max-deadline must be >= default-deadline " + defaultDeadline
          + ", got " + maxDeadline);
    }
    if (batchMaxDelay == null || batchMaxDelay.isNegative()) {
      throw new IllegalArgumentException("lp.engine.batch.max-delay must be >= 0, got " + batchMaxDelay);
    }
    if (defaultGuidance == null) {
      throw new IllegalArgumentException("lp.engine.default-guidance is missing");
    }
    if (versionSpace == null) {
      throw new IllegalArgumentException("lp.engine.version-space is missing");
    }
    if (defaultRanking == null) {
      throw new IllegalArgumentException("lp.engine.default-ranking is missing");
    }
    if (defaultBeamSize > maxBeamSize) {
      throw new IllegalArgumentException(
          "lp.engine.default-beam-size " + defaultBeamSize + " exceeds max-beam-size " + maxBeamSize);
    }
  }

  private static void positive(String key, int v) {
    if (v < 1) {
      throw new IllegalArgumentException("lp.engine." + key + " must be >= 1, got " + v);
    }
  }

  /** Reads the {@code lp.engine} block of {@code c} (a full config with reference.conf merged). */
  public static EngineSettings fromConfig(Config c) {
    Config e = c.getConfig("lp.engine");
    return new EngineSettings(
        e.getInt("max-in-flight"),
        e.getInt("max-examples"),
        e.getInt("max-string-length"),
        e.getInt("max-beam-size"),
        e.getInt("max-latent-beams"),
        e.getDuration("default-deadline"),
        e.getDuration("max-deadline"),
        e.getInt("default-beam-size"),
        e.getInt("default-latent-beams"),
        e.getInt("batch.max-size"),
        e.getDuration("batch.max-delay"),
        parseGuidance(e.getString("default-guidance")),
        versionSpaceBudget(e.getConfig("version-space")),
        parseRanking(e.getString("default-ranking")));
  }

  private static Ranking parseRanking(String s) {
    try {
      return Ranking.parse(s);
    } catch (IllegalArgumentException bad) {
      throw new IllegalArgumentException("lp.engine.default-ranking: " + bad.getMessage(), bad);
    }
  }

  private static VersionSpace.Budget versionSpaceBudget(Config v) {
    try {
      return new VersionSpace.Budget(v.getDuration("time"), v.getLong("max-vectors"), v.getLong("max-nodes"));
    } catch (IllegalArgumentException bad) {
      throw new IllegalArgumentException("lp.engine.version-space: " + bad.getMessage(), bad);
    }
  }

  private static Guidance parseGuidance(String s) {
    try {
      return Guidance.parse(s);
    } catch (IllegalArgumentException bad) {
      throw new IllegalArgumentException("lp.engine.default-guidance: " + bad.getMessage(), bad);
    }
  }
}
