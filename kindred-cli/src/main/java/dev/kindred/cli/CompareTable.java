package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.eval.Bootstrap;
import dev.kindred.eval.Comparison;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@code kindred compare} prints a {@link Comparison.Result}: an aligned table (a row per
 * metric, a column per model with {@code mean [lo, hi]}, and {@code p} against the baseline), or
 * with {@code --json} one object:
 * <pre>{@code
 * {"protocol": ..., "baseline": label, "users": n, "folds": f, "resamples": B, "confidence": c, "seed": s,
 *  "users_total": .., "items": .., "interactions": ..,
 *  "models": [{"model": label, "train_seconds": t}, ...],
 *  "metrics": {"ndcg@10": {label: {"mean", "lo", "hi", and unless baseline: "diff", "diff_lo", "diff_hi",
 *              "p_value"}, ...}, ...}}
 * }</pre>
 * NaN (undefined) values print as {@code -} and as JSON null; a model without a metric is absent
 * from that metric's object.
 */
final class CompareTable {

  private CompareTable() {}

  static void print(Comparison.Result r, String protocol, Map<String, Double> trainSeconds, Interactions data,
      PrintWriter out, boolean json) {
    if (json) {
      out.println(Report.toJson(toJson(r, protocol, trainSeconds, data)));
    } else {
      printTable(r, protocol, trainSeconds, data, out);
    }
    out.flush();
  }

  private static Map<String, Object> toJson(Comparison.Result r, String protocol, Map<String, Double> trainSeconds,
      Interactions data) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("protocol", protocol);
    o.put("baseline", r.baseline());
    o.put("users", r.users());
    o.put("folds", r.folds());
    o.put("resamples", r.config().resamples());
    o.put("confidence", r.config().confidence());
    o.put("seed", r.config().seed());
    o.put("users_total", data.activeUsers());
    o.put("items", data.activeItems());
    o.put("interactions", data.size());
    List<Map<String, Object>> models = new ArrayList<>();
    for (String m : r.models()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("model", m);
      e.put("train_seconds", trainSeconds.get(m));
      models.add(e);
    }
    o.put("models", models);
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (Comparison.Row row : r.rows()) {
      Map<String, Object> byModel = new LinkedHashMap<>();
      for (int m = 0; m < r.models().size(); m++) {
        Bootstrap.Interval i = row.cells().get(m);
        if (i == null) continue;
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("mean", finite(i.estimate()));
        cell.put("lo", finite(i.lo()));
        cell.put("hi", finite(i.hi()));
        Bootstrap.Paired p = row.versusBaseline().get(m);
        if (p != null) {
          cell.put("diff", finite(p.difference()));
          cell.put("diff_lo", finite(p.lo()));
          cell.put("diff_hi", finite(p.hi()));
          cell.put("p_value", finite(p.pValue()));
        }
        byModel.put(r.models().get(m), cell);
      }
      metrics.put(row.metric(), byModel);
    }
    o.put("metrics", metrics);
    return o;
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static void printTable(Comparison.Result r, String protocol, Map<String, Double> trainSeconds,
      Interactions data, PrintWriter out) {
    out.printf(Locale.ROOT, "%s; %,d interactions, %,d users, %,d items%n", protocol, data.size(), data.activeUsers(),
        data.activeItems());
    out.printf(Locale.ROOT, "%d users evaluated; mean [%.0f%% bootstrap interval over users, %d resamples, seed %d]; "
        + "p: paired bootstrap against %s%n", r.users(), 100 * r.config().confidence(), r.config().resamples(),
        r.config().seed(), r.baseline());
    List<String[]> lines = new ArrayList<>();
    List<String> header = header(r);
    lines.add(header.toArray(String[]::new));
    for (List<String> row : rows(r)) lines.add(row.toArray(String[]::new));
    String[] seconds = new String[r.models().size() + 1];
    seconds[0] = "train_seconds";
    for (int m = 0; m < r.models().size(); m++) {
      seconds[m + 1] = String.format(Locale.ROOT, "%.2f", trainSeconds.get(r.models().get(m)));
    }
    lines.add(seconds);
    int[] width = new int[header.size()];
    for (String[] l : lines) for (int c = 0; c < l.length; c++) width[c] = Math.max(width[c], l[c].length());
    for (String[] l : lines) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < l.length; c++) {
        sb.append(String.format(Locale.ROOT, "%-" + width[c] + "s", l[c]));
        if (c + 1 < l.length) sb.append("  ");
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  /** The table's column names: {@code metric}, then the models. */
  static List<String> header(Comparison.Result r) {
    List<String> header = new ArrayList<>(List.of("metric"));
    header.addAll(r.models());
    return header;
  }

  /** A row per metric: its name, then each model's {@code mean [lo, hi]} and p against the baseline. */
  static List<List<String>> rows(Comparison.Result r) {
    List<List<String>> rows = new ArrayList<>();
    for (Comparison.Row row : r.rows()) {
      List<String> line = new ArrayList<>(List.of(row.metric()));
      for (int m = 0; m < r.models().size(); m++) line.add(cell(row.cells().get(m), row.versusBaseline().get(m)));
      rows.add(line);
    }
    return rows;
  }

  private static String cell(Bootstrap.Interval i, Bootstrap.Paired p) {
    if (i == null) return "n/a";
    String s = String.format(Locale.ROOT, "%s [%s, %s]", num(i.estimate()), num(i.lo()), num(i.hi()));
    if (p != null) s += " p" + pValue(p.pValue());
    return s;
  }

  private static String num(double v) {
    if (Double.isNaN(v)) return "-";
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String pValue(double p) {
    if (Double.isNaN(p)) return "-";
    return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "=%.3f", p);
  }
}
