package dev.lp.app.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.regex.Pattern;

/**
 * A handful of metric families written in the Prometheus text exposition format 0.0.4, by hand.
 *
 * <p>Contract: thread-safe; families are written in the order they were registered, each with its
 * HELP and TYPE lines, then its samples (a family with no sample yet, such as an unset info, writes
 * only those two lines); label values and help text are escaped as the format requires; histogram
 * buckets are cumulative and end with {@code le="+Inf"}, followed by {@code _sum} and
 * {@code _count}. Plain Java, so the format is tested without a server.
 */
public final class MetricsRegistry {
  /** The Content-Type of {@link #scrape()}'s text. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final List<Family> families = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  /** Writes the samples of one family. */
  @FunctionalInterface
  private interface Samples {
    void write(StringBuilder out);
  }

  /** One registered family: its samples follow the HELP and TYPE lines. */
  private record Family(String name, String help, String type, Samples samples) {}

  /** A monotonic count (or sum) that only goes up. */
  public static final class Counter {
    private final DoubleAdder value = new DoubleAdder();

    Counter() {}

    /** Adds {@code amount}, which must be finite and >= 0. */
    public void add(double amount) {
      if (!(amount >= 0) || Double.isInfinite(amount)) {
        throw new IllegalArgumentException("a counter only goes up by a finite amount, got " + amount);
      }
      value.add(amount);
    }

    public void inc() {
      value.add(1);
    }

    public double value() {
      return value.sum();
    }
  }

  /** A counter with one label whose values are fixed at registration (each written, 0 included). */
  public static final class LabeledCounter {
    private final Map<String, Counter> byValue = new LinkedHashMap<>();

    LabeledCounter(List<String> values) {
      values.forEach(v -> byValue.put(v, new Counter()));
    }

    /** The counter of one label value; IllegalArgumentException for a value not registered. */
    public Counter labels(String value) {
      Counter c = byValue.get(value);
      if (c == null) {
        throw new IllegalArgumentException("label value '" + value + "' is not one of " + byValue.keySet());
      }
      return c;
    }
  }

  /** A value that goes up and down, set by its owner. */
  public static final class Gauge {
    private volatile double value;

    Gauge() {}

    public void set(double v) {
      value = v;
    }

    public double value() {
      return value;
    }
  }

  /** A constant-1 gauge whose labels describe something (the model served); unset writes no sample. */
  public static final class Info {
    private final List<String> labelNames;
    private volatile List<String> labelValues;

    Info(List<String> labelNames) {
      this.labelNames = labelNames;
    }

    /** Replaces the labels' values (one per label name, in order); null clears the sample. */
    public void set(List<String> values) {
      if (values != null && values.size() != labelNames.size()) {
        throw new IllegalArgumentException("expected values for " + labelNames + ", got " + values);
      }
      labelValues = values == null ? null : List.copyOf(values);
    }
  }

  /** Observations counted into fixed buckets, with their sum and count. */
  public static final class Histogram {
    private final double[] bounds;
    private final long[] counts; // per bucket, not cumulative; the last one is (last bound, +Inf)
    private double sum;
    private long count;

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new long[bounds.length + 1];
    }

    /** Counts {@code v} into the first bucket whose upper bound is >= v; NaN is refused. */
    public synchronized void observe(double v) {
      if (Double.isNaN(v)) {
        throw new IllegalArgumentException("cannot observe NaN");
      }
      int i = Arrays.binarySearch(bounds, v);
      counts[i >= 0 ? i : -i - 1]++;
      sum += v;
      count++;
    }

    public synchronized long count() {
      return count;
    }

    synchronized void samples(String name, StringBuilder out) {
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += counts[i];
        sample(out, name + "_bucket", List.of("le"), List.of(format(bounds[i])), cumulative);
      }
      sample(out, name + "_bucket", List.of("le"), List.of("+Inf"), count);
      sample(out, name + "_sum", List.of(), List.of(), sum);
      sample(out, name + "_count", List.of(), List.of(), count);
    }
  }

  /** A counter without labels. */
  public Counter counter(String name, String help) {
    var c = new Counter();
    register(name, help, "counter", out -> sample(out, name, List.of(), List.of(), c.value()));
    return c;
  }

  /** A counter with one label taking exactly {@code values}, written in that order. */
  public LabeledCounter counter(String name, String help, String label, List<String> values) {
    checkLabel(label);
    if (values.isEmpty() || new HashSet<>(values).size() != values.size()) {
      throw new IllegalArgumentException(name + ": label values must be distinct and not empty: " + values);
    }
    var c = new LabeledCounter(values);
    register(name, help, "counter", out -> {
      for (var e : c.byValue.entrySet()) {
        sample(out, name, List.of(label), List.of(e.getKey()), e.getValue().value());
      }
    });
    return c;
  }

  /** A gauge without labels (0 until set). */
  public Gauge gauge(String name, String help) {
    var g = new Gauge();
    register(name, help, "gauge", out -> sample(out, name, List.of(), List.of(), g.value()));
    return g;
  }

  /** An info gauge (type gauge, value 1) with the given label names. */
  public Info info(String name, String help, List<String> labelNames) {
    labelNames.forEach(MetricsRegistry::checkLabel);
    var info = new Info(List.copyOf(labelNames));
    register(name, help, "gauge", out -> {
      List<String> values = info.labelValues;
      if (values != null) {
        sample(out, name, info.labelNames, values, 1);
      }
    });
    return info;
  }

  /** A histogram with the given finite, strictly increasing upper bounds (+Inf is implied). */
  public Histogram histogram(String name, String help, double... upperBounds) {
    if (upperBounds.length == 0) {
      throw new IllegalArgumentException(name + ": a histogram needs at least one bucket bound");
    }
    for (int i = 0; i < upperBounds.length; i++) {
      if (!Double.isFinite(upperBounds[i]) || (i > 0 && upperBounds[i] <= upperBounds[i - 1])) {
        throw new IllegalArgumentException(name + ": bucket bounds must be finite and strictly increasing: "
            + Arrays.toString(upperBounds));
      }
    }
    var h = new Histogram(upperBounds.clone());
    register(name, help, "histogram", out -> h.samples(name, out));
    return h;
  }

  /** Every family, in registration order, as exposition text (each line ends with a newline). */
  public String scrape() {
    List<Family> snapshot;
    synchronized (this) {
      snapshot = List.copyOf(families);
    }
    var out = new StringBuilder(1024);
    for (Family f : snapshot) {
      out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
      out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
      f.samples().write(out);
    }
    return out.toString();
  }

  private synchronized void register(String name, String help, String type, Samples samples) {
    if (name == null || !METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    if (help == null || help.isBlank()) {
      throw new IllegalArgumentException(name + " needs a help text");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException(name + " is registered already");
    }
    families.add(new Family(name, help, type, samples));
  }

  private static void checkLabel(String label) {
    if (label == null || !LABEL_NAME.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
      throw new IllegalArgumentException("not a usable label name: " + label);
    }
  }

  private static void sample(StringBuilder out, String name, List<String> labels, List<String> values, double v) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      for (int i = 0; i < labels.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels.get(i)).append("=\"").append(escapeLabelValue(values.get(i))).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(v)).append('\n');
  }

  /** A label value as the format wants it: backslash, double quote and line feed escaped. */
  static String escapeLabelValue(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Help text as the format wants it: backslash and line feed escaped. */
  static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** Whole numbers without a fraction ("3", not "3.0"), others as Java writes doubles; ±Inf, NaN. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
