package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.eval.report.HtmlReport;
import dev.kindred.eval.tune.Tuner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code kindred tune} prints and reports: the best trials as a table, the best flags as a
 * command line, the test scores of the best flags and the defaults when {@code --test} was given;
 * with {@code --json} one object:
 * <pre>{@code
 * {"model", "search", "metric", "trainings_planned", "trainings_run", "out_of_time",
 *  "trials": [{"config", "rung", "resource", "flags": {...}, "score", "seconds"}, ...],
 *  "best": {"flags": {...}, "score", "command"},
 *  "test": {"best": {metrics...}, "defaults": {metrics...}}}   (test only with --test)
 * }</pre>
 */
final class TuneResults {

  private static final int TABLE_ROWS = 10;

  /**
   * The final check on the test file.
   *
   * @param train all of --train (in the test file's index space)
   * @param test the test file
   * @param best the best flags retrained on all of --train
   * @param defaults the model's defaults trained the same way
   */
  record TestScores(Interactions train, Interactions test, EvaluationPages.Run best, EvaluationPages.Run defaults) {}

  private TuneResults() {}

  static void print(String model, String search, String metricKey, Tuner.Result r, TestScores test, PrintWriter out,
      boolean json) {
    String command = "kindred train --model " + model + " " + TuneCommand.flagText(r.best().flags());
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("model", model);
      o.put("search", search);
      o.put("metric", metricKey);
      o.put("trainings_planned", r.planned());
      o.put("trainings_run", r.trials().size());
      o.put("out_of_time", r.outOfTime());
      List<Map<String, Object>> trials = new ArrayList<>();
      for (Tuner.Trial t : r.trials()) trials.add(trial(t));
      o.put("trials", trials);
      Map<String, Object> best = new LinkedHashMap<>();
      best.put("flags", r.best().flags());
      best.put("score", finite(r.best().score()));
      best.put("command", command);
      o.put("best", best);
      if (test != null) {
        o.put("test", Map.of("best", test.best().evaluation().metrics(), "defaults", test.defaults().evaluation().metrics()));
      }
      out.println(Report.toJson(o));
    } else {
      out.printf(Locale.ROOT, "%d of %d trainings run%s; best by validation %s:%n", r.trials().size(), r.planned(),
          r.outOfTime() ? " (time budget spent)" : "", metricKey);
      List<Tuner.Trial> sorted = new ArrayList<>(r.trials());
      sorted.sort(Comparator.comparingDouble((Tuner.Trial t) -> Double.isNaN(t.score()) ? Double.NEGATIVE_INFINITY
          : t.score()).reversed());
      out.printf(Locale.ROOT, "%4s  %-10s  %5s  %8s  %s%n", "rank", metricKey, "rung", "seconds", "flags");
      for (int j = 0; j < Math.min(TABLE_ROWS, sorted.size()); j++) {
        Tuner.Trial t = sorted.get(j);
        out.printf(Locale.ROOT, "%4d  %-10s  %5d  %8.1f  %s%n", j + 1, Report.format(t.score()), t.rung(), t.seconds(),
            TuneCommand.flagText(t.flags()));
      }
      out.println();
      out.printf(Locale.ROOT, "best (validation %s %s):%n  %s%n", metricKey, Report.format(r.best().score()), command);
      if (test != null) {
        out.println();
        out.println("test file, read once now (both trained on all of --train):");
        List<String> keys = new ArrayList<>(test.best().evaluation().metrics().keySet());
        keys.remove("users_evaluated");
        out.printf(Locale.ROOT, "  %-20s %10s %10s%n", "metric", "best", "defaults");
        for (String key : keys) {
          out.printf(Locale.ROOT, "  %-20s %10s %10s%n", key, Report.format(test.best().evaluation().metrics().get(key)),
              Report.format(test.defaults().evaluation().metrics().getOrDefault(key, Double.NaN)));
        }
      }
    }
    out.flush();
  }

  /** The tuning history (score of each training in order, best so far), then with --test the usual page of both. */
  static Path writeReport(Path dir, String model, String search, String metricKey, Tuner.Result r, TestScores test,
      int k, int threads, double threshold) throws IOException {
    String title = "Kindred tune: " + model + " (" + search + " search)";
    String description = String.format(Locale.ROOT, "%d trainings; best validation %s %s with %s", r.trials().size(),
        metricKey, Report.format(r.best().score()), TuneCommand.flagText(r.best().flags()));
    HtmlReport page = test == null ? new HtmlReport(title).paragraph(description)
        : EvaluationPages.page(title, description + "; test metrics below: best flags and defaults, trained on all "
            + "of --train", test.train(), test.test(), k, threads, threshold, List.of(test.best(), test.defaults()));
    page.heading("Tuning history");
    double[] x = new double[r.trials().size()];
    double[] score = new double[x.length];
    double[] bestSoFar = new double[x.length];
    double running = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < x.length; j++) {
      x[j] = j + 1;
      score[j] = r.trials().get(j).score();
      if (!Double.isNaN(score[j])) running = Math.max(running, score[j]);
      bestSoFar[j] = running;
    }
    page.lineChart("validation " + metricKey + " of each training, in the order run", "training", metricKey,
        List.of(new HtmlReport.Series("trial", x, score), new HtmlReport.Series("best so far", x, bestSoFar)));
    List<List<String>> rows = new ArrayList<>();
    for (Tuner.Trial t : r.trials()) {
      rows.add(List.of(Integer.toString(t.config()), Integer.toString(t.rung()), Report.format(t.score()),
          String.format(Locale.ROOT, "%.1f", t.seconds()), TuneCommand.flagText(t.flags())));
    }
    page.table(List.of("config", "rung", metricKey, "seconds", "flags"), rows);
    return EvaluationPages.write(dir, page);
  }

  private static Map<String, Object> trial(Tuner.Trial t) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("config", t.config());
    o.put("rung", t.rung());
    o.put("resource", t.resource());
    o.put("flags", t.flags());
    o.put("score", finite(t.score()));
    o.put("seconds", t.seconds());
    return o;
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
