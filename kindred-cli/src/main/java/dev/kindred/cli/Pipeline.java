package dev.kindred.cli;

import dev.kindred.core.FeatureTrainer;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.Recommenders;
import dev.kindred.core.ScoredItems;
import dev.kindred.core.SideFeatures;
import dev.kindred.core.Trainer;
import dev.kindred.data.LoadResult;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.math.FactorPrecision;
import dev.kindred.eval.UserMetrics;
import dev.kindred.train.registry.ModelSpec;
import dev.kindred.train.registry.Models;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The steps commands share: train with a progress bar, evaluate, save, show recommendations. */
final class Pipeline {

  private Pipeline() {}

  /** Share of each user's training rows that early stopping holds out as its validation set. */
  static final double VALIDATION_FRACTION = 0.1;

  /**
   * A trained model, and when it stopped early, which rows chose its epoch (for the report).
   *
   * @param validation null, or the validation set in words
   * @param encoders a feature model's fit with its encoders of new entities, or null
   */
  record Trained(Model model, String validation, FeatureTrainer.Fit<?> encoders) {
    Trained(Model model, String validation) {
      this(model, validation, null);
    }

    /** Adds the {@code validation} key when there was one. */
    void describe(Report report) {
      if (validation != null) report.put("validation", validation);
    }
  }

  /**
   * Trains a registry model with a progress bar. A model that stops early chooses its epoch on
   * {@link #VALIDATION_FRACTION} of each user's {@code train} rows (drawn with {@code seed}) and is
   * fit on the rest, so the test set never picks the model it then scores.
   */
  static Trained train(ModelSpec.Configured<?> model, Interactions train, long seed, boolean quiet) {
    return train(model, train, seed, quiet, ProgressListener.NONE);
  }

  /** As {@link #train(ModelSpec.Configured, Interactions, long, boolean)}, also telling {@code epochs} each epoch. */
  static Trained train(ModelSpec.Configured<?> model, Interactions train, long seed, boolean quiet,
      ProgressListener epochs) {
    return train(model, train, seed, SideFeatures.NONE, quiet, epochs);
  }

  /** As above with side features, which only a {@link FeatureTrainer} takes. */
  static Trained train(ModelSpec.Configured<?> model, Interactions train, long seed, SideFeatures features,
      boolean quiet, ProgressListener epochs) {
    Trainer<?> trainer = model.trainer();
    boolean withFeatures = features.users() != null || features.items() != null;
    if (withFeatures && !(trainer instanceof FeatureTrainer<?>)) {
      throw new IllegalArgumentException("--model " + trainer.name() + " takes no side features "
          + "(--item-features, --user-features); --model hybrid does");
    }
    model.warnAboutData(hasRatings(train)); // one line on stderr through the CLI's SLF4J
    Interactions fit = train;
    Interactions validation = null;
    String note = null;
    if (model.usesValidation()) {
      Split carved = Splits.perUser(train, VALIDATION_FRACTION, seed);
      fit = carved.train();
      validation = carved.test();
      note = String.format(Locale.ROOT, "%d rows (%.0f%% of each user's training rows, seed %d) held out of the fit "
          + "to choose the epoch; the test set is not used for it", validation.size(), 100 * VALIDATION_FRACTION, seed);
    }
    try (Progress progress = Progress.start("train " + trainer.name(), model.plannedEpochs(), quiet)) {
      ProgressListener both = r -> {
        progress.onEpoch(r);
        epochs.onEpoch(r);
      };
      if (withFeatures) {
        FeatureTrainer.Fit<?> f = ((FeatureTrainer<?>) trainer).fitWithEncoders(fit, validation, features, both);
        return new Trained(f.model(), note, f);
      }
      return new Trained(trainer.fit(fit, validation, both), note);
    }
  }

  static Recommender recommender(Model model) {
    return Recommenders.of(model);
  }

