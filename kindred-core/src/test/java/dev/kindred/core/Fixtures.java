package dev.kindred.core;

import dev.kindred.math.FactorMatrix;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded random models and interactions shared by the core tests. */
final class Fixtures {

  private Fixtures() {}

  static Provenance provenance(String algorithm) {
    return Provenance.builder(algorithm).config(Map.of("factors", "8", "learningRate", "0.01"))
        .dataFingerprint(0x1234_5678_9ABC_DEF0L).seed(42L).threads(2).size(10, 20, 100).trainSeconds(1.25)
        .createdAtMillis(1_700_000_000_000L).kindredVersion("test").build();
  }

  /** Factors N(0, 0.5^2), biases N(0, 0.3^2) when asked for, mean 3.2. */
  static LatentFactorModel model(long seed, int users, int items, int dim, boolean biases) {
    SplittableRandom rng = new SplittableRandom(seed);
    FactorMatrix p = new FactorMatrix(users, dim);
    FactorMatrix q = new FactorMatrix(items, dim);
    p.fillGaussian(rng.split(), 0.5f);
    q.fillGaussian(rng.split(), 0.5f);
    float[] ub = biases ? gaussian(rng, users, 0.3) : null;
    float[] ib = biases ? gaussian(rng, items, 0.3) : null;
    return new LatentFactorModel(provenance("test-mf"), IdIndex.identity(users), IdIndex.identity(items),
        biases ? 3.2f : 0f, ub, ib, p, q);
  }

  static float[] gaussian(SplittableRandom rng, int n, double sd) {
    float[] a = new float[n];
    for (int j = 0; j < n; j++) a[j] = (float) (rng.nextGaussian() * sd);
    return a;
  }

  /** Each (user, item) pair present with probability {@code density}, value 1..5. */
  static Interactions randomInteractions(long seed, int users, int items, double density) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] ptr = new int[users + 1];
    int[] idx = new int[users * items];
    float[] val = new float[idx.length];
    int w = 0;
    for (int u = 0; u < users; u++) {
      for (int i = 0; i < items; i++) {
        if (rng.nextDouble() < density) {
          idx[w] = i;
          val[w] = 1 + rng.nextInt(5);
          w++;
        }
      }
      ptr[u + 1] = w;
    }
    return new Interactions(IdIndex.identity(users), IdIndex.identity(items), users, items, ptr,
        java.util.Arrays.copyOf(idx, w), java.util.Arrays.copyOf(val, w), null);
  }
}
