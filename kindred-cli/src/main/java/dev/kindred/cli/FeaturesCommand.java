package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.data.LoadResult;
import dev.kindred.data.features.FeatureSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindred features}: rank the side features of {@code --item-features} / {@code --user-features}
 * against the interactions of {@code --train} and show what {@code --select} would keep and why.
 */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Rank side features against --train (mutual information with the users' histories) and report "
        + "what --select keeps and why: a table per feature file, or one JSON object with --json.")
final class FeaturesCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--train", paramLabel = "FILE", required = true, description = "Training interactions.")
  Path trainFile;

  @Option(names = "--top", paramLabel = "N", defaultValue = "20",
      description = "Best features listed in the table (the JSON lists all). Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Mixin
  DataOptions data;

  @Mixin
  FeatureOptions features;

  @Override
  public Integer call() throws Exception {
    if (top < 0) throw new IllegalArgumentException("--top must be >= 0, got " + top);
    LoadResult r = data.read(trainFile);
    Pipeline.summarizeLoad(r, spec.commandLine().getErr(), json);
    Interactions train = features.withFeatureOnlyIds(data.training(r));
    FeatureSelection selection = features.select == null ? FeatureSelection.NONE : FeatureSelection.parse(features.select);
    Map<Path, FeatureSelection.Report> reports = features.reports(train, selection);
    var out = spec.commandLine().getOut();
    if (json) {
      List<Map<String, Object>> sides = new ArrayList<>();
      for (Map.Entry<Path, FeatureSelection.Report> e : reports.entrySet()) {
        FeatureSelection.Report rep = e.getValue();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", e.getKey().toString());
        m.put("spec", rep.spec());
        m.put("features", rep.keep().length);
        m.put("kept", rep.kept());
        m.put("audience", rep.audience());
        m.put("fields", rep.fields());
        m.put("ranking", rep.features());
        sides.add(m);
      }
      out.println(Report.toJson(Map.of("files", sides)));
    } else {
      reports.forEach((file, rep) -> out.println(file + "\n" + rep.toText(top)));
    }
    out.flush();
    return KindredCli.EXIT_OK;
  }
}
