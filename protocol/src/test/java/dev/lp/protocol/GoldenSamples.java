package dev.lp.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample messages behind the checked-in golden files, and the generator that wrote them.
 *
 * <p>Run {@code main} once (with the target directory as argument) only when the wire format is
 * deliberately changed; GoldenBytesTest then guards the new bytes.
 */
final class GoldenSamples {
  private GoldenSamples() {}

  static SynthesisRequest request() {
    return SynthesisRequest.newBuilder()
        .setProtocolVersion(1)
        .setRequestId("req-42")
        .addExamples(Example.newBuilder().setInput("Ud 9:25,JV3 Obb").setOutput("2525,JV3 ObbUd 9"))
        .addExamples(Example.newBuilder().setInput("ab 12 cd").setOutput("12 cd"))
        .setOptions(
            Options.newBuilder()
                .setBeamSize(10)
                .setLatentBeams(5)
                .setMaxPrograms(2)
                .setDeadlineMs(1500)
                .setStreamCandidates(true))
        .build();
  }

  private static SynthesisEvent.Builder header(long sequence) {
    return SynthesisEvent.newBuilder()
        .setProtocolVersion(1)
        .setRequestId("req-42")
        .setSequence(sequence)
        .setModelVersion("lp-step-1000")
        .setEmittedAtMs(1_700_000_000_000L + sequence);
  }

  static SynthesisEvent accepted() {
    return header(0).setAccepted(Accepted.getDefaultInstance()).build();
  }

  static SynthesisEvent candidate() {
    return header(1)
        .setCandidate(
            Candidate.newBuilder()
                .setProgramText("GetFrom(':')")
                .addAllProgramIds(List.of(13, 33))
                .setScore(-1.25)
                .addAllLatentCode(List.of(7, 3))
                .setConsistent(false)
                .setRank(0))
        .build();
  }

  static SynthesisEvent solved() {
    return header(2)
        .setSolved(
            Solved.newBuilder()
                .setProgramText("GetToken(NUMBER, 1)")
                .addAllProgramIds(List.of(7, 102, 216))
                .setScore(-0.5)
                .addAllLatentCode(List.of(7, 3))
                .addAllOutputs(List.of("9", "12")))
        .build();
  }

  static SynthesisEvent finished() {
    return header(3)
        .setFinished(
            Finished.newBuilder()
                .setStatus(Finished.Status.SOLVED)
                .setStats(
                    Finished.Stats.newBuilder()
                        .setLatencyMs(120)
                        .setTimeToFirstSolutionMs(80)
                        .setBeamsDecoded(10)
                        .setCandidatesVerified(7)
                        .setModelCalls(31)
                        .setModelTimeMs(95)))
        .build();
  }

  static SynthesisEvent error() {
    return header(0)
        .setError(
            SynthesisError.newBuilder()
                .setCode(SynthesisError.Code.BAD_CHARACTER)
                .setMessage("examples[1].input has character 'é' outside the DSL alphabet")
                .setField("examples[1].input"))
        .build();
  }

  /** File name to message, in a stable order. */
  static Map<String, com.google.protobuf.Message> all() {
    var m = new LinkedHashMap<String, com.google.protobuf.Message>();
    m.put("request.bin", request());
    m.put("event-accepted.bin", accepted());
    m.put("event-candidate.bin", candidate());
    m.put("event-solved.bin", solved());
    m.put("event-finished.bin", finished());
    m.put("event-error.bin", error());
    return m;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "protocol/src/test/resources/golden");
    Files.createDirectories(dir);
    for (var e : all().entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue().toByteArray());
    }
  }
}
