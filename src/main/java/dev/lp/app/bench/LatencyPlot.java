package dev.lp.app.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Empirical latency CDFs as one PNG: one curve per named series of milliseconds. */
public final class LatencyPlot {

  private LatencyPlot() {}

  /** Writes {@code file} (900×500); series with no values are left out. */
  public static void writeCdf(Path file, String title, Map<String, double[]> seriesMs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeriesCollection data = new XYSeriesCollection();
    for (var e : seriesMs.entrySet()) {
      double[] v = e.getValue().clone();
      if (v.length == 0) {
        continue;
      }
      Arrays.sort(v);
      XYSeries s = new XYSeries(e.getKey() + " (n=" + v.length + ")", true, true);
      for (int i = 0; i < v.length; i++) {
        s.add(v[i], (i + 1) / (double) v.length);
      }
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "latency (ms)", "share of requests ≤ x",
        data, PlotOrientation.VERTICAL, true, false, false);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
  }
}
