package dev.kindred.cli;

import picocli.CommandLine.Option;

/** {@code --threads} of the commands that train several models ({@code compare}, {@code tune}). */
final class ThreadsFlag {

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads for training and evaluation (default: available cores).")
  Integer threads;

  /** The validated thread count. */
  int get() {
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (t <= 0) throw new IllegalArgumentException("--threads must be positive, got " + t);
    return t;
  }
}
