package dev.kindred.eval;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import java.util.Map;

/** Tiny hand-built interactions and models, independent of kindred-data. */
final class Fixtures {

  private Fixtures() {}

  /** Interactions over identity indices from {@code {user, item, value}} rows. */
  static Interactions interactions(int numUsers, int numItems, double[][] rows) {
    int n = rows.length;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    for (int r = 0; r < n; r++) {
      u[r] = (int) rows[r][0];
      i[r] = (int) rows[r][1];
      v[r] = (float) rows[r][2];
    }
    return Interactions.fromCoo(IdIndex.identity(numUsers), IdIndex.identity(numItems), numUsers, numItems, u, i, v,
        null, n, DuplicatePolicy.LAST);
  }

  static Provenance provenance(int users, int items) {
    return new Provenance("hand-built", Map.of("note", "test fixture"), 0L, 42L, 1, users, items, 0, 0.0, 0L, "test");
  }

  /** A model with the given factor rows (one {@code float[]} per user / item); biases may be null. */
  static LatentFactorModel model(float globalMean, float[] userBias, float[] itemBias, float[][] p, float[][] q) {
    FactorMatrix pm = matrix(p);
    FactorMatrix qm = matrix(q);
    return new LatentFactorModel(provenance(p.length, q.length), IdIndex.identity(p.length), IdIndex.identity(q.length),
        globalMean, userBias, itemBias, pm, qm);
  }

  private static FactorMatrix matrix(float[][] rows) {
    FactorMatrix m = new FactorMatrix(rows.length, rows[0].length);
    for (int r = 0; r < rows.length; r++) {
      m.setRow(r, rows[r], 0);
    }
    return m;
  }
}
