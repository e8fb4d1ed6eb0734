package dev.lp.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.search.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Prometheus text the ops endpoint writes, checked byte for byte for known observations. */
class MetricsRegistryTest {

  @Test
  void countersGaugesAndInfoAreWrittenInRegistrationOrder() {
    var r = new MetricsRegistry();
    var requests = r.counter("x_requests_total", "Requests.", "status", List.of("OK", "BAD"));
    var bytes = r.counter("x_bytes_total", "Bytes\\sent\nover the wire.");
    var level = r.gauge("x_level", "Level.");
    var info = r.info("x_info", "What runs.", List.of("kind", "version"));
    requests.labels("OK").inc();
    requests.labels("OK").inc();
    bytes.add(0.5);
    bytes.add(1024);
    level.set(-3);
    String unset = r.scrape();
    info.set(List.of("a\"b", "c\\d\ne"));
    assertEquals("""
        # HELP x_requests_total Requests.
        # TYPE x_requests_total counter
        x_requests_total{status="OK"} 2
        x_requests_total{status="BAD"} 0
        # HELP x_bytes_total Bytes\\\\sent\\nover the wire.
        # TYPE x_bytes_total counter
        x_bytes_total 1024.5
        # HELP x_level Level.
        # TYPE x_level gauge
        x_level -3
        # HELP x_info What runs.
        # TYPE x_info gauge
        x_info{kind="a\\"b",version="c\\\\d\\ne"} 1
        """, r.scrape());
    assertEquals(r.scrape().replace("x_info{kind=\"a\\\"b\",version=\"c\\\\d\\ne\"} 1\n", ""), unset,
        "an unset info writes its HELP and TYPE lines only");
  }

  @Test
  void histogramBucketsAreCumulativeAndEndWithInfSumAndCount() {
    var r = new MetricsRegistry();
    var h = r.histogram("x_seconds", "Durations.", 0.25, 1, 2.5);
    for (double v : new double[] {0.125, 0.25, 0.75, 2, 2, 100}) {
      h.observe(v);
    }
    assertEquals("""
        # HELP x_seconds Durations.
        # TYPE x_seconds histogram
        x_seconds_bucket{le="0.25"} 2
        x_seconds_bucket{le="1"} 3
        x_seconds_bucket{le="2.5"} 5
        x_seconds_bucket{le="+Inf"} 6
        x_seconds_sum 105.125
        x_seconds_count 6
        """, r.scrape());
    assertEquals(6, h.count());
  }

