package dev.kindred.serve.retrieval;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import java.util.SplittableRandom;

/**
 * A planted low-rank factor set shaped like a trained model's, not isotropic noise: items belong to
 * one of {@value #TOPICS} topics (topic sizes skewed), each item vector is its topic's centre plus
 * noise scaled by a log-normal popularity, the item bias grows with popularity; a user mixes two
 * topics. Seen items: {@code seenPerUser} items per user, half drawn from the user's own topics so
 * that exclusions hit items the user would be recommended.
 */
public final class PlantedFactors {

  static final int TOPICS = 40;

  public final LatentFactorModel model;
  public final Interactions seen;

  private PlantedFactors(LatentFactorModel model, Interactions seen) {
    this.model = model;
    this.seen = seen;
  }

  public static PlantedFactors generate(int users, int items, int dim, int seenPerUser, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] centres = new float[TOPICS][dim];
    for (float[] c : centres) for (int d = 0; d < dim; d++) c[d] = (float) (rng.nextGaussian() / Math.sqrt(dim));
    int[] topicOf = new int[items];
    FactorMatrix q = new FactorMatrix(items, dim);
    float[] itemBias = new float[items];
    for (int i = 0; i < items; i++) {
      int t = (int) (TOPICS * Math.pow(rng.nextDouble(), 2)); // skewed topic sizes
      topicOf[i] = t;
      double pop = Math.exp(0.5 * rng.nextGaussian());
      for (int d = 0; d < dim; d++) {
        q.set(i, d, (float) (pop * (centres[t][d] + 0.6 * rng.nextGaussian() / Math.sqrt(dim))));
      }
      itemBias[i] = (float) (0.2 * Math.log(pop));
    }
    FactorMatrix p = new FactorMatrix(users, dim);
    float[] userBias = new float[users];
    int[] su = new int[users * seenPerUser];
    int[] si = new int[users * seenPerUser];
    int n = 0;
    for (int u = 0; u < users; u++) {
      int a = rng.nextInt(TOPICS);
      int b = rng.nextInt(TOPICS);
      for (int d = 0; d < dim; d++) {
        p.set(u, d, (float) (2.0 * centres[a][d] + 1.0 * centres[b][d] + 0.3 * rng.nextGaussian() / Math.sqrt(dim)));
      }
      userBias[u] = (float) (0.1 * rng.nextGaussian());
      for (int j = 0; j < seenPerUser; j++) {
        int item;
        if (j % 2 == 0) {
          do {
            item = rng.nextInt(items);
          } while (topicOf[item] != a);
        } else {
          item = rng.nextInt(items);
        }
        su[n] = u;
        si[n++] = item;
      }
    }
    IdIndex ui = IdIndex.identity(users);
    IdIndex ii = IdIndex.identity(items);
    Provenance prov = Provenance.builder("planted").seed(seed).size(users, items, n).createdAtMillis(0)
        .kindredVersion("test").build();
    LatentFactorModel model = new LatentFactorModel(prov, ui, ii, 0.5f, userBias, itemBias, p, q,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, new FoldInRule.Ridge(0.1f, true, 10f, false));
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    Interactions seen = Interactions.fromCoo(ui, ii, users, items, su, si, ones, null, n, DuplicatePolicy.LAST);
    return new PlantedFactors(model, seen);
  }
}
