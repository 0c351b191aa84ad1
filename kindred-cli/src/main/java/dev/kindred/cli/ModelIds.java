package dev.kindred.cli;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.Model;

/** Moves interactions read from files onto a saved model's id indices. */
final class ModelIds {

  private ModelIds() {}

  /**
   * The pairs of {@code data} whose user and item the model knows, re-indexed to the model's
   * indices; pairs with unknown ids (cold users or items) are dropped.
   */
  static Interactions onModel(Interactions data, Model model) {
    IdIndex mu = model.userIndex();
    IdIndex mi = model.itemIndex();
    int[] userMap = map(data.userIndex(), data.numUsers(), mu);
    int[] itemMap = map(data.itemIndex(), data.numItems(), mi);
    int n = data.size();
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    long[] ts = data.hasTimestamps() ? new long[n] : null;
    int w = 0;
    int[] ptr = data.userPtr();
    int[] idx = data.itemIdx();
    for (int x = 0; x < data.numUsers(); x++) {
      if (userMap[x] < 0) continue;
      for (int j = ptr[x]; j < ptr[x + 1]; j++) {
        int it = itemMap[idx[j]];
        if (it < 0) continue;
        u[w] = userMap[x];
        i[w] = it;
        v[w] = data.values()[j];
        if (ts != null) ts[w] = data.timestamps()[j];
        w++;
      }
    }
    return Interactions.fromCoo(mu, mi, mu.size(), mi.size(), u, i, v, ts, w, dev.kindred.core.DuplicatePolicy.LAST);
  }

  static Interactions empty(Model model) {
    return Interactions.fromCoo(model.userIndex(), model.itemIndex(), model.numUsers(), model.numItems(),
        new int[0], new int[0], new float[0], null, 0, dev.kindred.core.DuplicatePolicy.LAST);
  }

  private static int[] map(IdIndex from, int n, IdIndex to) {
    int[] m = new int[n];
    for (int x = 0; x < n; x++) {
      m[x] = from.isNumeric() ? to.indexOf(from.longId(x)) : to.indexOf(from.externalId(x));
    }
    return m;
  }
}
