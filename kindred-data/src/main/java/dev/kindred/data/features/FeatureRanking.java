package dev.kindred.data.features;

import dev.kindred.core.Interactions;
import dev.kindred.math.CsrMatrix;
import dev.kindred.math.Shuffles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A supervised ranking of one side's features (and of their fields) against the interactions:
 * how much knowing that an entity has a feature tells about who interacts with it.
 *
 * <p>Definition (items; users are the mirror image, with items as the audience). Let {@code N} be
 * the number of items (rows of the feature matrix), {@code X_f(i) = 1} when item {@code i} has
 * feature {@code f} (a non-zero weight) and, for a user {@code u}, {@code Y_u(i) = 1} when
 * {@code i} is in {@code u}'s training history. Over the {@code N} items as equally likely, the
 * 2 x 2 table of {@code (X_f, Y_u)} has cells {@code n11 = |f and hist(u)|},
 * {@code n10 = n_f - n11}, {@code n01 = d_u - n11}, {@code n00 = N - n_f - d_u + n11}, with
 * {@code n_f} the items holding {@code f} and {@code d_u} the user's degree. The plug-in mutual
 * information in nats is
 * <pre>  I_u(f) = sum_{x,y} (n_xy / N) ln(n_xy N / (n_x. n_.y))   (0 ln 0 = 0)</pre>
 * and the score of {@code f} is its mean over the users with at least one training interaction
 * (at most {@code maxAudience} of them, drawn with {@code seed}) minus the Miller-Madow bias of a
 * 2 x 2 plug-in estimate, {@code 1 / (2N)}:
 * <pre>  score(f) = mean_u I_u(f) - 1 / (2N)</pre>
 * A feature with no association scores about 0; a feature on popular items scores above 0 for
 * every user (popularity is information about the audience too). A field's score is the sum of
 * its features' scores: the information of the field's features taken one at a time, so a field
 * of many weak features (title tokens) is not ranked above a field of few strong ones (genres)
 * unless together they carry more.
 *
 * <p>Related work: mutual information for feature selection (Yang and Pedersen, ICML 1997, "A
 * Comparative Study on Feature Selection in Text Categorization"); the bias correction is Miller's
 * (1955). Departure: the class variable here is each user's history, averaged over users, not one
 * label per entity.
 *
 * <p>Cost: {@code O(sum over sampled users of sum over their items of the item's features)} to
 * count the {@code n11} plus {@code O(users x features)} for the scores; memory {@code O(features)}.
 * Single-threaded; stateless, thread-safe.
 */
public final class FeatureRanking {

  /** Users (items) averaged over when ranking item (user) features, unless the caller says otherwise. */
  public static final int DEFAULT_MAX_AUDIENCE = 5_000;

  /** Which side of the interactions a feature matrix describes. */
  public enum Side { ITEMS, USERS }

  /**
   * One feature's figures.
   *
   * @param index the feature's column
   * @param name readable name ({@link FeatureSpace#featureName})
   * @param field the field it belongs to
   * @param entities entities that hold it
   * @param score mean mutual information minus the bias term, in nats
   */
  public record Scored(int index, String name, String field, int entities, double score) {}

  /**
   * The ranking: every feature's figures (in column order) and each field's score.
   *
   * @param features one per column of the feature matrix
   * @param fieldScores field name to the sum of its features' scores, best first
   * @param audience the users (items) the scores were averaged over
   */
  public record Result(List<Scored> features, Map<String, Double> fieldScores, int audience) {
    public Result {
      features = List.copyOf(features);
      fieldScores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fieldScores));
    }

    /** Rank of {@code field} among the fields, from 1. */
    public int fieldRank(String field) {
      int r = 1;
      for (String f : fieldScores.keySet()) {
        if (f.equals(field)) return r;
        r++;
      }
      throw new IllegalArgumentException("no field '" + field + "' (fields: " + fieldScores.keySet() + ")");
    }
  }

  private FeatureRanking() {}

  /**
   * Scores the columns of {@code features} (rows on {@code train}'s id numbering of {@code side}).
   *
   * @param space names the columns and their fields
   * @throws IllegalArgumentException if the matrix rows do not match the interactions
   */
  public static Result rank(CsrMatrix features, FeatureSpace space, Interactions train, Side side, int maxAudience,
      long seed) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(space, "space");
    if (maxAudience < 1) throw new IllegalArgumentException("maxAudience must be >= 1, got " + maxAudience);
    boolean items = side == Side.ITEMS;
    int n = features.rows();
    int entitiesInData = items ? train.numItems() : train.numUsers();
    if (n != entitiesInData) {
      throw new IllegalArgumentException((items ? "item" : "user") + " features have " + n + " rows, the interactions "
          + entitiesInData + " " + (items ? "items" : "users"));
    }
    if (features.cols() != space.size()) {
      throw new IllegalArgumentException("feature matrix has " + features.cols() + " columns, the space " + space.size());
    }
    int cols = features.cols();
    int[] holders = new int[cols];
    for (int c : features.colIdx()) holders[c]++;
    // The audience: users of items (CSR rows), or items of users (CSC columns).
    int[] ptr = items ? train.userPtr() : train.itemPtr();
    int[] members = items ? train.itemIdx() : train.userIdx();
    int[] audience = audience(ptr, maxAudience, seed);
    double[] sum = new double[cols];
    int[] joint = new int[cols];
    int[] touched = new int[cols];
    int[] rowPtr = features.rowPtr();
    int[] colIdx = features.colIdx();
    for (int a : audience) {
      int degree = ptr[a + 1] - ptr[a];
      int nTouched = 0;
      for (int p = ptr[a]; p < ptr[a + 1]; p++) {
        int e = members[p];
        for (int q = rowPtr[e]; q < rowPtr[e + 1]; q++) {
          int c = colIdx[q];
          if (joint[c]++ == 0) touched[nTouched++] = c;
        }
      }
      for (int c = 0; c < cols; c++) sum[c] += mutualInformation(joint[c], holders[c], degree, n);
      for (int t = 0; t < nTouched; t++) joint[touched[t]] = 0;
    }
    double bias = 1.0 / (2.0 * n);
    List<Scored> out = new ArrayList<>(cols);
    Map<String, Double> byField = new LinkedHashMap<>();
    for (String f : space.fieldNames()) byField.put(f, 0.0);
    String[] names = space.featureNames();
    String[] fields = space.featureFields();
    for (int c = 0; c < cols; c++) {
      double s = audience.length == 0 ? 0 : sum[c] / audience.length - bias;
      String field = fields[c];
      out.add(new Scored(c, names[c], field, holders[c], s));
      byField.merge(field, s, Double::sum);
    }
    Map<String, Double> ranked = new LinkedHashMap<>();
    byField.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
        .forEach(e -> ranked.put(e.getKey(), e.getValue()));
    return new Result(out, ranked, audience.length);
  }

  /**
   * The plug-in mutual information (nats) of the 2 x 2 table with {@code joint} entities both
   * holding the feature and in the history, {@code holders} holding it, {@code degree} in the
   * history, {@code n} in all.
   */
  static double mutualInformation(int joint, int holders, int degree, int n) {
    double mi = 0;
    mi += term(joint, holders, degree, n);
    mi += term(holders - joint, holders, n - degree, n);
    mi += term(degree - joint, n - holders, degree, n);
    mi += term(n - holders - degree + joint, n - holders, n - degree, n);
    return mi;
  }

  private static double term(double cell, double row, double col, double n) {
    return cell <= 0 ? 0 : cell / n * Math.log(cell * n / (row * col));
  }

  /** The audience members with at least one interaction; a seeded sample of {@code max} when more. */
  private static int[] audience(int[] ptr, int max, long seed) {
    int m = ptr.length - 1;
    int[] active = new int[m];
    int k = 0;
    for (int a = 0; a < m; a++) if (ptr[a + 1] > ptr[a]) active[k++] = a;
    active = Arrays.copyOf(active, k);
    if (k <= max) return active;
    Shuffles.shuffle(active, new SplittableRandom(seed));
    int[] sample = Arrays.copyOf(active, max);
    Arrays.sort(sample);
    return sample;
  }
}
