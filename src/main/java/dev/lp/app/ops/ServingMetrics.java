package dev.lp.app.ops;

import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import dev.lp.search.ModelInfo;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one worker exposes on {@code /metrics}: counts and latencies taken from the Finished events
 * it publishes, and gauges read from the intake and the model source at scrape time.
 *
 * <p>Contract: thread-safe; {@link #observe} ignores every event but Finished (one per request) and
 * Finished events with a status outside SOLVED, EXHAUSTED, DEADLINE, REJECTED, FAILED; the latency
 * histogram counts every finished request, the time-to-first-solution histogram only solved ones.
 *
 * <p>Written with the Prometheus Java client (prometheus-metrics-core 1.x): the metric types, the
 * text exposition format, and the JVM and process metrics operators expect beside ours (jvm_*,
 * process_*, from prometheus-metrics-instrumentation-jvm). Each instance has its own registry, so
 * two workers in one JVM (tests) do not share counts.
 */
public final class ServingMetrics {
  /** Latency bucket bounds in seconds: 25 ms up to the engine's longest deadline (60 s). */
  static final double[] LATENCY_BUCKETS = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

  /** The statuses counted, each written even while 0. */
  static final List<Finished.Status> STATUSES = List.of(Finished.Status.SOLVED, Finished.Status.EXHAUSTED,
      Finished.Status.DEADLINE, Finished.Status.REJECTED, Finished.Status.FAILED);

  /** The content type of {@link #scrape}'s text (Prometheus text format 0.0.4). */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter finished = Counter.builder().name("lp_requests_finished_total")
      .help("Requests this worker finished (Finished event published), by status.").labelNames("status")
      .withoutExemplars().register(registry);
  private final Histogram latency = histogram("lp_request_latency_seconds",
      "Engine latency of finished requests (Finished.stats.latency_ms), every status.");
  private final Histogram firstSolution = histogram("lp_time_to_first_solution_seconds",
      "Time from start to the first consistent program, solved requests only.");
  private final Counter modelCalls = counter("lp_model_calls_total",
      "Model calls (encode + decoder steps) run for finished requests.");
  private final Counter modelTime = counter("lp_model_time_seconds_total",
      "Model wall time spent on finished requests (batches split by rows).");
  private final Counter verified = counter("lp_candidates_verified_total",
      "Candidate programs run on the examples for finished requests.");
  private final Gauge inFlight = Gauge.builder().name("lp_requests_in_flight")
      .help("Requests taken from Kafka whose Finished is not yet acknowledged.").withoutExemplars().register(registry);
  private final Gauge partitions = Gauge.builder().name("lp_partitions_assigned")
      .help("Partitions of the requests topic this worker owns.").withoutExemplars().register(registry);
  private final Info model = Info.builder().name("lp_model_info")
      .help("The model new requests are served with (changes on hot reload).").labelNames("kind", "version")
      .register(registry);
  private List<String> modelLabels;

  /** Our metrics and the JVM's and process's. */
  public ServingMetrics() {
    this(true);
  }

  /** Our metrics, with the JVM and process metrics only when {@code jvm} (tests compare exact text without). */
  ServingMetrics(boolean jvm) {
    for (Finished.Status s : STATUSES) {
      finished.initLabelValues(s.name()); // every status is written, 0 until counted
    }
    if (jvm) {
      JvmMetrics.builder().register(registry);
    }
  }

  private Histogram histogram(String name, String help) {
    return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(LATENCY_BUCKETS)
        .withoutExemplars().register(registry);
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
  }

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
    finished.labelValues(f.getStatus().name()).inc();
    latency.observe(seconds(Math.max(0, s.getLatencyMs())));
    if (f.getStatus() == Finished.Status.SOLVED && s.getTimeToFirstSolutionMs() >= 0) {
      firstSolution.observe(seconds(s.getTimeToFirstSolutionMs()));
    }
    modelCalls.inc(Math.max(0, s.getModelCalls()));
    modelTime.inc(seconds(Math.max(0, s.getModelTimeMs())));
    verified.inc(Math.max(0, s.getCandidatesVerified()));
  }

  /**
   * The exposition text, with the gauges set to what the caller read just now.
   *
   * @param model the model new requests get; null (none loaded) writes no lp_model_info sample
   */
  public synchronized String scrape(int requestsInFlight, int partitionsAssigned, ModelInfo model) {
    inFlight.set(requestsInFlight);
    partitions.set(partitionsAssigned);
    List<String> labels = model == null ? null
        : List.of(String.valueOf(model.kind()), String.valueOf(model.version()));
    if (modelLabels != null && !modelLabels.equals(labels)) {
      this.model.remove(modelLabels.toArray(new String[0]));
    }
    if (labels != null) {
      this.model.setLabelValues(labels.toArray(new String[0]));
    }
    modelLabels = labels;
    var out = new ByteArrayOutputStream();
    try {
      TEXT.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException("writing the metrics text", e); // a ByteArrayOutputStream does not fail
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static double seconds(long ms) {
    return ms / 1000.0;
  }
}
