package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import dev.lp.search.Guidance;
import dev.lp.search.SearchBudget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.lp.protocol.SynthesisError.Code;
import dev.lp.protocol.Example;
import dev.lp.protocol.Options;
import dev.lp.protocol.SynthesisRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
  // maxExamples 3, maxStringLength 10, maxBeamSize 8, maxLatentBeams 4.
  private final EngineSettings settings =
      new EngineSettings(4, 3, 10, 8, 4, Duration.ofSeconds(2), Duration.ofSeconds(30), 4, 2, 16,
          Duration.ofMillis(1));
  private final RequestValidator validator = new RequestValidator(settings);

  private static SynthesisRequest.Builder valid() {
    return SynthesisRequest.newBuilder()
        .setProtocolVersion(1)
        .setRequestId("id-1")
        .addExamples(Example.newBuilder().setInput("Ab 12").setOutput("12"))
        .addExamples(Example.newBuilder().setInput("Cd 3").setOutput("3"));
  }

  private SynthesisError rejected(SynthesisRequest r, Code expected) {
    var e = validator.validate(r).orElseThrow(() -> new AssertionError("expected " + expected));
    assertEquals(expected, e.getCode(), e.getMessage());
    return e;
  }

  @Test
  void validRequestPassesAndGetsDefaults() {
    var r = valid().build();
    assertTrue(validator.validate(r).isEmpty());
    var b = validator.budget(r);
    assertEquals(new RequestValidator.Budget(new SearchBudget(4, 2, 1, Guidance.DEFAULT), Duration.ofSeconds(2), false),
        b);
  }

  @Test
  void explicitOptionsAreKept() {
    var r =
        valid()
            .setOptions(
                Options.newBuilder().setBeamSize(8).setLatentBeams(4).setMaxPrograms(3)
                    .setDeadlineMs(700).setStreamCandidates(true).setGuidance(dev.lp.protocol.Guidance.GUIDANCE_OFF)
                    .setRanking(dev.lp.protocol.Ranking.RANKING_OCCAM))
            .build();
    assertEquals(
        new RequestValidator.Budget(new SearchBudget(8, 4, 3, Guidance.OFF), Duration.ofMillis(700), true,
            dev.lp.search.Ranking.OCCAM),
        validator.budget(r));
  }

  @Test
  void guidanceDefaultsToTheWorkersAndIsKeptWhenNamed() {
    var prefix = valid().setOptions(Options.newBuilder().setGuidance(dev.lp.protocol.Guidance.GUIDANCE_PREFIX)).build();
    assertEquals(Guidance.PREFIX, validator.budget(prefix).search().guidance());
    var unknown = valid().setOptions(Options.newBuilder().setGuidanceValue(99)).build();
    assertTrue(validator.validate(unknown).isEmpty(), "a mode this worker does not know is served with its default");
    assertEquals(Guidance.DEFAULT, validator.budget(unknown).search().guidance());
  }

  @Test
  void defaultLatentBeamsAreClampedToTheBeamSize() {
    var r = valid().setOptions(Options.newBuilder().setBeamSize(1)).build();
    assertEquals(1, validator.budget(r).latentBeams());
  }

  @Test
  void missingRequestId() {
    var e = rejected(valid().setRequestId("").build(), Code.MISSING_REQUEST_ID);
    assertEquals("request_id", e.getField());
    rejected(valid().setRequestId("  ").build(), Code.MISSING_REQUEST_ID);
  }

  @Test
  void noExamples() {
    var e = rejected(valid().clearExamples().build(), Code.NO_EXAMPLES);
    assertEquals("examples", e.getField());
  }

  @Test
  void tooManyExamples() {
    var r = valid().addExamples(Example.newBuilder().setInput("a").setOutput("a"))
        .addExamples(Example.newBuilder().setInput("b").setOutput("b")).build();
    var e = rejected(r, Code.TOO_MANY_EXAMPLES);
    assertTrue(e.getMessage().contains("4 examples exceed the limit of 3"), e.getMessage());
  }

  @Test
  void stringTooLong() {
    var r = valid().addExamples(Example.newBuilder().setInput("a").setOutput("abcdefghijk")).build();
    var e = rejected(r, Code.STRING_TOO_LONG);
    assertEquals("examples[2].output", e.getField());
    assertTrue(e.getMessage().contains("11 characters"), e.getMessage());
  }

  @Test
  void badCharacterNamesTheExampleAndTheCharacter() {
    var r = valid().setExamples(1, Example.newBuilder().setInput("Cd é").setOutput("3")).build();
    var e = rejected(r, Code.BAD_CHARACTER);
    assertEquals("examples[1].input", e.getField());
    assertTrue(e.getMessage().contains("examples[1].input"), e.getMessage());
    assertTrue(e.getMessage().contains("'é'"), e.getMessage());
    assertTrue(e.getMessage().contains("position 3"), e.getMessage());
    var emoji = rejected(valid().setExamples(0, Example.newBuilder().setInput("a\uD83D\uDE00\tb").setOutput("a")).build(),
        Code.BAD_CHARACTER);
    assertTrue(emoji.getMessage().contains("'\uD83D\uDE00' (U+1F600) at position 1"), "a whole code point, not half a"
        + " surrogate pair: " + emoji.getMessage());
  }

  @Test
  void contradictingExamplesAreRefused() {
    var r = valid().setExamples(1, Example.newBuilder().setInput(valid().getExamples(0).getInput()).setOutput("zz"))
        .build();
    var e = rejected(r, Code.INCONSISTENT_EXAMPLES);
    assertEquals("examples[1].output", e.getField());
  }

  @Test
  void beamSizeBelowOne() {
    var e = rejected(valid().setOptions(Options.newBuilder().setBeamSize(-1)).build(), Code.BAD_BEAM_SIZE);
    assertEquals("options.beam_size", e.getField());
  }

  @Test
  void beamSizeAboveMax() {
    var e = rejected(valid().setOptions(Options.newBuilder().setBeamSize(9)).build(), Code.BAD_BEAM_SIZE);
    assertTrue(e.getMessage().contains("outside 1..8"), e.getMessage());
  }

  @Test
  void latentBeamsBelowOne() {
    var e = rejected(valid().setOptions(Options.newBuilder().setLatentBeams(-2)).build(), Code.BAD_LATENT_BEAMS);
    assertEquals("options.latent_beams", e.getField());
  }

  @Test
  void latentBeamsAboveBeamSize() {
    var r = valid().setOptions(Options.newBuilder().setBeamSize(2).setLatentBeams(3)).build();
    var e = rejected(r, Code.BAD_LATENT_BEAMS);
    assertTrue(e.getMessage().contains("exceeds beam_size 2"), e.getMessage());
  }

  @Test
  void latentBeamsAboveMax() {
    var r = valid().setOptions(Options.newBuilder().setBeamSize(8).setLatentBeams(5)).build();
    var e = rejected(r, Code.BAD_LATENT_BEAMS);
    assertTrue(e.getMessage().contains("outside 1..4"), e.getMessage());
  }

  @Test
  void unknownProtocolVersion() {
    var e = rejected(valid().setProtocolVersion(2).build(), Code.UNSUPPORTED_VERSION);
    assertEquals("protocol_version", e.getField());
    rejected(valid().setProtocolVersion(0).build(), Code.UNSUPPORTED_VERSION);
  }

  @Test
  void negativeDeadline() {
    var e = rejected(valid().setOptions(Options.newBuilder().setDeadlineMs(-5)).build(), Code.DEADLINE_INVALID);
    assertEquals("options.deadline_ms", e.getField());
    var tooLong = rejected(valid().setOptions(Options.newBuilder().setDeadlineMs(30_001)).build(), Code.DEADLINE_INVALID);
    assertEquals("options.deadline_ms", tooLong.getField());
    assertTrue(tooLong.getMessage().contains("30000"), tooLong.getMessage());
  }

  @Test
  void negativeMaxPrograms() {
    rejected(valid().setOptions(Options.newBuilder().setMaxPrograms(-1)).build(), Code.BAD_MAX_PROGRAMS);
  }

  @Test
  void budgetOfAnInvalidRequestIsRefused() {
    var bad = valid().setRequestId("").build();
    var ex = assertThrows(IllegalArgumentException.class, () -> validator.budget(bad));
    assertTrue(ex.getMessage().contains("request_id"), ex.getMessage());
  }

  @Test
  void settingsComeFromReferenceConf() {
    var s = EngineSettings.fromConfig(ConfigFactory.load());
    assertEquals(64, s.maxInFlight());
    assertEquals(Duration.ofSeconds(10), s.defaultDeadline());
    assertEquals(Duration.ofMillis(2), s.batchMaxDelay());
    assertEquals(32, s.batchMaxSize());
    var bad = ConfigFactory.parseString("lp.engine.max-beam-size = 0").withFallback(ConfigFactory.load());
    var ex = assertThrows(IllegalArgumentException.class, () -> EngineSettings.fromConfig(bad));
    assertTrue(ex.getMessage().contains("lp.engine.max-beam-size"), ex.getMessage());
  }

  @Test
  void badBytesHelperGivesErrorThenFinished() {
    var events = Events.badBytes("k1", "truncated message");
    assertEquals(2, events.size());
    assertEquals(Code.BAD_BYTES, events.get(0).getError().getCode());
    assertEquals("k1", events.get(0).getRequestId());
    assertEquals(0, events.get(0).getSequence());
    assertEquals(dev.lp.protocol.Finished.Status.REJECTED, events.get(1).getFinished().getStatus());
    assertEquals(1, events.get(1).getSequence());
  }
}
