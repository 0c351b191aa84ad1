package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.data.AtomicFiles;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.report.HtmlReport;
import dev.kindred.eval.report.ReportFigures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTML report that {@code --report DIR} writes ({@code DIR/index.html}, atomically) for
 * evaluated models: a metrics table, metrics at K = 1..100, accuracy against popularity bias,
 * training curves per epoch where the trainer reported them, and recall by user activity.
 */
final class EvaluationPages {

  static final int MAX_K = 100;
  static final int ACTIVITY_BUCKETS = 6;

  /**
   * One evaluated model.
   *
   * @param label its name in the report
   * @param model the trained model
   * @param evaluation its metrics and per-user values at the command's K
   * @param epochs what the trainer reported per epoch (empty if nothing)
   */
  record Run(String label, Model model, Pipeline.Evaluation evaluation, List<EpochReport> epochs) {}

  private EvaluationPages() {}

  /** Builds the page for {@code runs} and writes it; returns the page's path. */
  static Path write(Path dir, String title, String description, Interactions train, Interactions test, int k,
      int threads, double threshold, List<Run> runs) throws IOException {
    return write(dir, page(title, description, train, test, k, threads, threshold, runs));
  }

  /** Writes {@code page} to {@code dir/index.html} through a temporary file and a rename. */
  static Path write(Path dir, HtmlReport page) throws IOException {
    Files.createDirectories(dir);
    Path out = dir.resolve("index.html");
    byte[] html = page.render().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(out, os -> os.write(html));
    return out;
  }

  static HtmlReport page(String title, String description, Interactions train, Interactions test, int k, int threads,
      double threshold, List<Run> runs) {
    HtmlReport page = new HtmlReport(title).paragraph(description);
    page.heading("Metrics");
    Set<String> keys = new LinkedHashSet<>();
    for (Run r : runs) keys.addAll(r.evaluation().metrics().keySet());
    List<String> header = new ArrayList<>(List.of("metric"));
    runs.forEach(r -> header.add(r.label()));
    List<List<String>> rows = new ArrayList<>();
    for (String key : keys) {
      List<String> row = new ArrayList<>(List.of(key));
      for (Run r : runs) {
        Double v = r.evaluation().metrics().get(key);
        row.add(v == null ? "-" : Report.format(v));
      }
      rows.add(row);
    }
    page.table(header, rows);

    page.heading("Accuracy at every cutoff");
    EvalOptions opts = EvalOptions.defaults().withThreads(threads).withRelevanceThreshold(threshold);
    List<Map<String, double[]>> atK = new ArrayList<>();
    for (Run r : runs) atK.add(ReportFigures.metricsAtK(Pipeline.recommender(r.model()), train, test, MAX_K, opts));
    for (String metric : List.of("ndcg", "recall", "precision")) {
      List<HtmlReport.Series> series = new ArrayList<>();
      for (int m = 0; m < runs.size(); m++) {
        double[] y = atK.get(m).get(metric);
        double[] x = new double[y.length];
        for (int j = 0; j < x.length; j++) x[j] = j + 1;
        series.add(new HtmlReport.Series(runs.get(m).label(), x, y));
      }
      page.lineChart(metric + "@K for K = 1.." + MAX_K, "K", metric + "@K", series);
    }

    page.heading("Accuracy against popularity bias");
    List<HtmlReport.Point> points = new ArrayList<>();
    for (Run r : runs) {
      Map<String, Double> m = r.evaluation().metrics();
      points.add(new HtmlReport.Point(r.label(), m.getOrDefault("avg_popularity@" + k, Double.NaN),
          m.getOrDefault("ndcg@" + k, Double.NaN)));
    }
    page.scatterChart("ndcg@" + k + " against the mean training popularity of recommended items", "avg_popularity@" + k,
        "ndcg@" + k, points);

    List<HtmlReport.Series> curves = new ArrayList<>();
    for (Run r : runs) curves.addAll(curves(r));
    if (!curves.isEmpty()) {
      page.heading("Training curves");
      page.lineChart("per epoch: training loss and validation score where reported, else seconds per epoch", "epoch",
          "value", curves);
    }

    page.heading("Recall by user activity");
    List<String> categories = null;
    List<HtmlReport.Bars> bars = new ArrayList<>();
    for (Run r : runs) {
      if (r.evaluation().perUser() == null) continue;
      ReportFigures.ActivityBreakdown b = ReportFigures.byActivity(r.evaluation().perUser(), train, "recall@" + k,
          ACTIVITY_BUCKETS);
      if (categories == null) {
        categories = new ArrayList<>();
        for (int j = 0; j < b.labels().size(); j++) categories.add(b.labels().get(j) + " (" + b.users()[j] + " users)");
      }
      bars.add(new HtmlReport.Bars(r.label(), b.means()));
    }
    if (categories != null) {
      page.barChart("recall@" + k + " by the user's number of training interactions", "training interactions",
          "recall@" + k, categories, bars);
    }
    return page;
  }

  private static List<HtmlReport.Series> curves(Run r) {
    List<EpochReport> e = r.epochs();
    if (e.isEmpty()) return List.of();
    double[] x = new double[e.size()];
    double[] loss = new double[e.size()];
    double[] val = new double[e.size()];
    double[] seconds = new double[e.size()];
    boolean anyLoss = false;
    boolean anyVal = false;
    for (int j = 0; j < x.length; j++) {
      EpochReport one = e.get(j);
      x[j] = one.epoch();
      loss[j] = one.trainLoss();
      val[j] = one.validationScore();
      seconds[j] = one.epochNanos() / 1e9;
      anyLoss |= Double.isFinite(loss[j]);
      anyVal |= Double.isFinite(val[j]);
    }
    List<HtmlReport.Series> out = new ArrayList<>();
    if (anyLoss) out.add(new HtmlReport.Series(r.label() + " training loss", x, loss));
    if (anyVal) out.add(new HtmlReport.Series(r.label() + " validation", x, val));
    if (!anyLoss && !anyVal) out.add(new HtmlReport.Series(r.label() + " seconds per epoch", x, seconds));
    return out;
  }
}
