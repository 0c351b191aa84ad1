package dev.kindred.cli;

import dev.kindred.serve.retrieval.AnnSpace;
import dev.kindred.serve.retrieval.RetrievalConfig;
import dev.kindred.serve.retrieval.RetrievalMode;
import picocli.CommandLine.Option;

/** {@code kindred serve}'s retrieval flags: exact or HNSW (ANN) top-K, and the graph's settings. */
final class RetrievalOptions {

  @Option(names = "--retrieval", paramLabel = "MODE", defaultValue = "auto",
      description = "Top-K retrieval for latent-factor models: exact (score every item), ann (HNSW graph), or auto "
          + "(ann above --ann-auto-threshold items). Default: ${DEFAULT-VALUE}.")
  String mode;

  @Option(names = "--ann-space", paramLabel = "SPACE", defaultValue = "unit-sphere",
      description = "How items sit in the graph: unit-sphere (inner product reduced to the cosine, the longest "
          + "--ann-head-fraction of items scored exactly) or inner-product (Lucene's maximum inner product on the raw "
          + "vectors). Default: ${DEFAULT-VALUE}.")
  String space;

  @Option(names = "--ann-head-fraction", paramLabel = "F", defaultValue = "0.02",
      description = "unit-sphere: share of the longest item vectors kept out of the graph and scored exactly. "
          + "Default: ${DEFAULT-VALUE}.")
  double headFraction;

  @Option(names = "--ann-m", paramLabel = "M", defaultValue = "16",
      description = "HNSW M: neighbours per node (2M on the bottom layer). Default: ${DEFAULT-VALUE}.")
  int m;

  @Option(names = "--ann-ef-construction", paramLabel = "EF", defaultValue = "100",
      description = "HNSW efConstruction: beam width while building the graph. Default: ${DEFAULT-VALUE}.")
  int efConstruction;

  @Option(names = "--ann-ef-search", paramLabel = "EF", defaultValue = "100",
      description = "HNSW ef: beam width of a query (at least k); higher is slower and more exact. Default: ${DEFAULT-VALUE}.")
  int efSearch;

  @Option(names = "--ann-auto-threshold", paramLabel = "N", defaultValue = "200000",
      description = "With --retrieval auto, use the graph for catalogues of more than N items. Default: ${DEFAULT-VALUE}.")
  int autoThreshold;

  @Option(names = "--ann-recall-users", paramLabel = "N", defaultValue = "500",
      description = "Users sampled at start-up to measure ANN recall@K against exact (0: skip). Default: ${DEFAULT-VALUE}.")
  int recallUsers;

  @Option(names = "--ann-recall-floor", paramLabel = "R", defaultValue = "0.9",
      description = "Warn (and flag in /readyz) when the measured recall@10 is below R. Default: ${DEFAULT-VALUE}.")
  double recallFloor;

  /** The validated settings (the record says which value is wrong and why). */
  RetrievalConfig config() {
    RetrievalMode mode = Flags.enumValue(RetrievalMode.class, this.mode, "--retrieval");
    AnnSpace annSpace = Flags.enumValue(AnnSpace.class, space, "--ann-space");
    return RetrievalConfig.DEFAULTS.withMode(mode).withAnnSpace(annSpace, headFraction).withAnn(m, efConstruction, efSearch)
        .withAutoThreshold(autoThreshold)
        .withRecallProbe(recallUsers, RetrievalConfig.DEFAULTS.recallK(), recallFloor);
  }
}
