package dev.lp.trainer;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training metrics as a CSV file (one row per logged step, columns fixed by the first row) and
 * PNG learning curves drawn from the same rows. Appends, so a resumed run continues the file
 * (after {@link #dropRowsAfter} has removed what the interrupted run logged past its checkpoint).
 */
public final class MetricsLog implements AutoCloseable {

  private final Path csv;
  private final List<String> columns;
  private final BufferedWriter out;
  private final Map<String, XYSeries> series = new LinkedHashMap<>();

  /**
   * Opens (or continues) {@code csv} with the given metric columns after "step" and
   * "tasks_seen". Existing rows are read back so the curves cover the whole run.
   */
  public MetricsLog(Path csv, List<String> columns) {
    this.csv = csv;
    this.columns = List.copyOf(columns);
    for (String c : columns) {
      series.put(c, new XYSeries(c, true, true));
    }
    try {
      Files.createDirectories(csv.toAbsolutePath().getParent());
      boolean fresh = !Files.exists(csv) || Files.size(csv) == 0;
      if (!fresh) {
        readBack();
      }
      out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (fresh) {
        out.write("step,tasks_seen," + String.join(",", columns));
        out.newLine();
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open metrics file " + csv, e);
    }
  }

  private void readBack() throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      return;
    }
    String expected = "step,tasks_seen," + String.join(",", columns);
    if (!lines.get(0).equals(expected)) {
      throw new IllegalStateException(csv + " has columns '" + lines.get(0) + "', this run logs '" + expected
          + "': use a fresh output directory, or move the old metrics.csv aside");
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (f.length != columns.size() + 2) {
        continue; // a row cut short by a crash; the CSV stays readable
      }
      for (int i = 0; i < columns.size(); i++) {
        series.get(columns.get(i)).add(Double.parseDouble(f[0]), Double.parseDouble(f[i + 2]));
      }
    }
  }

  /**
   * Removes the rows logged after {@code step}, and any row cut short by a crash, so a run resumed
   * from the checkpoint at {@code step} logs those steps once; the file is rewritten atomically
   * (temporary file, then rename) and left alone when nothing goes. Returns the number of rows
   * removed (0 when the file does not exist).
   */
  public static int dropRowsAfter(Path csv, long step) {
    try {
      if (!Files.isRegularFile(csv)) {
        return 0;
      }
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return 0;
      }
      int fields = lines.get(0).split(",", -1).length;
      List<String> kept = new ArrayList<>(List.of(lines.get(0)));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",", -1);
        if (f.length == fields && f[0].matches("\\d{1,18}") && Long.parseLong(f[0]) <= step) {
          kept.add(line);
        }
      }
      int dropped = lines.size() - kept.size();
      if (dropped > 0) {
        Path tmp = Files.createTempFile(csv.toAbsolutePath().getParent(), ".metrics", ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        if (csv.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(csv)); // temp files start private
        }
        try {
          Files.move(tmp, csv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return dropped;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot trim " + csv + " to step " + step, e);
    }
  }

  /** Appends one row; missing metrics are written as NaN. */
  public void log(long step, long tasksSeen, Map<String, ? extends Number> values) {
    StringBuilder row = new StringBuilder().append(step).append(',').append(tasksSeen);
    for (String c : columns) {
      Number v = values.get(c);
      double d = v == null ? Double.NaN : v.doubleValue();
      row.append(',').append(String.format(Locale.ROOT, "%.6g", d));
      if (!Double.isNaN(d)) {
        series.get(c).add(step, d);
      }
    }
    try {
      out.write(row.toString());
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + csv, e);
    }
  }

  /** Draws one PNG per group of columns (e.g. all losses on one chart), x = step. */
  public void plot(Path png, String title, List<String> which) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (String c : which) {
      XYSeries s = series.get(c);
      if (s == null) {
        throw new IllegalArgumentException("no metric column " + c + " (have " + columns + ")");
      }
      data.addSeries(s);
    }
    draw(png, title, "step", String.join(", ", which), data, false);
  }

  /**
   * Draws one column of several runs' metrics.csv on one chart against tasks seen (so runs with other
   * batch sizes line up), each curve the running mean over {@code window} logged rows; rows cut short
   * or garbled are skipped. Returns the number of points drawn per run.
   */
  public static Map<String, Integer> overlay(Map<String, Path> runs, String column, Path png, String title,
      int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    XYSeriesCollection data = new XYSeriesCollection();
    Map<String, Integer> points = new LinkedHashMap<>();
    for (var run : runs.entrySet()) {
      List<String> lines;
      try {
        lines = Files.readAllLines(run.getValue(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + run.getValue(), e);
      }
      if (lines.isEmpty()) {
        throw new IllegalArgumentException(run.getValue() + " is empty");
      }
      List<String> header = List.of(lines.get(0).split(","));
      int col = header.indexOf(column);
      if (col < 0 || header.size() < 2 || !"tasks_seen".equals(header.get(1))) {
        throw new IllegalArgumentException(run.getValue() + " has no " + column + " column or no tasks_seen: "
            + lines.get(0));
      }
      XYSeries s = new XYSeries(run.getKey(), true, true);
      double[] ring = new double[window];
      int seen = 0;
      double sum = 0;
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split(",");
        if (f.length != header.size()) {
          continue;
        }
        double x;
        double y;
        try {
          x = Double.parseDouble(f[1]);
          y = Double.parseDouble(f[col]);
        } catch (NumberFormatException e) {
          continue;
        }
        if (!Double.isFinite(y)) {
          continue;
        }
        sum += y - (seen >= window ? ring[seen % window] : 0);
        ring[seen % window] = y;
        seen++;
        s.add(x, sum / Math.min(seen, window));
      }
      points.put(run.getKey(), s.getItemCount());
      data.addSeries(s);
    }
    draw(png, title, "tasks seen", column, data, true);
    return points;
  }

  /** One line per series on a white grid, 900×500 PNG; {@code zoom}: the y axis need not include zero. */
  private static void draw(Path png, String title, String x, String y, XYSeriesCollection data, boolean zoom) {
    JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesStroke(i, new BasicStroke(1.5f));
    }
    plot.setRenderer(r);
    if (zoom && plot.getRangeAxis() instanceof org.jfree.chart.axis.NumberAxis axis) {
      axis.setAutoRangeIncludesZero(false);
    }
    try {
      Files.createDirectories(png.toAbsolutePath().getParent());
      ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 500);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  /** Metric columns in file order. */
  public List<String> columns() {
    return new ArrayList<>(columns);
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + csv, e);
    }
  }
}
