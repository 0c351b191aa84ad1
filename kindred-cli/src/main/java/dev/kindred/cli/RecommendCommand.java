package dev.kindred.cli;

import dev.kindred.core.ColdStartItems;
import dev.kindred.core.FactorRecommender;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFeatures;
import dev.kindred.core.ModelFile;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred recommend}: top-K items for users of a saved model. */
@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = {"Top-K recommendations for --user ids (or --all users) from a saved model.",
        "With a feature model (MODEL.features beside the file): a --user the model does not know is scored from its "
            + "row of --user-features, and items only --item-features knows join the catalogue."})
final class RecommendCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-file", paramLabel = "FILE", required = true, description = "Model file written by train.")
  Path modelFile;

  @Option(names = "--user", paramLabel = "ID", split = ",", description = "External user id(s); repeat or comma-separate.")
  List<String> users = new ArrayList<>();

  @Option(names = "--all", description = "Recommend for every user of the model (batched, multi-threaded).")
  boolean all;

  @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "List length. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--train", paramLabel = "FILE", description = "Interactions whose items are excluded (exclude seen).")
  Path seenFile;

  @Option(names = "--exclude", paramLabel = "ITEM", split = ",", description = "External item ids never to recommend.")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--threads", paramLabel = "T", description = "Threads for --all (default: available cores).")
  Integer threads;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Mixin
  DataOptions data;

  @Mixin
  FeatureOptions features;

  @Override
  public Integer call() throws Exception {
    data.refuseFilters("recommend");
    if (k <= 0) throw new IllegalArgumentException("--k must be positive, got " + k);
    if (users.isEmpty() && !all) throw new IllegalArgumentException("give --user ID or --all");
    Model model = ModelFile.read(modelFile);
    ModelFeatures encoders = features.encodersOf(modelFile, "recommend");
    Map<String, Map<String, List<String>>> userValues = features.userValues();
    // Items only --item-features knows join the catalogue, scored from their features.
    if (encoders != null && encoders.items() != null && model instanceof LatentFactorModel lf) {
      model = ColdStartItems.withFeatures(lf, encoders.items(), features.itemValues());
    }
    IdIndex ui = model.userIndex();
    IdIndex ii = model.itemIndex();
    int[] ex = new int[exclude.size()];
    for (int j = 0; j < ex.length; j++) {
      ex[j] = ii.indexOf(exclude.get(j));
      if (ex[j] < 0) throw new IllegalArgumentException("--exclude: unknown item id '" + exclude.get(j) + "'");
    }
    Interactions seen = seenFile == null ? null : ModelIds.onModel(data.read(seenFile).data(), model);
    RecommendOptions opts = new RecommendOptions(seen, ex.length == 0 ? null : ex, null);
    int[] idx;
    List<String> names = new ArrayList<>();
    if (all) {
      idx = new int[model.numUsers()];
      for (int u = 0; u < idx.length; u++) {
        idx[u] = u;
        names.add(ui.externalId(u));
      }
    } else {
      idx = new int[users.size()];
      for (int j = 0; j < idx.length; j++) {
        idx[j] = ui.indexOf(users.get(j));
        names.add(users.get(j));
        if (idx[j] < 0 && !userValues.containsKey(users.get(j))) {
          throw new IllegalArgumentException("--user: unknown user id '" + users.get(j) + "'"
              + (features.userFeatures == null ? "" : " (not in " + features.userFeatures + " either)"));
        }
      }
    }
    Recommender rec = Pipeline.recommender(model);
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    int[] known = java.util.Arrays.stream(idx).filter(u -> u >= 0).toArray();
    ScoredItems[] knownLists = rec.recommendAll(known, k, opts, t);
    ScoredItems[] lists = new ScoredItems[idx.length];
    for (int j = 0, q = 0; j < idx.length; j++) {
      lists[j] = idx[j] >= 0 ? knownLists[q++] : fromFeatures(model, encoders, userValues.get(names.get(j)), opts);
    }
    var out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> root = new LinkedHashMap<>();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int j = 0; j < idx.length; j++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("user", names.get(j));
        row.put("items", externalItems(lists[j], ii));
        row.put("scores", lists[j].scores());
        rows.add(row);
      }
      root.put("k", k);
      root.put("recommendations", rows);
      out.println(Report.toJson(root));
    } else {
      for (int j = 0; j < idx.length; j++) {
        StringBuilder sb = new StringBuilder();
        ScoredItems s = lists[j];
        for (int r = 0; r < s.size(); r++) {
          if (r > 0) sb.append('\t');
          sb.append(ii.externalId(s.items()[r])).append(String.format(Locale.ROOT, ":%.4f", s.scores()[r]));
        }
        out.println(names.get(j) + "\t" + sb);
      }
    }
    out.flush();
    return KindredCli.EXIT_OK;
  }

  /** The list of a user the model does not know, from the user's side features through the model's encoder. */
  private ScoredItems fromFeatures(Model model, ModelFeatures encoders, Map<String, List<String>> values,
      RecommendOptions opts) {
    if (encoders == null || encoders.users() == null || !(model instanceof LatentFactorModel lf)) {
      throw new IllegalArgumentException("--user-features: the model has no user feature encoder (train --model "
          + "hybrid with --user-features and --out)");
    }
    float[] vec = new float[lf.dim()];
    float bias = encoders.users().vector(values, vec);
    return new FactorRecommender(lf).recommendVector(vec, 0, lf.globalMean() + bias, -1, k,
        new RecommendOptions(null, opts.excludeItems(), null));
  }

  static List<String> externalItems(ScoredItems s, IdIndex ii) {
    List<String> ids = new ArrayList<>(s.size());
    for (int item : s.items()) ids.add(ii.externalId(item));
    return ids;
  }
}
