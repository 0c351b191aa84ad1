package dev.kindred.data.features;

import dev.kindred.math.CsrMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which features to keep, from a {@link FeatureRanking}: a list of rules applied in order, each to
 * the features the earlier ones kept. The spec is comma-separated:
 * <ol>
 *   <li>{@code min-count:C}: drop features held by fewer than {@code C} entities (a frequency
 *       threshold on top of {@link FeatureSpaceConfig#minCount});
 *   <li>{@code mi>=X}: drop features whose score (nats) is below {@code X};
 *   <li>{@code top-features:N} or {@code top-features:P%}: keep the {@code N} (the {@code P}
 *       percent, rounded up, of all features) best-scored of the features still kept;
 *   <li>{@code top-fields:N}: keep the features of the {@code N} best-scored fields only.
 * </ol>
 * Dropping a column of an encoded matrix and scaling each row back to its old sum is the encoding
 * the feature space would give with those values removed ({@link #apply}), so a selection never
 * needs the table again.
 *
 * @param rules the parsed rules, in order
 * @param spec the text they were parsed from
 */
public record FeatureSelection(List<Rule> rules, String spec) {

  /** One rule of a spec. */
  public sealed interface Rule {}

  /** Keep features held by at least {@code count} entities. */
  public record MinCount(int count) implements Rule {}

  /** Keep features scoring at least {@code score}. */
  public record MinScore(double score) implements Rule {}

  /** Keep the {@code count} best features, or the {@code percent} best percent when count is -1. */
  public record TopFeatures(int count, double percent) implements Rule {}

  /** Keep the features of the {@code count} best fields. */
  public record TopFields(int count) implements Rule {}

  /**
   * What happened to one field.
   *
   * @param field its name
   * @param rank its rank by score, from 1
   * @param score the sum of its features' scores (nats)
   * @param features its features before selection
   * @param kept its features after
   * @param why the rules that dropped its features, with how many each, or "kept"
   */
  public record FieldOutcome(String field, int rank, double score, int features, int kept, String why) {}

  /**
   * One feature's fate.
   *
   * @param feature its readable name
   * @param field its field
   * @param entities entities holding it
   * @param score its score (nats)
   * @param kept whether it survived
   * @param why the rule that dropped it, or "kept"
   */
  public record FeatureOutcome(String feature, String field, int entities, double score, boolean kept, String why) {}

  /**
   * The result: a column mask and the report of what was kept and why.
   *
   * @param spec the spec applied ("none" for the ranking alone)
   * @param keep one flag per feature column
   * @param fields per field, best first
   * @param features per feature, best score first
   * @param audience the users (items) the scores were averaged over
   */
  public record Report(String spec, boolean[] keep, List<FieldOutcome> fields, List<FeatureOutcome> features,
      int audience) {

    public int kept() {
      int n = 0;
      for (boolean k : keep) if (k) n++;
      return n;
    }

    /** An aligned text table of the fields, then the {@code topFeatures} best features. */
    public String toText(int topFeatures) {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "selection %s: %,d of %,d features kept; scores are mean mutual "
          + "information (nats) over %,d interaction histories%n", spec, kept(), keep.length, audience));
      b.append(String.format(Locale.ROOT, "%-4s  %-16s  %12s  %8s  %8s  %s%n", "rank", "field", "score", "features",
          "kept", "why"));
      for (FieldOutcome f : fields) {
        b.append(String.format(Locale.ROOT, "%-4d  %-16s  %12.6f  %8d  %8d  %s%n", f.rank(), f.field(), f.score(),
            f.features(), f.kept(), f.why()));
      }
      int n = Math.min(topFeatures, features.size());
      if (n > 0) {
        b.append(String.format(Locale.ROOT, "%ntop %d features:%n%-32s  %12s  %8s  %s%n", n, "feature", "score",
            "entities", "why"));
        for (FeatureOutcome f : features.subList(0, n)) {
          b.append(String.format(Locale.ROOT, "%-32s  %12.6f  %8d  %s%n", f.feature(), f.score(), f.entities(),
              f.why()));
        }
      }
      return b.toString();
    }
  }

  public FeatureSelection {
    rules = List.copyOf(rules);
    Objects.requireNonNull(spec, "spec");
  }

  /** No rule: every feature is kept (the ranking is still reported). */
  public static final FeatureSelection NONE = new FeatureSelection(List.of(), "none");

  /**
   * Parses a spec such as {@code min-count:5,top-fields:2}.
   *
   * @throws IllegalArgumentException naming the rule that is not understood
   */
  public static FeatureSelection parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    List<Rule> rules = new ArrayList<>();
    for (String raw : spec.split(",")) {
      String r = raw.trim().toLowerCase(Locale.ROOT);
      try {
        if (r.startsWith("min-count:")) {
          rules.add(new MinCount(positive(r.substring(10))));
        } else if (r.startsWith("mi>=")) {
          double x = Double.parseDouble(r.substring(4));
          if (!Double.isFinite(x)) throw new NumberFormatException();
          rules.add(new MinScore(x));
        } else if (r.startsWith("top-features:")) {
          String v = r.substring(13);
          if (v.endsWith("%")) {
            double p = Double.parseDouble(v.substring(0, v.length() - 1));
            if (!(p > 0 && p <= 100)) throw new NumberFormatException();
            rules.add(new TopFeatures(-1, p));
          } else {
            rules.add(new TopFeatures(positive(v), 0));
          }
        } else if (r.startsWith("top-fields:")) {
          rules.add(new TopFields(positive(r.substring(11))));
        } else {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--select: cannot read rule '" + raw.trim() + "' in '" + spec
            + "': expected min-count:C, mi>=X, top-features:N, top-features:P% (0 < P <= 100) or top-fields:N "
            + "(C, N whole numbers >= 1)");
      }
    }
    return new FeatureSelection(rules, spec);
  }

  private static int positive(String v) {
    int n = Integer.parseInt(v);
    if (n < 1) throw new NumberFormatException();
    return n;
  }

  /** Applies the rules to a ranking. */
  public Report select(FeatureRanking.Result ranking) {
    List<FeatureRanking.Scored> all = ranking.features();
    int n = all.size();
    boolean[] keep = new boolean[n];
    Arrays.fill(keep, true);
    String[] why = new String[n];
    for (Rule rule : rules) {
      switch (rule) {
        case MinCount(int c) -> dropIf(all, keep, why, s -> s.entities() < c, "min-count:" + c);
        case MinScore(double x) -> dropIf(all, keep, why, s -> s.score() < x, "mi>=" + x);
        case TopFields(int c) -> dropIf(all, keep, why, s -> ranking.fieldRank(s.field()) > c, "top-fields:" + c);
        case TopFeatures(int c, double p) -> {
          int limit = c >= 0 ? c : (int) Math.ceil(n * p / 100.0);
          String name = c >= 0 ? "top-features:" + c : "top-features:" + FeatureSpace.num(p) + "%";
          List<FeatureRanking.Scored> alive = all.stream().filter(s -> keep[s.index()]).sorted(BEST_FIRST).toList();
          for (int r = limit; r < alive.size(); r++) {
            keep[alive.get(r).index()] = false;
            why[alive.get(r).index()] = name;
          }
        }
      }
    }
    List<FieldOutcome> fields = new ArrayList<>();
    int rank = 1;
    for (Map.Entry<String, Double> f : ranking.fieldScores().entrySet()) {
      int total = 0;
      int kept = 0;
      Map<String, Integer> reasons = new LinkedHashMap<>();
      for (FeatureRanking.Scored s : all) {
        if (!s.field().equals(f.getKey())) continue;
        total++;
        if (keep[s.index()]) kept++;
        else reasons.merge(why[s.index()], 1, Integer::sum);
      }
      List<String> parts = new ArrayList<>();
      reasons.forEach((r, c) -> parts.add(r + " dropped " + c));
      fields.add(new FieldOutcome(f.getKey(), rank++, f.getValue(), total, kept,
          parts.isEmpty() ? "kept" : String.join("; ", parts)));
    }
    List<FeatureOutcome> features = all.stream().sorted(BEST_FIRST)
        .map(s -> new FeatureOutcome(s.name(), s.field(), s.entities(), s.score(), keep[s.index()],
            keep[s.index()] ? "kept" : why[s.index()]))
        .toList();
    return new Report(spec, keep, fields, features, ranking.audience());
  }

  /**
   * {@code m} without the dropped columns (renumbered in order); with {@code rescale} (rows that
   * the feature space normalised) each row is scaled back to its old sum. A row that loses every
   * feature becomes empty.
   */
  public static CsrMatrix apply(CsrMatrix m, boolean[] keep, boolean rescale) {
    if (keep.length != m.cols()) {
      throw new IllegalArgumentException("mask has " + keep.length + " columns, the matrix " + m.cols());
    }
    int[] renumber = new int[keep.length];
    int cols = 0;
    for (int c = 0; c < keep.length; c++) renumber[c] = keep[c] ? cols++ : -1;
    int rows = m.rows();
    int[] ptr = new int[rows + 1];
    int[] idx = new int[m.colIdx().length];
    float[] val = new float[idx.length];
    int out = 0;
    for (int r = 0; r < rows; r++) {
      float before = 0;
      float after = 0;
      int start = out;
      for (int p = m.rowPtr()[r]; p < m.rowPtr()[r + 1]; p++) {
        float w = m.values()[p];
        before += w;
        int c = renumber[m.colIdx()[p]];
        if (c < 0) continue;
        idx[out] = c;
        val[out++] = w;
        after += w;
      }
      if (rescale && after > 0) {
        for (int q = start; q < out; q++) val[q] *= before / after;
      }
      ptr[r + 1] = out;
    }
    return new CsrMatrix(rows, cols, ptr, Arrays.copyOf(idx, out), Arrays.copyOf(val, out));
  }

  private static final Comparator<FeatureRanking.Scored> BEST_FIRST =
      Comparator.comparingDouble(FeatureRanking.Scored::score).reversed().thenComparingInt(FeatureRanking.Scored::index);

  private static void dropIf(List<FeatureRanking.Scored> all, boolean[] keep, String[] why,
      java.util.function.Predicate<FeatureRanking.Scored> drop, String rule) {
    for (FeatureRanking.Scored s : all) {
      if (keep[s.index()] && drop.test(s)) {
        keep[s.index()] = false;
        why[s.index()] = rule;
      }
    }
  }

}
