package dev.kindred.cli;

import picocli.CommandLine.Option;

/** Output flags of the commands that train and evaluate: the metric cut-off, JSON, quiet. */
final class OutputFlags {

  @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "Cut-off for ranking metrics (and list length). Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--quiet", description = "No progress output.")
  boolean quiet;

  /** The validated cut-off. */
  int k() {
    if (k <= 0) throw new IllegalArgumentException("--k must be positive, got " + k);
    return k;
  }
}
