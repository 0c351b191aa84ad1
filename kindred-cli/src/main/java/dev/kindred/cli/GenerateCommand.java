package dev.kindred.cli;

import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.data.parquet.ParquetInteractionWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred generate}: planted low-rank synthetic interactions streamed to a TSV or Parquet file. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write synthetic interactions (planted low-rank preferences + noise, power-law popularity) as TSV: "
        + "user, item, rating (or 1 with --implicit), timestamp; as Parquet (columns user, item, value, ts) when --out "
        + "ends in .parquet.")
final class GenerateCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--users", paramLabel = "N", required = true, description = "Number of users.")
  int users;

  @Option(names = "--items", paramLabel = "M", required = true, description = "Number of items.")
  int items;

  @Option(names = "--interactions", paramLabel = "X", required = true, description = "Number of interactions.")
  long interactions;

  @Option(names = "--implicit", description = "Implicit events (value 1) instead of ratings.")
  boolean implicit;

  @Option(names = "--rank", paramLabel = "R", defaultValue = "" + SyntheticConfig.DEFAULT_RANK, description = "Planted rank. Default: ${DEFAULT-VALUE}.")
  int rank;

  @Option(names = "--noise", paramLabel = "S", defaultValue = "" + SyntheticConfig.DEFAULT_NOISE, description = "Rating noise std. deviation. Default: ${DEFAULT-VALUE}.")
  double noise;

  @Option(names = "--popularity", paramLabel = "A", defaultValue = "" + SyntheticConfig.DEFAULT_POPULARITY_EXPONENT, description = "Zipf exponent of item popularity. Default: ${DEFAULT-VALUE}.")
  double popularity;

  @Option(names = "--taste", paramLabel = "T", defaultValue = "" + SyntheticConfig.DEFAULT_TASTE,
      description = "How strongly planted taste, beside popularity, picks each user's items (0: popularity alone). Default: ${DEFAULT-VALUE}.")
  double taste;

  @Option(names = "--taste-groups", paramLabel = "G", defaultValue = "" + SyntheticConfig.DEFAULT_TASTE_GROUPS,
      description = "Planted taste groups (with --taste > 0). Default: ${DEFAULT-VALUE}.")
  int tasteGroups;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "Output file, written atomically: Parquet when the name ends in .parquet, else TSV.")
  Path out;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    SyntheticConfig c = SyntheticConfig.of(users, items, interactions, seed).withRank(rank).withNoise(noise)
        .withPopularityExponent(popularity).withImplicit(implicit).withTaste(taste)
        .withTasteGroups(tasteGroups);
    long t0 = System.nanoTime();
    SyntheticGenerator generator = new SyntheticGenerator(c);
    boolean parquet = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
    if (parquet) {
      ParquetInteractionWriter.writeGenerated(generator, out);
    } else {
      generator.generate(out);
    }
    new Report().put("file", out.toString()).put("format", parquet ? DataOptions.PARQUET : "tsv").put("users", users).put("items", items).put("interactions", interactions)
        .put("implicit", implicit).put("seed", seed).put("seconds", (System.nanoTime() - t0) / 1e9)
        .print(spec.commandLine().getOut(), json);
    return KindredCli.EXIT_OK;
  }
}
