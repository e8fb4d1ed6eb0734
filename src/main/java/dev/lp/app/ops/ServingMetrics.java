package dev.lp.app.ops;

import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.search.ModelInfo;
import java.util.List;

/**
 * What one worker exposes on {@code /metrics}: counts and latencies taken from the Finished events
 * it publishes, and gauges read from the intake and the model source at scrape time.
 *
 * <p>Contract: thread-safe; {@link #observe} ignores every event but Finished (one per request) and
 * Finished events with a status outside SOLVED, EXHAUSTED, DEADLINE, REJECTED, FAILED; the latency
 * histogram counts every finished request, the time-to-first-solution histogram only solved ones.
 */
public final class ServingMetrics {
  /** Latency bucket bounds in seconds: 25 ms up to the engine's longest deadline (60 s). */
  static final double[] LATENCY_BUCKETS = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  /** The statuses counted, each written even while 0. */
  static final List<Finished.Status> STATUSES = List.of(Finished.Status.SOLVED, Finished.Status.EXHAUSTED,
      Finished.Status.DEADLINE, Finished.Status.REJECTED, Finished.Status.FAILED);

  private final MetricsRegistry registry = new MetricsRegistry();
  private final MetricsRegistry.LabeledCounter finished = registry.counter("lp_requests_finished_total",
      "Requests this worker finished (Finished event published), by status.", "status",
      STATUSES.stream().map(Enum::name).toList());
  private final MetricsRegistry.Histogram latency = registry.histogram("lp_request_latency_seconds",
      "Engine latency of finished requests (Finished.stats.latency_ms), every status.", LATENCY_BUCKETS);
  private final MetricsRegistry.Histogram firstSolution = registry.histogram("lp_time_to_first_solution_seconds",
      "Time from start to the first consistent program, solved requests only.", LATENCY_BUCKETS);
  private final MetricsRegistry.Counter modelCalls = registry.counter("lp_model_calls_total",
      "Model calls (encode + decoder steps) run for finished requests.");
  private final MetricsRegistry.Counter modelTime = registry.counter("lp_model_time_seconds_total",
      "Model wall time spent on finished requests (batches split by rows).");
  private final MetricsRegistry.Counter verified = registry.counter("lp_candidates_verified_total",
      "Candidate programs run on the examples for finished requests.");
  private final MetricsRegistry.Gauge inFlight = registry.gauge("lp_requests_in_flight",
      "Requests taken from Kafka whose Finished is not yet acknowledged.");
  private final MetricsRegistry.Gauge partitions = registry.gauge("lp_partitions_assigned",
      "Partitions of the requests topic this worker owns.");
  private final MetricsRegistry.Info model = registry.info("lp_model_info",
      "The model new requests are served with (changes on hot reload).", List.of("kind", "version"));

  /** Counts {@code event} if it is a Finished event; other events pass unseen. */
  public void observe(SynthesisEvent event) {
    if (event == null || !event.hasFinished()) {
      return;
    }
    Finished f = event.getFinished();
    if (!STATUSES.contains(f.getStatus())) {
      return;
    }
    Finished.Stats s = f.getStats();
    finished.labels(f.getStatus().name()).inc();
    latency.observe(seconds(s.getLatencyMs()));
    if (f.getStatus() == Finished.Status.SOLVED && s.getTimeToFirstSolutionMs() >= 0) {
      firstSolution.observe(seconds(s.getTimeToFirstSolutionMs()));
    }
    modelCalls.add(Math.max(0, s.getModelCalls()));
    modelTime.add(seconds(Math.max(0, s.getModelTimeMs())));
    verified.add(Math.max(0, s.getCandidatesVerified()));
  }

  /**
   * The exposition text, with the gauges set to what the caller read just now.
   *
   * @param model the model new requests get; null (none loaded) writes no lp_model_info sample
   */
  public synchronized String scrape(int requestsInFlight, int partitionsAssigned, ModelInfo model) {
    inFlight.set(requestsInFlight);
    partitions.set(partitionsAssigned);
    this.model.set(model == null ? null : List.of(String.valueOf(model.kind()), String.valueOf(model.version())));
    return registry.scrape();
  }

  private static double seconds(long ms) {
    return ms / 1000.0;
  }
}