  /**
   * Rating metrics (explicit data, and a model whose scores are predicted ratings) and ranking
   * metrics at {@code k}, in DESIGN.md's keys.
   */
  static Map<String, Double> evaluate(Model model, Interactions train, Interactions test, int k, int threads,
      boolean ratings, double relevanceThreshold) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (test.size() == 0) return out;
    if (ratings && predictsRatings(model)) out.putAll(Evaluator.ratingMetrics(model, test));
    out.putAll(Evaluator.rankingMetrics(recommender(model), train, test, new int[] {k},
        EvalOptions.defaults().withThreads(threads).withRelevanceThreshold(relevanceThreshold)));
    return out;
  }

  /**
   * Whether the model's scores are predicted ratings, so RMSE / MAE mean something: its registry
   * entry fits values by squared error. Ranking models (popularity, item-kNN, EASE, graph filter,
   * iALS, BPR...) score on scales of their own, and a model the registry does not know gets none.
   */
  static boolean predictsRatings(Model model) {
    String algorithm = model.provenance().algorithm();
    return Models.names().contains(algorithm)
        && Models.get(algorithm).valueUse() == ModelSpec.ValueUse.RATINGS;
  }

  /**
   * A model's evaluation with the beyond-accuracy metrics.
   *
   * @param metrics rating metrics (explicit data, models that predict ratings), then every metric of {@link UserMetrics#means()}
   * @param perUser the per-user values behind them; null when the test set is empty
   */
  record Evaluation(Map<String, Double> metrics, UserMetrics perUser) {}

  /**
   * Rating metrics (explicit data only), ranking metrics at {@code k} and the beyond-accuracy
   * metrics of {@link Evaluator#perUserMetrics} (coverage, Gini, novelty, average popularity,
   * long-tail share, ILD for latent-factor models, AUC when {@code auc}).
   */
  static Evaluation evaluateAll(Model model, Interactions train, Interactions test, int k, int threads,
      boolean ratings, double relevanceThreshold, boolean auc) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (test.size() == 0) return new Evaluation(out, null);
    if (ratings && predictsRatings(model)) out.putAll(Evaluator.ratingMetrics(model, test));
    UserMetrics perUser = Evaluator.perUserMetrics(recommender(model), train, test, new int[] {k},
        EvalOptions.defaults().withThreads(threads).withRelevanceThreshold(relevanceThreshold),
        model instanceof LatentFactorModel lf ? lf.itemFactors() : null, auc);
    out.putAll(perUser.means());
    return new Evaluation(out, perUser);
  }

  /** True when values carry ratings (more than one distinct value), so RMSE / MAE mean something. */
  static boolean hasRatings(Interactions data) {
    float[] v = data.values();
    for (int j = 1; j < v.length; j++) if (v[j] != v[0]) return true;
    return false;
  }

  static void save(Model model, Path out) throws IOException {
    save(model, out, FactorPrecision.FP32);
  }

  /** Writes the model with its latent factors stored in {@code precision}. */
  static void save(Model model, Path out, FactorPrecision precision) throws IOException {
    ModelFile.write(model, out, precision);
  }

  static void summarizeLoad(LoadResult r, PrintWriter err, boolean quiet) {
    if (r.rowsSkipped() > 0) {
      err.printf(Locale.ROOT, "kindred: %s: skipped %d invalid rows of %d%n", r.file(), r.rowsSkipped(), r.rowsRead());
      for (String ex : r.skippedExamples()) err.println("  " + ex);
    }
    if (!quiet) {
      Interactions d = r.data();
      err.printf(Locale.ROOT, "read %s: %,d interactions, %,d users, %,d items%n", r.file(), d.size(), d.activeUsers(),
          d.activeItems());
      if (r.userIdCollisions() >= 0) {
        err.printf(Locale.ROOT, "hashed user ids: %,d buckets, %,d ids share a bucket with another%n",
            d.userIndex().hashBuckets(), r.userIdCollisions());
      }
    }
    err.flush();
  }

  /** Prints a few users' top-k in external ids. */
  static void showRecommendations(Model model, Interactions seen, int[] users, int k, PrintWriter out) {
    Recommender rec = recommender(model);
    for (int u : users) {
      ScoredItems s = rec.recommend(u, k, RecommendOptions.excludeSeen(seen));
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < s.size(); j++) {
        if (j > 0) sb.append(", ");
        sb.append(model.itemIndex().externalId(s.items()[j]))
            .append(String.format(Locale.ROOT, " (%.2f)", s.scores()[j]));
      }
      out.printf(Locale.ROOT, "user %s: %s%n", model.userIndex().externalId(u), sb);
    }
  }
}
