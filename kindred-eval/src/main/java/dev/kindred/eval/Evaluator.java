package dev.kindred.eval;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.FactorMatrix;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a model on held-out interactions. Train and test must share one index space (cut from
 * the same data set, so index {@code u} is the same user in both and in the model).
 *
 * <p><b>Rating metrics</b> ({@link #ratingMetrics}): RMSE and MAE of {@code model.score(u, i)}
 * against the test value, over every test pair whose user and item are inside the model; pairs
 * outside it (users or items unknown at training time) are counted, logged and left out.
 *
 * <p><b>Ranking metrics</b> ({@link #rankingMetrics}), averaged per user:
 * <ol>
 *   <li>A test pair is relevant when its value is {@code >= relevanceThreshold}
 *       ({@link EvalOptions}; by default every test pair).
 *   <li>The users evaluated are those with at least one relevant test item and an index below
 *       {@code train.numUsers()} (the users the recommender knows). Users with no relevant test
 *       item are skipped, not counted as zeros; users beyond the training data are skipped and
 *       logged. {@code users_evaluated} reports how many remain.
 *   <li>Each evaluated user gets one list of the top {@code maxK} items, by default with that
 *       user's training items excluded; metrics at every smaller K use its prefix. Test items that
 *       are also training items can then never be hit; relevant items are never dropped from the
 *       denominators.
 *   <li>Every per-user metric of {@link RankingMetrics} is averaged with equal weight per user.
 *       In particular {@code f1@K} is the mean of per-user F1, not F1 of the mean precision and
 *       recall. {@code coverage@K} is not an average: it is {@link CatalogCoverage} over all the
 *       evaluated users' lists, with {@code train.numItems()} as the catalog size.
 * </ol>
 * Users are recommended in batches of {@code batchSize} through
 * {@link Recommender#recommendAll}, so memory is bounded by one batch of lists plus one bit per
 * item per K. Results do not depend on the thread count.
 *
 * <p>Result maps are {@link LinkedHashMap}s in a stable order: {@code rmse, mae}; then for each K
 * in increasing order {@code precision@K, recall@K, f1@K, ndcg@K, map@K, hr@K, mrr@K, coverage@K};
 * then {@code users_evaluated}. A caller that wants both kinds in one map puts the rating map
 * first.
 *
 * <p><b>Per-user metrics</b> ({@link #perUserMetrics}): the same users, lists and formulas, kept
 * user by user (for {@link Bootstrap} intervals), plus the beyond-accuracy metrics.
 * Stateless and thread-safe.
 */
public final class Evaluator {

  private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

  /** Per-K metric names in output order, averaged per user (coverage comes after them). */
  private static final String[] PER_USER = {"precision", "recall", "f1", "ndcg", "map", "hr", "mrr"};

  /** Per-K popularity metrics of {@link ItemPopularity}, in output order. */
  private static final String[] BEYOND = {"novelty", "avg_popularity", "long_tail_share"};

  /** Scored items held per batch when AUC ranks the whole catalog: 16M items, about 128 MB. */
  public static final int AUC_BATCH_ENTRIES = 1 << 24;

  private Evaluator() {}

  /**
   * RMSE and MAE (keys {@code rmse}, {@code mae}) over the test pairs inside the model.
   *
   * @throws IllegalArgumentException if no test pair falls inside the model
   */
  public static Map<String, Double> ratingMetrics(Model model, Interactions test) {
    int modelUsers = model.numUsers();
    int modelItems = model.numItems();
    int[] ptr = test.userPtr();
    int[] idx = test.itemIdx();
    float[] values = test.values();
    double sse = 0;
    double sae = 0;
    long scored = 0;
    long outside = 0;
    for (int u = 0; u < test.numUsers(); u++) {
      if (u >= modelUsers) {
        outside += ptr[u + 1] - ptr[u];
        continue;
      }
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        int item = idx[j];
        if (item >= modelItems) {
          outside++;
          continue;
        }
        // Same arithmetic as RatingMetrics, accumulated in one pass instead of copied into arrays.
        double e = (double) model.score(u, item) - values[j];
        sse += e * e;
        sae += Math.abs(e);
        scored++;
      }
    }
    if (scored == 0) {
      throw new IllegalArgumentException("none of the " + test.size() + " test pairs falls inside the model ("
          + modelUsers + " users x " + modelItems + " items)");
    }
    if (outside > 0) {
      LOG.warn("{} of {} test pairs have a user or item outside the model ({} users x {} items) and are not scored",
          outside, test.size(), modelUsers, modelItems);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("rmse", Math.sqrt(sse / scored));
    out.put("mae", sae / scored);
    return out;
  }

  /** {@link #rankingMetrics(Recommender, Interactions, Interactions, int[], EvalOptions)} with defaults. */
  public static Map<String, Double> rankingMetrics(Recommender rec, Interactions train, Interactions test, int[] ks) {
    return rankingMetrics(rec, train, test, ks, EvalOptions.defaults());
  }

  /**
   * Top-K ranking metrics averaged per user, as described in the class comment.
   *
   * @param rec the recommender under test, trained on {@code train}
   * @param train the training interactions: excluded from candidates unless
   *     {@code opts.excludeTrain()} is false; its dimensions give the known users and the catalog
   * @param test held-out interactions in the same index space
   * @param ks the cutoffs, positive and distinct, in any order
   * @throws IllegalArgumentException for bad cutoffs, or if no user has a relevant test item
   */
  public static Map<String, Double> rankingMetrics(Recommender rec, Interactions train, Interactions test, int[] ks,
      EvalOptions opts) {
    int[] cutoffs = sortedCutoffs(ks);
    int maxK = cutoffs[cutoffs.length - 1];
    double threshold = opts.relevanceThreshold();
    int[] users = usersToEvaluate(train, test, threshold);
    RecommendOptions recOptions = opts.excludeTrain() ? RecommendOptions.excludeSeen(train) : RecommendOptions.ALL;
    double[][] sums = new double[cutoffs.length][PER_USER.length];
    CatalogCoverage[] coverage = new CatalogCoverage[cutoffs.length];
    for (int c = 0; c < cutoffs.length; c++) {
      coverage[c] = new CatalogCoverage(train.numItems(), cutoffs[c]);
    }
    double[] one = new double[PER_USER.length];
    for (int from = 0; from < users.length; from += opts.batchSize()) {
      int[] batch = Arrays.copyOfRange(users, from, Math.min(users.length, from + opts.batchSize()));
      ScoredItems[] lists = rec.recommendAll(batch, maxK, recOptions, opts.threads());
      for (int j = 0; j < batch.length; j++) {
        int[] ranked = lists[j].items();
        int[] relevant = relevantItems(test, batch[j], threshold);
        boolean[] hits = RankingMetrics.hits(ranked, relevant);
        for (int c = 0; c < cutoffs.length; c++) {
          accumulate(sums[c], one, hits, relevant.length, cutoffs[c]);
          coverage[c].add(ranked);
        }
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int c = 0; c < cutoffs.length; c++) {
      for (int m = 0; m < PER_USER.length; m++) {
        out.put(PER_USER[m] + "@" + cutoffs[c], sums[c][m] / users.length);
      }
      out.put("coverage@" + cutoffs[c], coverage[c].value());
    }
    out.put("users_evaluated", (double) users.length);
    return out;
  }

  /** Adds one user's metrics at cutoff {@code k} to {@code sum}, in {@link #PER_USER} order; {@code one} is scratch. */
  private static void accumulate(double[] sum, double[] one, boolean[] hits, int numRelevant, int k) {
    userValues(one, hits, numRelevant, k);
    for (int m = 0; m < one.length; m++) sum[m] += one[m];
  }

  /** One user's metrics at cutoff {@code k} into {@code out}, in {@link #PER_USER} order. */
  private static void userValues(double[] out, boolean[] hits, int numRelevant, int k) {
    out[0] = RankingMetrics.precision(hits, k);
    out[1] = RankingMetrics.recall(hits, numRelevant, k);
    out[2] = RankingMetrics.f1(hits, numRelevant, k);
    out[3] = RankingMetrics.ndcg(hits, numRelevant, k);
    out[4] = RankingMetrics.averagePrecision(hits, numRelevant, k);
    out[5] = RankingMetrics.hitRate(hits, k);
    out[6] = RankingMetrics.reciprocalRank(hits, k);
  }

  /**
   * The metrics of {@link #rankingMetrics} user by user, plus the beyond-accuracy metrics, for
   * confidence intervals and paired tests over users ({@link Bootstrap}). Same users, lists and
   * per-user formulas as {@link #rankingMetrics}, whose means it reproduces; it keeps every user's
   * list and values ({@code users * (maxK + metrics)} numbers), so the aggregate path stays the
   * one to use when only means are wanted.
   *
   * <p>Beyond accuracy: {@code novelty@K}, {@code avg_popularity@K}, {@code long_tail_share@K}
   * ({@link ItemPopularity} of {@code train}); {@code ild@K} ({@link IntraListDiversity}) when
   * {@code itemFactors} is not null; {@code auc} ({@link RankingMetrics#auc}) over every candidate
   * when {@code auc} is true, which ranks the whole catalog for each user (batches shrink so that
   * one batch holds at most {@link #AUC_BATCH_ENTRIES} scored items).
   *
   * @param itemFactors the model's item vectors (latent-factor models), or null to leave out ILD
   * @param auc also compute AUC under full ranking
   */
  public static UserMetrics perUserMetrics(Recommender rec, Interactions train, Interactions test, int[] ks,
      EvalOptions opts, FactorMatrix itemFactors, boolean auc) {
    int[] cutoffs = sortedCutoffs(ks);
    int maxK = cutoffs[cutoffs.length - 1];
    double threshold = opts.relevanceThreshold();
    int[] users = usersToEvaluate(train, test, threshold);
    ItemPopularity popularity = ItemPopularity.of(train);
    IntraListDiversity ild = itemFactors == null ? null : new IntraListDiversity(itemFactors);
    Map<String, double[]> values = new LinkedHashMap<>();
    for (int k : cutoffs) {
      for (String m : PER_USER) values.put(m + "@" + k, new double[users.length]);
      for (String m : BEYOND) values.put(m + "@" + k, new double[users.length]);
      if (ild != null) values.put("ild@" + k, new double[users.length]);
    }
    double[] aucValues = auc ? new double[users.length] : null;
    if (auc) values.put("auc", aucValues);
    int listLength = auc ? train.numItems() : maxK;
    int batchSize = auc ? Math.max(1, Math.min(opts.batchSize(), AUC_BATCH_ENTRIES / listLength)) : opts.batchSize();
    RecommendOptions recOptions = opts.excludeTrain() ? RecommendOptions.excludeSeen(train) : RecommendOptions.ALL;
    int[][] lists = new int[users.length][];
    double[] one = new double[PER_USER.length];
    for (int from = 0; from < users.length; from += batchSize) {
      int[] batch = Arrays.copyOfRange(users, from, Math.min(users.length, from + batchSize));
      ScoredItems[] scored = rec.recommendAll(batch, listLength, recOptions, opts.threads());
      for (int j = 0; j < batch.length; j++) {
        int row = from + j;
        int[] all = scored[j].items();
        int[] ranked = all.length > maxK ? Arrays.copyOf(all, maxK) : all;
        lists[row] = ranked;
        int[] relevant = relevantItems(test, batch[j], threshold);
        boolean[] hits = RankingMetrics.hits(ranked, relevant);
        for (int k : cutoffs) {
          userValues(one, hits, relevant.length, k);
          for (int m = 0; m < PER_USER.length; m++) values.get(PER_USER[m] + "@" + k)[row] = one[m];
          values.get("novelty@" + k)[row] = popularity.novelty(ranked, k);
          values.get("avg_popularity@" + k)[row] = popularity.averagePopularity(ranked, k);
          values.get("long_tail_share@" + k)[row] = popularity.longTailShare(ranked, k);
          if (ild != null) values.get("ild@" + k)[row] = ild.of(ranked, k);
        }
        if (auc) aucValues[row] = RankingMetrics.auc(all, scored[j].scores(), relevant);
      }
    }
    return new UserMetrics(users, values, lists, cutoffs, train.numItems());
  }

  private static int[] sortedCutoffs(int[] ks) {
    if (ks.length == 0) {
      throw new IllegalArgumentException("at least one cutoff K is needed");
    }
    int[] sorted = ks.clone();
    Arrays.sort(sorted);
    if (sorted[0] <= 0) {
      throw new IllegalArgumentException("cutoffs K must be positive, got " + Arrays.toString(ks));
    }
    for (int c = 1; c < sorted.length; c++) {
      if (sorted[c] == sorted[c - 1]) {
        throw new IllegalArgumentException("cutoffs K must be distinct, got " + Arrays.toString(ks));
      }
    }
    return sorted;
  }

  /** Test users with a relevant item who are known to the training data, increasing; at least one. */
  private static int[] usersToEvaluate(Interactions train, Interactions test, double threshold) {
    int[] users = new int[test.numUsers()];
    int n = 0;
    int noRelevant = 0;
    int unknown = 0;
    for (int u = 0; u < test.numUsers(); u++) {
      if (countRelevant(test, u, threshold) == 0) {
        noRelevant++;
      } else if (u >= train.numUsers()) {
        unknown++;
      } else {
        users[n++] = u;
      }
    }
    if (unknown > 0) {
      LOG.warn("{} test users with relevant items are outside the training data ({} users) and are skipped", unknown,
          train.numUsers());
    }
    if (n == 0) {
      throw new IllegalArgumentException("no test user has a relevant item (value >= " + threshold + ") among "
          + test.size() + " test pairs; nothing to evaluate");
    }
    LOG.info("ranking evaluation over {} users ({} without a relevant test item skipped)", n, noRelevant);
    return Arrays.copyOf(users, n);
  }

  private static int countRelevant(Interactions test, int u, double threshold) {
    int[] ptr = test.userPtr();
    float[] values = test.values();
    int count = 0;
    for (int j = ptr[u]; j < ptr[u + 1]; j++) {
      if (values[j] >= threshold) count++;
    }
    return count;
  }

  /** User {@code u}'s relevant test items, increasing (CSR rows are sorted). */
  private static int[] relevantItems(Interactions test, int u, double threshold) {
    int[] ptr = test.userPtr();
    int[] idx = test.itemIdx();
    float[] values = test.values();
    int[] out = new int[countRelevant(test, u, threshold)];
    int n = 0;
    for (int j = ptr[u]; j < ptr[u + 1]; j++) {
      if (values[j] >= threshold) out[n++] = idx[j];
    }
    return out;
  }
}
