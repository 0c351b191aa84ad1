package dev.kindred.cli;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.core.ScoredItems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred similar}: items most similar to given items (cosine of item factors). */
@Command(name = "similar", mixinStandardHelpOptions = true,
    description = "Items most similar to --item ids (cosine of the item factors), from a saved model.")
final class SimilarCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-file", paramLabel = "FILE", required = true, description = "Model file written by train.")
  Path modelFile;

  @Option(names = "--item", paramLabel = "ID", split = ",", required = true, description = "External item id(s).")
  List<String> items = new ArrayList<>();

  @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "List length. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (k <= 0) throw new IllegalArgumentException("--k must be positive, got " + k);
    Model model = ModelFile.read(modelFile);
    IdIndex ii = model.itemIndex();
    var rec = Pipeline.recommender(model);
    var out = spec.commandLine().getOut();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String id : items) {
      int item = ii.indexOf(id);
      if (item < 0) throw new IllegalArgumentException("--item: unknown item id '" + id + "'");
      ScoredItems s = rec.similarItems(item, k);
      if (json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("item", id);
        row.put("similar", RecommendCommand.externalItems(s, ii));
        row.put("scores", s.scores());
        rows.add(row);
      } else {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < s.size(); r++) {
          if (r > 0) sb.append('\t');
          sb.append(ii.externalId(s.items()[r])).append(String.format(Locale.ROOT, ":%.4f", s.scores()[r]));
        }
        out.println(id + "\t" + sb);
      }
    }
    if (json) out.println(Report.toJson(Map.of("k", k, "results", rows)));
    out.flush();
    return KindredCli.EXIT_OK;
  }
}
