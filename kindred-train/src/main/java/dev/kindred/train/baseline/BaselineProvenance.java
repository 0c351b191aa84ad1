package dev.kindred.train.baseline;

import dev.kindred.core.Interactions;
import dev.kindred.core.Provenance;
import java.util.Map;

/** Provenance of a deterministic baseline fit (no randomness: the seed is recorded as 0). */
final class BaselineProvenance {

  private BaselineProvenance() {}

  static Provenance of(String algorithm, Map<String, String> config, Interactions train, int threads,
      long elapsedNanos) {
    return Provenance.of(algorithm, config, train, 0L, threads, elapsedNanos / 1e9);
  }
}
