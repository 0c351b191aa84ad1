package dev.kindred.cli;

import dev.kindred.core.Explainer;
import dev.kindred.core.Explanation;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
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

/** {@code kindred explain}: which history items made an item score as it did for a user. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Why items were recommended to --user: the history items that contributed most to each score, "
        + "with their share, and the remainder they leave.",
        "With --item: those items; without: the user's top --k. Exact for iALS/ALS (through the user's ridge solve), "
            + "item-kNN, EASE, graph-filter and LightGCN; an approximation by item-factor cosine for mf-sgd and bpr.",
        "Latent-factor models keep no history: give it with --train (the training interactions)."})
final class ExplainCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-file", paramLabel = "FILE", required = true, description = "Model file written by train.")
  Path modelFile;

  @Option(names = "--user", paramLabel = "ID", required = true, description = "External user id.")
  String user;

  @Option(names = "--item", paramLabel = "ID", split = ",", description = "Item id(s) to explain (default: the user's top --k).")
  List<String> items = new ArrayList<>();

  @Option(names = "--top", paramLabel = "N", defaultValue = "3", description = "Contributors listed per item. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "List length without --item. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--train", paramLabel = "FILE",
      description = "The user's history for latent-factor models (their training interactions); its items are excluded from the top --k.")
  Path historyFile;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Mixin
  DataOptions data;

  @Override
  public Integer call() throws Exception {
    if (top < 0) throw new IllegalArgumentException("--top must be >= 0, got " + top);
    if (k <= 0) throw new IllegalArgumentException("--k must be positive, got " + k);
    Model model = ModelFile.read(modelFile);
    IdIndex ii = model.itemIndex();
    int u = model.userIndex().indexOf(user);
    if (u < 0) throw new IllegalArgumentException("--user: unknown user id '" + user + "' in " + modelFile);
    Explainer explainer = Explainer.of(model);
    Interactions seen = historyFile == null ? null : ModelIds.onModel(data.read(historyFile).data(), model);
    Explainer.History history = explainer.history(u, seen);
    if (history.items().length == 0 && explainer.method() != Explanation.Method.NONE) {
      throw new IllegalArgumentException(historyFile == null
          ? "--user '" + user + "': a " + model.provenance().algorithm() + " model keeps no history: give --train FILE"
          : "--user '" + user + "' has no interaction in " + historyFile + " on the model's items");
    }
    Recommender rec = Pipeline.recommender(model);
    ScoredItems s;
    if (items.isEmpty()) {
      s = rec.recommend(u, k, new RecommendOptions(seen, history.items(), null));
    } else {
      int[] idx = new int[items.size()];
      for (int j = 0; j < idx.length; j++) {
        idx[j] = ii.indexOf(items.get(j));
        if (idx[j] < 0) throw new IllegalArgumentException("--item: unknown item id '" + items.get(j) + "'");
      }
      // The ranking's own score of each item (the recommender scores candidates, seen or not, as it ranks).
      float[] scores = new float[idx.length];
      for (int j = 0; j < idx.length; j++) {
        ScoredItems one = rec.recommend(u, 1, new RecommendOptions(null, null, new int[] {idx[j]}));
        scores[j] = one.size() == 0 ? model.score(u, idx[j]) : one.scores()[0];
      }
      s = new ScoredItems(idx, scores);
    }
    Explanation[] ex = explainer.explain(history, s.items(), s.scores(), top);
    print(ex, ii);
    return KindredCli.EXIT_OK;
  }

  private void print(Explanation[] ex, IdIndex ii) {
    var out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Explanation e : ex) {
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Explanation.Contribution c : e.contributors()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("item", ii.externalId(c.item()));
          m.put("contribution", c.contribution());
          m.put("share", c.share());
          cs.add(m);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("item", ii.externalId(e.item()));
        row.put("score", e.score());
        row.put("method", e.method().name().toLowerCase(Locale.ROOT));
        row.put("contributors", cs);
        row.put("remainder", e.remainder());
        rows.add(row);
      }
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("user", user);
      root.put("explanations", rows);
      out.println(Report.toJson(root));
    } else {
      for (Explanation e : ex) {
        out.printf(Locale.ROOT, "%s\t%s\tscore %.4f\t(%s)%n", user, ii.externalId(e.item()), e.score(),
            e.method().name().toLowerCase(Locale.ROOT));
        for (Explanation.Contribution c : e.contributors()) {
          out.printf(Locale.ROOT, "  because of %-12s %+.4f  %5.1f%%%n", ii.externalId(c.item()), c.contribution(),
              100 * c.share());
        }
        out.printf(Locale.ROOT, "  remainder    %-12s %+.4f%n", "", e.remainder());
      }
    }
    out.flush();
  }
}
