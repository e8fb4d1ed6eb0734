package dev.lp.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of an {@link EvalReport}: accuracy by ground-truth program length (Figure 3b) per
 * dataset with programs, and the latent-beam sweep (Figure 5a: accuracy above, distinct n-grams
 * below) per dataset that has one. Files are named {@code <prefix>-by-length-<dataset>.png} and
 * {@code <prefix>-latent-sweep-<dataset>.png}, so reruns overwrite their own plots only.
 */
public final class EvalPlots {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;

  private EvalPlots() {}

  /**
   * Writes the plots into {@code dir} (created if needed).
   *
   * @return the file names written, in report order
   * @throws IllegalArgumentException for a prefix that is not lower-case words with dashes
   */
  public static List<String> write(EvalReport report, Path dir, String prefix) throws IOException {
    if (report == null || dir == null) {
      throw new IllegalArgumentException("plots need a report and a directory");
    }
    if (prefix == null || !prefix.matches("[a-z0-9][a-z0-9.-]*")) {
      throw new IllegalArgumentException("plot prefix must be lower-case words with dashes, got " + prefix);
    }
    // Plots are drawn off-screen; without this a machine without a display fails in AWT.
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    List<String> files = new ArrayList<>();
    for (String ds : report.datasets()) {
      JFreeChart chart = byLength(report, ds);
      if (chart != null) {
        files.add(save(dir, prefix + "-by-length-" + slug(ds) + ".png", chart));
      }
    }
    for (String ds : report.datasets()) {
      JFreeChart chart = sweep(report, ds);
      if (chart != null) {
        files.add(save(dir, prefix + "-latent-sweep-" + slug(ds) + ".png", chart));
      }
    }
    return files;
  }

  /** A file-name-safe form of a dataset name. */
  public static String slug(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    return s.isEmpty() ? "dataset" : s;
  }

  private static JFreeChart byLength(EvalReport report, String ds) {
    List<Integer> beams = report.beamSizes(ds);
    if (beams.isEmpty()) {
      return null;
    }
    int ref = EvalReport.referenceBeam(beams);
    XYSeriesCollection data = new XYSeriesCollection();
    for (ModelResult m : report.models()) {
      DatasetResult d = m.on(ds);
      SettingResult r = d == null ? null : d.atBeam(ref);
      if (r == null || !d.hasPrograms()) {
        continue;
      }
      XYSeries s = new XYSeries(EvalReport.label(m));
      r.byLength(d.facts()).forEach(b -> s.add(b.expressions(), 100 * b.accuracy()));
      data.addSeries(s);
    }
    if (data.getSeriesCount() == 0) {
      return null;
    }
    NumberAxis x = integerAxis("ground-truth expressions");
    NumberAxis y = new NumberAxis("accuracy (%)");
    y.setRange(0, 100);
    XYPlot plot = new XYPlot(data, x, y, new XYLineAndShapeRenderer(true, true));
    return new JFreeChart("Accuracy by program length, B=" + ref + " (" + ds + ")", JFreeChart.DEFAULT_TITLE_FONT,
        plot, true);
  }

  private static JFreeChart sweep(EvalReport report, String ds) {
    XYSeriesCollection acc = new XYSeriesCollection();
    XYSeriesCollection div = new XYSeriesCollection();
    for (ModelResult m : report.models()) {
      DatasetResult d = m.on(ds);
      if (d == null || d.sweep().isEmpty()) {
        continue;
      }
      XYSeries a = new XYSeries(EvalReport.label(m) + " accuracy");
      List<XYSeries> ns = new ArrayList<>();
      for (int n = 1; n <= Evaluator.MAX_NGRAM; n++) {
        ns.add(new XYSeries(EvalReport.label(m) + " distinct-" + n));
      }
      for (SettingResult r : d.sweep()) {
        int l = r.setting().latentBeams();
        a.add(l, 100 * r.accuracy());
        for (int n = 1; n <= Evaluator.MAX_NGRAM; n++) {
          ns.get(n - 1).add(l, r.meanDistinct(n));
        }
      }
      acc.addSeries(a);
      ns.forEach(div::addSeries);
    }
    if (acc.getSeriesCount() == 0) {
      return null;
    }
    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(integerAxis("latent beams L"));
    NumberAxis accAxis = new NumberAxis("accuracy (%)");
    accAxis.setAutoRangeIncludesZero(false);
    // Without a floor on the range, equal accuracies (e.g. all 0) get an axis of ±1e-9.
    accAxis.setAutoRangeMinimumSize(5);
    plot.add(new XYPlot(acc, null, accAxis, new XYLineAndShapeRenderer(true, true)), 1);
    NumberAxis divAxis = new NumberAxis("distinct n-grams / tokens");
    plot.add(new XYPlot(div, null, divAxis, new XYLineAndShapeRenderer(true, true)), 1);
    return new JFreeChart("Latent beam sweep, B=" + Evaluator.SWEEP_BEAM_SIZE + " (" + ds + ")",
        JFreeChart.DEFAULT_TITLE_FONT, plot, true);
  }

  private static NumberAxis integerAxis(String label) {
    NumberAxis x = new NumberAxis(label);
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setAutoRangeIncludesZero(false);
    return x;
  }

  private static String save(Path dir, String name, JFreeChart chart) throws IOException {
    ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), chart, WIDTH, HEIGHT);
    return name;
  }
}
