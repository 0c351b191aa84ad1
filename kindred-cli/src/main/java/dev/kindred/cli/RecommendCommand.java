package dev.kindred.cli;

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

/** {@code kindred recommend}: top-K items for users of a saved model. */
@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = "Top-K recommendations for --user ids (or --all users) from a saved model.")
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

  @Override
  public Integer call() throws Exception {
    data.refuseFilters("recommend");
    if (k <= 0) throw new IllegalArgumentException("--k must be positive, got " + k);
    if (users.isEmpty() && !all) throw new IllegalArgumentException("give --user ID or --all");
    Model model = ModelFile.read(modelFile);
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
    if (all) {
      idx = new int[model.numUsers()];
      for (int u = 0; u < idx.length; u++) idx[u] = u;
    } else {
      idx = new int[users.size()];
      for (int j = 0; j < idx.length; j++) {
        idx[j] = ui.indexOf(users.get(j));
        if (idx[j] < 0) throw new IllegalArgumentException("--user: unknown user id '" + users.get(j) + "'");
      }
    }
    Recommender rec = Pipeline.recommender(model);
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    ScoredItems[] lists = rec.recommendAll(idx, k, opts, t);
    var out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> root = new LinkedHashMap<>();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int j = 0; j < idx.length; j++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("user", userName(ui, idx, j));
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
        out.println(userName(ui, idx, j) + "\t" + sb);
      }
    }
    out.flush();
    return KindredCli.EXIT_OK;
  }

  /** The id the caller gave for row {@code j} (with hashed user ids the model knows only the bucket, "#b"). */
  private String userName(IdIndex ui, int[] idx, int j) {
    return all ? ui.externalId(idx[j]) : users.get(j);
  }

  static List<String> externalItems(ScoredItems s, IdIndex ii) {
    List<String> ids = new ArrayList<>(s.size());
    for (int item : s.items()) ids.add(ii.externalId(item));
    return ids;
  }
}
