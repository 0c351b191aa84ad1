package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.data.LoadResult;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred evaluate}: metrics of a saved model on a test file. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate a saved model on --test. Training items (--train) are excluded from ranking candidates.")
final class EvaluateCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-file", paramLabel = "FILE", required = true, description = "Model file written by train.")
  Path modelFile;

  @Option(names = "--train", paramLabel = "FILE", description = "Training interactions, excluded from the candidates.")
  Path trainFile;

  @Option(names = "--test", paramLabel = "FILE", required = true, description = "Test interactions.")
  Path testFile;

  @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "Cut-off for ranking metrics. Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--threads", paramLabel = "T", description = "Threads (default: available cores).")
  Integer threads;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Mixin
  DataOptions data;

  @Mixin
  EvalFlags evalFlags;

  @Override
  public Integer call() throws Exception {
    if (k <= 0) throw new IllegalArgumentException("--k must be positive, got " + k);
    Model model = ModelFile.read(modelFile);
    List<LoadResult> loaded = data.readShared(DataOptions.nonNull(trainFile, testFile));
    for (LoadResult r : loaded) Pipeline.summarizeLoad(r, spec.commandLine().getErr(), true);
    Interactions test = ModelIds.onModel(loaded.get(loaded.size() - 1).data(), model);
    Interactions train = trainFile == null ? ModelIds.empty(model) : ModelIds.onModel(loaded.get(0).data(), model);
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Report report = new Report().put("model", model.provenance().algorithm());
    report.putAll(Pipeline.evaluate(model, train, test, k, t, Pipeline.hasRatings(test), evalFlags.threshold()));
    report.put("users", model.numUsers()).put("items", model.numItems()).put("interactions", test.size());
    report.print(spec.commandLine().getOut(), json);
    return KindredCli.EXIT_OK;
  }
}