  @Test
  void numbersAreWrittenAsTheFormatReadsThem() {
    double[] values = {0, 42.0, 0.025, 0.0001, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
    List<String> written = List.of("0", "42", "0.025", "1.0E-4", "+Inf", "-Inf", "NaN");
    for (int i = 0; i < values.length; i++) {
      assertEquals(written.get(i), MetricsRegistry.format(values[i]), "value " + values[i]);
    }
  }

  @Test
  void misuseIsRefusedWithTheNameInTheMessage() {
    var r = new MetricsRegistry();
    r.counter("x_total", "X.");
    assertThrows(IllegalArgumentException.class, () -> r.counter("x_total", "Again."));
    assertThrows(IllegalArgumentException.class, () -> r.counter("x-total", "Dash."));
    assertThrows(IllegalArgumentException.class, () -> r.gauge("x_empty_help", " "));
    assertThrows(IllegalArgumentException.class, () -> r.counter("x_le_total", "Le.", "le", List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> r.counter("x_dup_total", "Dup.", "s", List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> r.histogram("x_h", "Unsorted.", 1, 1));
    assertThrows(IllegalArgumentException.class, () -> r.histogram("x_h2", "Inf.", 1, Double.POSITIVE_INFINITY));
    var c = r.counter("x_s_total", "S.", "s", List.of("a"));
    var e = assertThrows(IllegalArgumentException.class, () -> c.labels("b"));
    assertEquals("label value 'b' is not one of [a]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.labels("a").add(-1));
    assertThrows(IllegalArgumentException.class, () -> r.histogram("x_h3", "H.", 1).observe(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> r.info("x_i", "I.", List.of("k")).set(List.of("1", "2")));
  }

  @Test
  void servingMetricsCountFinishedEventsOnly() {
    var m = new ServingMetrics();
    m.observe(SynthesisEvent.newBuilder().setRequestId("r1").setSequence(0).build()); // Accepted-like: ignored
    m.observe(finished(Finished.Status.SOLVED, 250, 125, 40, 500, 7));
    m.observe(finished(Finished.Status.DEADLINE, 2000, -1, 100, 1750, 30));
    m.observe(finished(Finished.Status.REJECTED, 0, -1, 0, 0, 0));
    var info = new ModelInfo("lp", "shipped-lp@16000", 316, 43, 41, 42, 40, 11);
    String text = m.scrape(3, 2, info);
    String expected = """
        # HELP lp_requests_finished_total Requests this worker finished (Finished event published), by status.
        # TYPE lp_requests_finished_total counter
        lp_requests_finished_total{status="SOLVED"} 1
        lp_requests_finished_total{status="EXHAUSTED"} 0
        lp_requests_finished_total{status="DEADLINE"} 1
        lp_requests_finished_total{status="REJECTED"} 1
        lp_requests_finished_total{status="FAILED"} 0
        # HELP lp_request_latency_seconds Engine latency of finished requests (Finished.stats.latency_ms), every status.
        # TYPE lp_request_latency_seconds histogram
        """ + buckets("lp_request_latency_seconds", 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3) + """
        lp_request_latency_seconds_sum 2.25
        lp_request_latency_seconds_count 3
        # HELP lp_time_to_first_solution_seconds Time from start to the first consistent program, solved requests only.
        # TYPE lp_time_to_first_solution_seconds histogram
        """ + buckets("lp_time_to_first_solution_seconds", 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1) + """
        lp_time_to_first_solution_seconds_sum 0.125
        lp_time_to_first_solution_seconds_count 1
        # HELP lp_model_calls_total Model calls (encode + decoder steps) run for finished requests.
        # TYPE lp_model_calls_total counter
        lp_model_calls_total 140
        # HELP lp_model_time_seconds_total Model wall time spent on finished requests (batches split by rows).
        # TYPE lp_model_time_seconds_total counter
        lp_model_time_seconds_total 2.25
        # HELP lp_candidates_verified_total Candidate programs run on the examples for finished requests.
        # TYPE lp_candidates_verified_total counter
        lp_candidates_verified_total 37
        # HELP lp_requests_in_flight Requests taken from Kafka whose Finished is not yet acknowledged.
        # TYPE lp_requests_in_flight gauge
        lp_requests_in_flight 3
        # HELP lp_partitions_assigned Partitions of the requests topic this worker owns.
        # TYPE lp_partitions_assigned gauge
        lp_partitions_assigned 2
        # HELP lp_model_info The model new requests are served with (changes on hot reload).
        # TYPE lp_model_info gauge
        lp_model_info{kind="lp",version="shipped-lp@16000"} 1
        """;
    assertEquals(expected, text);
    assertEquals(expected.replace("lp_model_info{kind=\"lp\",version=\"shipped-lp@16000\"} 1\n", ""),
        m.scrape(3, 2, null), "no model: no info sample");
  }

  /** The bucket lines of a ServingMetrics histogram: cumulative counts for 0.025 s ... 60 s, +Inf. */
  private static String buckets(String name, long... cumulative) {
    List<String> le = List.of("0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "60", "+Inf");
    assertEquals(le.size(), cumulative.length);
    var out = new StringBuilder();
    for (int i = 0; i < le.size(); i++) {
      out.append(name).append("_bucket{le=\"").append(le.get(i)).append("\"} ").append(cumulative[i]).append('\n');
    }
    return out.toString();
  }

  private static SynthesisEvent finished(Finished.Status status, long latencyMs, long firstMs, long calls,
      long modelMs, long verified) {
    var stats = Finished.Stats.newBuilder().setLatencyMs(latencyMs).setTimeToFirstSolutionMs(firstMs)
        .setModelCalls(calls).setModelTimeMs(modelMs).setCandidatesVerified(verified);
    return SynthesisEvent.newBuilder().setRequestId("r").setSequence(9)
        .setFinished(Finished.newBuilder().setStatus(status).setStats(stats)).build();
  }
}
