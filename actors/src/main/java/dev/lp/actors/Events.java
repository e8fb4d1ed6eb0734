package dev.lp.actors;

import dev.lp.protocol.SynthesisError;
import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.protocol.Topics;
import java.util.List;

/** Builders for events that are not part of a running session (the Kafka edge's errors). */
public final class Events {
  private Events() {}

  /**
   * The two events that answer a record whose bytes do not parse as a SynthesisRequest:
   * Error BAD_BYTES (sequence 0) then Finished REJECTED (sequence 1), keyed by the record key.
   *
   * @param key the record key as text (the request id the client meant), may be empty
   * @param why the parser's complaint, for the client
   */
  public static List<SynthesisEvent> badBytes(String key, String why) {
    return rejected(
        key == null ? "" : key,
        "",
        error(SynthesisError.Code.BAD_BYTES, "request bytes do not parse: " + why, ""));
  }

  /**
   * The answer to a request whose request_id is blank, sent under its record key so a client that
   * keys its requests by id sees it: Error MISSING_REQUEST_ID then Finished REJECTED.
   */
  public static List<SynthesisEvent> missingRequestId(String key) {
    return rejected(
        key,
        "",
        error(
            SynthesisError.Code.MISSING_REQUEST_ID,
            "request_id is missing or blank (answered under the record key)",
            "request_id"));
  }

  /**
   * The answer to a request whose request_id differs from its record key, sent under the key (the
   * sender listens for its key): Error REQUEST_ID_MISMATCH (field request_id, the message names
   * both) then Finished REJECTED.
   */
  public static List<SynthesisEvent> requestIdMismatch(String key, String requestId) {
    return rejected(
        key,
        "",
        error(
            SynthesisError.Code.REQUEST_ID_MISMATCH,
            "request_id " + LogText.quote(requestId) + " differs from the record key " + LogText.quote(key)
                + ": send each request keyed by its request_id (its events are keyed and named by it);"
                + " answered under the record key",
            "request_id"));
  }

  /** Error then Finished(REJECTED), sequence 0 and 1, for a request refused before it started. */
  public static List<SynthesisEvent> rejected(
      String requestId, String modelVersion, SynthesisError error) {
    long now = System.currentTimeMillis();
    var err = header(requestId, 0, modelVersion, now).setError(error).build();
    var fin =
        header(requestId, 1, modelVersion, now)
            .setFinished(
                Finished.newBuilder()
                    .setStatus(Finished.Status.REJECTED)
                    .setStats(Finished.Stats.newBuilder().setTimeToFirstSolutionMs(-1)))
            .build();
    return List.of(err, fin);
  }

  /** An Error payload. */
  public static SynthesisError error(
      SynthesisError.Code code, String message, String field) {
    return SynthesisError.newBuilder()
        .setCode(code)
        .setMessage(message)
        .setField(field == null ? "" : field)
        .build();
  }

  static SynthesisEvent.Builder header(String requestId, long seq, String modelVersion, long nowMs) {
    return SynthesisEvent.newBuilder()
        .setProtocolVersion(Topics.PROTOCOL_VERSION)
        .setRequestId(requestId)
        .setSequence(seq)
        .setModelVersion(modelVersion == null ? "" : modelVersion)
        .setEmittedAtMs(nowMs);
  }
}
