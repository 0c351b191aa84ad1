package dev.kindred.cli;

import dev.kindred.core.FeatureTrainer;
import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.Recommenders;
import dev.kindred.core.ScoredItems;
import dev.kindred.core.SideFeatures;
import dev.kindred.core.Trainer;
import dev.kindred.data.LoadResult;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.train.registry.ModelSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The steps commands share: train with a progress bar, evaluate, save, show recommendations. */
final class Pipeline {

  private Pipeline() {}

  /** Trains a registry model with a progress bar; {@code heldOut} is passed on when the model uses validation. */
  static Model train(ModelSpec.Configured<?> model, Interactions train, Interactions heldOut, boolean quiet) {
    return train(model, train, heldOut, SideFeatures.NONE, quiet);
  }

  /** As above with side features, which only a {@link FeatureTrainer} takes. */
  static Model train(ModelSpec.Configured<?> model, Interactions train, Interactions heldOut, SideFeatures features,
      boolean quiet) {
    Trainer<?> trainer = model.trainer();
    boolean withFeatures = features.users() != null || features.items() != null;
    if (withFeatures && !(trainer instanceof FeatureTrainer<?>)) {
      throw new IllegalArgumentException("--model " + trainer.name() + " takes no side features "
          + "(--item-features, --user-features); --model hybrid does");
    }
    try (Progress progress = Progress.start("train " + trainer.name(), model.plannedEpochs(), quiet)) {
      Interactions validation = model.usesValidation() ? heldOut : null;
      return withFeatures ? ((FeatureTrainer<?>) trainer).fit(train, validation, features, progress)
          : trainer.fit(train, validation, progress);
    }
  }

  static Recommender recommender(Model model) {
    return Recommenders.of(model);
  }

  /** Rating metrics (explicit data only) and ranking metrics at {@code k}, in DESIGN.md's keys. */
  static Map<String, Double> evaluate(Model model, Interactions train, Interactions test, int k, int threads,
      boolean ratings, double relevanceThreshold) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (test.size() == 0) return out;
    if (ratings) out.putAll(Evaluator.ratingMetrics(model, test));
    out.putAll(Evaluator.rankingMetrics(recommender(model), train, test, new int[] {k},
        EvalOptions.defaults().withThreads(threads).withRelevanceThreshold(relevanceThreshold)));
    return out;
  }

  /** True when values carry ratings (more than one distinct value), so RMSE / MAE mean something. */
  static boolean hasRatings(Interactions data) {
    float[] v = data.values();
    for (int j = 1; j < v.length; j++) if (v[j] != v[0]) return true;
    return false;
  }

  static void save(Model model, Path out) throws IOException {
    ModelFile.write(model, out);
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
