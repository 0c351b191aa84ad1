package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.data.InteractionWriter;
import dev.kindred.data.LoadResult;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.parquet.ParquetInteractionWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred split}: cut a file into train and test files. */
@Command(name = "split", mixinStandardHelpOptions = true,
    description = "Split --train into PREFIX.train.tsv and PREFIX.test.tsv (readable with --format tsv), or with "
        + "--out-format parquet into PREFIX.train.parquet and PREFIX.test.parquet (readable with --format parquet).")
final class SplitCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--train", paramLabel = "FILE", required = true, description = "Interactions to split.")
  Path input;

  @Option(names = "--out", paramLabel = "PREFIX", required = true, description = "Output prefix.")
  String prefix;

  @Option(names = "--out-format", paramLabel = "FORMAT", defaultValue = "tsv",
      description = "Output files: tsv or parquet (columns user, item, value[, ts]). Default: ${DEFAULT-VALUE}.")
  String outFormat;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Kind kind;

  @Mixin
  DataOptions data;

  static final class Kind {
    @Option(names = "--per-user", paramLabel = "P", description = "Per-user stratified holdout: fraction P of each user's interactions to test.")
    Double perUser;

    @Option(names = "--random", paramLabel = "P", description = "Random holdout of fraction P of all interactions.")
    Double random;

    @Option(names = "--temporal", paramLabel = "P", description = "The latest fraction P of interactions (by timestamp) to test.")
    Double temporal;

    @Option(names = "--cutoff", paramLabel = "TS", description = "Interactions with timestamp >= TS to test.")
    Long cutoff;

    @Option(names = "--leave-last", paramLabel = "K", description = "Each user's K latest interactions to test.")
    Integer leaveLast;
  }

  @Override
  public Integer call() throws Exception {
    boolean parquet = switch (outFormat.trim().toLowerCase(Locale.ROOT)) {
      case "tsv" -> false;
      case DataOptions.PARQUET -> true;
      default -> throw new IllegalArgumentException("--out-format must be tsv or parquet, got '" + outFormat + "'");
    };
    LoadResult r = data.read(input);
    Pipeline.summarizeLoad(r, spec.commandLine().getErr(), true);
    Interactions d = data.training(r);
    Split s;
    String how;
    if (kind.perUser != null) {
      s = Splits.perUser(d, kind.perUser, seed);
      how = "per-user " + kind.perUser;
    } else if (kind.random != null) {
      s = Splits.randomHoldout(d, kind.random, seed);
      how = "random " + kind.random;
    } else if (kind.temporal != null) {
      s = Splits.temporalFraction(d, kind.temporal);
      how = "temporal " + kind.temporal;
    } else if (kind.cutoff != null) {
      s = Splits.temporalCutoff(d, kind.cutoff);
      how = "cutoff " + kind.cutoff;
    } else {
      s = Splits.leaveLastOut(d, kind.leaveLast);
      how = "leave-last " + kind.leaveLast;
    }
    String suffix = parquet ? ".parquet" : ".tsv";
    Path trainOut = Path.of(prefix + ".train" + suffix);
    Path testOut = Path.of(prefix + ".test" + suffix);
    write(s.train(), trainOut, parquet);
    write(s.test(), testOut, parquet);
    new Report().put("split", how).put("seed", seed)
        .put("train_interactions", s.train().size()).put("test_interactions", s.test().size())
        .put("train_file", trainOut.toString()).put("test_file", testOut.toString())
        .print(spec.commandLine().getOut(), json);
    return KindredCli.EXIT_OK;
  }

  private static void write(Interactions data, Path out, boolean parquet) throws IOException {
    if (parquet) {
      ParquetInteractionWriter.write(data, out);
    } else {
      InteractionWriter.writeTsv(data, out);
    }
  }
}
