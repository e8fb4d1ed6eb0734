package dev.lp.app.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.search.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Prometheus text the ops endpoint writes, checked byte for byte for known observations. */
class ServingMetricsTest {

  @Test
  void theJvmAndProcessMetricsComeWithOurs() {
    String text = new ServingMetrics().scrape(0, 0, null);
    for (String name : new String[] {"lp_requests_finished_total", "lp_request_latency_seconds_bucket",
        "jvm_memory_used_bytes", "jvm_threads_current", "process_cpu_seconds_total"}) {
      assertTrue(text.contains("\n" + name), name + " missing in:\n" + text);
    }
  }

  @Test
  void aHotReloadReplacesTheModelInfoSample() {
    var m = new ServingMetrics(false);
    m.scrape(0, 0, new ModelInfo("lp", "lp@1", 316, 43, 41, 42, 40, 11));
    String text = m.scrape(0, 0, new ModelInfo("lp", "lp@2", 316, 43, 41, 42, 40, 11));
    assertTrue(text.contains("lp_model_info{kind=\"lp\",version=\"lp@2\"} 1"), text);
    assertFalse(text.contains("lp@1"), "the old version's sample stays after a reload: " + text);
  }

  @Test
  void servingMetricsCountFinishedEventsOnly() {
    var m = new ServingMetrics(false);
    m.observe(SynthesisEvent.newBuilder().setRequestId("r1").setSequence(0).build()); // Accepted-like: ignored
    m.observe(finished(Finished.Status.SOLVED, 250, 125, 40, 500, 7));
    m.observe(finished(Finished.Status.DEADLINE, 2000, -1, 100, 1750, 30));
    m.observe(finished(Finished.Status.REJECTED, 0, -1, 0, 0, 0));
    var info = new ModelInfo("lp", "shipped-lp@16000", 316, 43, 41, 42, 40, 11);
    String text = m.scrape(3, 2, info);
    // the Prometheus client's text format: families sorted by name, labels by value, floats as Java writes them
    String expected = """
        # HELP lp_candidates_verified_total Candidate programs run on the examples for finished requests.
        # TYPE lp_candidates_verified_total counter
        lp_candidates_verified_total 37.0
        # HELP lp_model_info The model new requests are served with (changes on hot reload).
        # TYPE lp_model_info gauge
        lp_model_info{kind="lp",version="shipped-lp@16000"} 1
        # HELP lp_model_calls_total Model calls (encode + decoder steps) run for finished requests.
        # TYPE lp_model_calls_total counter
        lp_model_calls_total 140.0
        # HELP lp_model_time_seconds_total Model wall time spent on finished requests (batches split by rows).
        # TYPE lp_model_time_seconds_total counter
        lp_model_time_seconds_total 2.25
        # HELP lp_partitions_assigned Partitions of the requests topic this worker owns.
        # TYPE lp_partitions_assigned gauge
        lp_partitions_assigned 2.0
        # HELP lp_request_latency_seconds Engine latency of finished requests (Finished.stats.latency_ms), every status.
        # TYPE lp_request_latency_seconds histogram
        lp_request_latency_seconds_bucket{le="0.025"} 1
        lp_request_latency_seconds_bucket{le="0.05"} 1
        lp_request_latency_seconds_bucket{le="0.1"} 1
        lp_request_latency_seconds_bucket{le="0.25"} 2
        lp_request_latency_seconds_bucket{le="0.5"} 2
        lp_request_latency_seconds_bucket{le="1.0"} 2
        lp_request_latency_seconds_bucket{le="2.5"} 3
        lp_request_latency_seconds_bucket{le="5.0"} 3
        lp_request_latency_seconds_bucket{le="10.0"} 3
        lp_request_latency_seconds_bucket{le="30.0"} 3
        lp_request_latency_seconds_bucket{le="60.0"} 3
        lp_request_latency_seconds_bucket{le="+Inf"} 3
        lp_request_latency_seconds_count 3
        lp_request_latency_seconds_sum 2.25
        # HELP lp_requests_finished_total Requests this worker finished (Finished event published), by status.
        # TYPE lp_requests_finished_total counter
        lp_requests_finished_total{status="DEADLINE"} 1.0
        lp_requests_finished_total{status="EXHAUSTED"} 0.0
        lp_requests_finished_total{status="FAILED"} 0.0
        lp_requests_finished_total{status="REJECTED"} 1.0
        lp_requests_finished_total{status="SOLVED"} 1.0
        # HELP lp_requests_in_flight Requests taken from Kafka whose Finished is not yet acknowledged.
        # TYPE lp_requests_in_flight gauge
        lp_requests_in_flight 3.0
        # HELP lp_time_to_first_solution_seconds Time from start to the first consistent program, solved requests only.
        # TYPE lp_time_to_first_solution_seconds histogram
        lp_time_to_first_solution_seconds_bucket{le="0.025"} 0
        lp_time_to_first_solution_seconds_bucket{le="0.05"} 0
        lp_time_to_first_solution_seconds_bucket{le="0.1"} 0
        lp_time_to_first_solution_seconds_bucket{le="0.25"} 1
        lp_time_to_first_solution_seconds_bucket{le="0.5"} 1
        lp_time_to_first_solution_seconds_bucket{le="1.0"} 1
        lp_time_to_first_solution_seconds_bucket{le="2.5"} 1
        lp_time_to_first_solution_seconds_bucket{le="5.0"} 1
        lp_time_to_first_solution_seconds_bucket{le="10.0"} 1
        lp_time_to_first_solution_seconds_bucket{le="30.0"} 1
        lp_time_to_first_solution_seconds_bucket{le="60.0"} 1
        lp_time_to_first_solution_seconds_bucket{le="+Inf"} 1
        lp_time_to_first_solution_seconds_count 1
        lp_time_to_first_solution_seconds_sum 0.125
        """;
    assertEquals(expected, text);
    assertEquals(expected.replace("# HELP lp_model_info The model new requests are served with (changes on hot reload).\n"
        + "# TYPE lp_model_info gauge\n" + "lp_model_info{kind=\"lp\",version=\"shipped-lp@16000\"} 1\n", ""),
        m.scrape(3, 2, null), "no model: no info sample (and no empty family)");
  }

  private static SynthesisEvent finished(Finished.Status status, long latencyMs, long firstMs, long calls,
      long modelMs, long verified) {
    var stats = Finished.Stats.newBuilder().setLatencyMs(latencyMs).setTimeToFirstSolutionMs(firstMs)
        .setModelCalls(calls).setModelTimeMs(modelMs).setCandidatesVerified(verified);
    return SynthesisEvent.newBuilder().setRequestId("r").setSequence(9)
        .setFinished(Finished.newBuilder().setStatus(status).setStats(stats)).build();
  }
}
