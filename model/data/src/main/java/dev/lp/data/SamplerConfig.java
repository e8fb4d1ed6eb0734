package dev.lp.data;

/**
 * The knobs of the task distribution. {@link #paper()} is the Latent Programmer training
 * distribution (docs/DSL.md, "The task sampler"); curricula shrink it by changing limits,
 * for example {@code paper().withMaxExpressions(3).withMaxInputLength(30)}.
 *
 * <p>Every instance is valid: the constructor rejects limits the sampler cannot honour with an
 * {@link IllegalArgumentException} that names the field.
 *
 * @param examples number of input/output examples per task (paper: 4)
 * @param minExpressions fewest expressions in a program (paper: 1)
 * @param maxExpressions most expressions in a program (paper: 10)
 * @param maxInputLength longest input in characters (paper: 100; at most 100 because SubStr
 *     positions are tokens -100..100)
 * @param maxOutputLength longest output in characters (paper: 100)
 * @param minInputTokens fewest "tokens" an input is built from (paper: 3)
 * @param maxInputTokens most "tokens" an input is built from (paper: 10)
 * @param maxRepeats most times one token is repeated (paper: 5, the reference's {@code max_k})
 * @param maxTokenLength most characters of a type string after its leading delimiter (paper: 5)
 */
public record SamplerConfig(
    int examples,
    int minExpressions,
    int maxExpressions,
    int maxInputLength,
    int maxOutputLength,
    int minInputTokens,
    int maxInputTokens,
    int maxRepeats,
    int maxTokenLength) {

  /** The largest input the DSL can address: SubStr positions are the tokens -100..100. */
  public static final int MAX_ADDRESSABLE_INPUT = 100;

  public SamplerConfig {
    require(examples >= 1 && examples <= 64, "examples must be in 1..64", examples);
    require(minExpressions >= 1, "minExpressions must be >= 1", minExpressions);
    require(maxExpressions >= minExpressions,
        "maxExpressions must be >= minExpressions (" + minExpressions + ")", maxExpressions);
    require(maxExpressions <= 100, "maxExpressions must be <= 100", maxExpressions);
    require(maxInputLength >= 8 && maxInputLength <= MAX_ADDRESSABLE_INPUT,
        "maxInputLength must be in 8.." + MAX_ADDRESSABLE_INPUT, maxInputLength);
    // n ConstStr expressions give n characters, so a smaller bound could make a length unsampleable.
    require(maxOutputLength >= maxExpressions,
        "maxOutputLength must be >= maxExpressions (" + maxExpressions + ")", maxOutputLength);
    require(minInputTokens >= 1, "minInputTokens must be >= 1", minInputTokens);
    require(maxInputTokens >= minInputTokens,
        "maxInputTokens must be >= minInputTokens (" + minInputTokens + ")", maxInputTokens);
    require(maxRepeats >= 1, "maxRepeats must be >= 1", maxRepeats);
    require(maxTokenLength >= 1, "maxTokenLength must be >= 1", maxTokenLength);
  }

  /** The paper's distribution: 4 examples, 1..10 expressions, strings of at most 100 characters. */
  public static SamplerConfig paper() {
    return new SamplerConfig(4, 1, 10, 100, 100, 3, 10, 5, 5);
  }

  /**
   * Input building stops once the running length reaches this (the reference's
   * {@code max_input_length - MAX_TOKEN_LENGTH * max_k // 2}: 88 for the paper), leaving room for
   * the last token so few inputs are rejected for length.
   */
  public int stopLength() {
    return maxInputLength - maxTokenLength * maxRepeats / 2;
  }

  /** The same distribution with programs of {@code minExpressions..max} expressions. */
  public SamplerConfig withMaxExpressions(int max) {
    return new SamplerConfig(examples, minExpressions, max, maxInputLength, maxOutputLength,
        minInputTokens, maxInputTokens, maxRepeats, maxTokenLength);
  }

  /** The same distribution with programs of exactly {@code min..max} expressions. */
  public SamplerConfig withExpressions(int min, int max) {
    return new SamplerConfig(examples, min, max, maxInputLength, maxOutputLength,
        minInputTokens, maxInputTokens, maxRepeats, maxTokenLength);
  }

  /** The same distribution with inputs of at most {@code max} characters. */
  public SamplerConfig withMaxInputLength(int max) {
    return new SamplerConfig(examples, minExpressions, maxExpressions, max, maxOutputLength,
        minInputTokens, maxInputTokens, maxRepeats, maxTokenLength);
  }

  /** The same distribution with {@code n} examples per task. */
  public SamplerConfig withExamples(int n) {
    return new SamplerConfig(n, minExpressions, maxExpressions, maxInputLength, maxOutputLength,
        minInputTokens, maxInputTokens, maxRepeats, maxTokenLength);
  }

  /** The same distribution with outputs of at most {@code max} characters. */
  public SamplerConfig withMaxOutputLength(int max) {
    return new SamplerConfig(examples, minExpressions, maxExpressions, maxInputLength, max,
        minInputTokens, maxInputTokens, maxRepeats, maxTokenLength);
  }

  private static void require(boolean ok, String rule, int actual) {
    if (!ok) {
      throw new IllegalArgumentException("invalid sampler config: " + rule + ", got " + actual);
    }
  }
}
