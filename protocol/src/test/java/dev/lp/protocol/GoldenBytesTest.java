package dev.lp.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parses the checked-in golden bytes field by field so a wire-breaking schema change fails here. */
class GoldenBytesTest {

  private static byte[] golden(String name) throws IOException {
    try (InputStream in = GoldenBytesTest.class.getResourceAsStream("/golden/" + name)) {
      assertNotNull(in, "missing golden file " + name);
      return in.readAllBytes();
    }
  }

  private static void header(SynthesisEvent e, long seq) {
    assertEquals(1, e.getProtocolVersion());
    assertEquals("req-42", e.getRequestId());
    assertEquals(seq, e.getSequence());
    assertEquals("lp-step-1000", e.getModelVersion());
    assertEquals(1_700_000_000_000L + seq, e.getEmittedAtMs());
  }

  @Test
  void requestParsesFieldByField() throws IOException {
    var r = SynthesisRequest.parseFrom(golden("request.bin"));
    assertEquals(1, r.getProtocolVersion());
    assertEquals("req-42", r.getRequestId());
    assertEquals(2, r.getExamplesCount());
    assertEquals("Ud 9:25,JV3 Obb", r.getExamples(0).getInput());
    assertEquals("2525,JV3 ObbUd 9", r.getExamples(0).getOutput());
    assertEquals("ab 12 cd", r.getExamples(1).getInput());
    assertEquals("12 cd", r.getExamples(1).getOutput());
    assertEquals(10, r.getOptions().getBeamSize());
    assertEquals(5, r.getOptions().getLatentBeams());
    assertEquals(2, r.getOptions().getMaxPrograms());
    assertEquals(1500, r.getOptions().getDeadlineMs());
    assertTrue(r.getOptions().getStreamCandidates());
  }

  @Test
  void acceptedParses() throws IOException {
    var e = SynthesisEvent.parseFrom(golden("event-accepted.bin"));
    header(e, 0);
    assertEquals(SynthesisEvent.KindCase.ACCEPTED, e.getKindCase());
  }

  @Test
  void candidateParses() throws IOException {
    var e = SynthesisEvent.parseFrom(golden("event-candidate.bin"));
    header(e, 1);
    assertEquals(SynthesisEvent.KindCase.CANDIDATE, e.getKindCase());
    var c = e.getCandidate();
    assertEquals("GetFrom(':')", c.getProgramText());
    assertEquals(List.of(13, 33), c.getProgramIdsList());
    assertEquals(-1.25, c.getScore());
    assertEquals(List.of(7, 3), c.getLatentCodeList());
    assertFalse(c.getConsistent());
    assertEquals(0, c.getRank());
  }

  @Test
  void solvedParses() throws IOException {
    var e = SynthesisEvent.parseFrom(golden("event-solved.bin"));
    header(e, 2);
    var s = e.getSolved();
    assertEquals("GetToken(NUMBER, 1)", s.getProgramText());
    assertEquals(List.of(7, 102, 216), s.getProgramIdsList());
    assertEquals(-0.5, s.getScore());
    assertEquals(List.of(7, 3), s.getLatentCodeList());
    assertEquals(List.of("9", "12"), s.getOutputsList());
  }

  @Test
  void finishedParses() throws IOException {
    var e = SynthesisEvent.parseFrom(golden("event-finished.bin"));
    header(e, 3);
    var f = e.getFinished();
    assertEquals(Finished.Status.SOLVED, f.getStatus());
    assertEquals(1, f.getStatusValue());
    var s = f.getStats();
    assertEquals(120, s.getLatencyMs());
    assertEquals(80, s.getTimeToFirstSolutionMs());
    assertEquals(10, s.getBeamsDecoded());
    assertEquals(7, s.getCandidatesVerified());
    assertEquals(31, s.getModelCalls());
    assertEquals(95, s.getModelTimeMs());
  }

  @Test
  void errorParses() throws IOException {
    var e = SynthesisEvent.parseFrom(golden("event-error.bin"));
    header(e, 0);
    var err = e.getError();
    assertEquals(SynthesisError.Code.BAD_CHARACTER, err.getCode());
    assertEquals(6, err.getCodeValue());
    assertEquals("examples[1].input has character 'é' outside the DSL alphabet", err.getMessage());
    assertEquals("examples[1].input", err.getField());
  }

  @Test
  void currentSchemaWritesTheSameBytes() throws IOException {
    // Catches renumbered fields even when the parse above would still succeed by accident.
    for (var entry : GoldenSamples.all().entrySet()) {
      assertArrayEquals(golden(entry.getKey()), entry.getValue().toByteArray(), entry.getKey());
    }
  }

  @Test
  void enumNumbersAreFrozen() {
    assertEquals(12, SynthesisError.Code.OVERLOADED.getNumber());
    assertEquals(11, SynthesisError.Code.INTERNAL.getNumber());
    assertEquals(1, SynthesisError.Code.BAD_BYTES.getNumber());
    assertEquals(4, Finished.Status.REJECTED.getNumber());
    assertEquals(5, Finished.Status.FAILED.getNumber());
    assertEquals(13, SynthesisError.Code.BAD_MAX_PROGRAMS.getNumber());
  }

  @Test
  void topicsAndKeys() {
    assertEquals("lp.requests", Topics.REQUESTS);
    assertEquals("lp.results", Topics.RESULTS);
    assertEquals("lp.checkpoints", Topics.CHECKPOINTS);
    assertArrayEquals("réq".getBytes(StandardCharsets.UTF_8), Topics.key("réq"));
    assertEquals("réq", Topics.requestId(Topics.key("réq")));
    assertEquals("", Topics.requestId(null));
  }
}
