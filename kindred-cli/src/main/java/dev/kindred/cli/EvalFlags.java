package dev.kindred.cli;

import picocli.CommandLine.Option;

/** Evaluation flags shared by {@code demo}, {@code train} and {@code evaluate}. */
final class EvalFlags {

  @Option(names = "--relevance-threshold", paramLabel = "R",
      description = "Ranking metrics count a test interaction as relevant when its value is >= R (default: every test interaction).")
  Double relevanceThreshold;

  double threshold() {
    if (relevanceThreshold != null && relevanceThreshold.isNaN()) {
      throw new IllegalArgumentException("--relevance-threshold must be a number");
    }
    return relevanceThreshold == null ? Double.NEGATIVE_INFINITY : relevanceThreshold;
  }
}
