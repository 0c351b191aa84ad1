package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;

/**
 * The demo's look at a few users: their most recent training items, the model's and the
 * baseline's recommendations side by side, each item with its popularity rank in the training
 * data ({@code #1} the most popular) and held-out items the list found marked {@code [hit]}.
 */
final class DemoUsers {

  private static final int HISTORY = 8;

  private DemoUsers() {}

  static void show(Model model, Model baseline, Interactions train, Interactions test, int users, int k, PrintWriter o) {
    int[] rank = popularityRank(train);
    RecommendOptions exclude = RecommendOptions.excludeSeen(train);
    for (int u : sample(train, users)) {
      int[] held = u < test.numUsers() ? Arrays.copyOfRange(test.itemIdx(), test.userPtr()[u], test.userPtr()[u + 1])
          : new int[0];
      o.printf(Locale.ROOT, "user %s: %d training interactions, %d held out%n", model.userIndex().externalId(u),
          train.userDegree(u), held.length);
      o.println("  history (most recent " + Math.min(HISTORY, train.userDegree(u)) + "): "
          + items(model, recent(train, u, HISTORY), rank, new int[0]));
      ScoredItems mine = Pipeline.recommender(model).recommend(u, k, exclude);
      ScoredItems theirs = Pipeline.recommender(baseline).recommend(u, k, exclude);
      o.printf(Locale.ROOT, "  %-9s %s%n", model.provenance().algorithm() + ":", items(model, mine.items(), rank, held));
      o.printf(Locale.ROOT, "  %-9s %s%n", baseline.provenance().algorithm() + ":",
          items(model, theirs.items(), rank, held));
    }
  }

  /** Up to {@code n} users with a middling number of training interactions, spread over the index range. */
  static int[] sample(Interactions train, int n) {
    int[] degrees = new int[train.numUsers()];
    int active = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      if (train.userDegree(u) > 0) degrees[active++] = train.userDegree(u);
    }
    int[] sorted = Arrays.copyOf(degrees, active);
    Arrays.sort(sorted);
    int lo = active == 0 ? 0 : sorted[active / 4];
    int hi = active == 0 ? 0 : sorted[(3 * active) / 4];
    int[] out = new int[Math.min(n, active)];
    boolean[] taken = new boolean[train.numUsers()];
    int w = 0;
    int step = Math.max(1, train.numUsers() / (n + 1));
    for (int u = step; u < train.numUsers() && w < out.length; u++) {
      int d = train.userDegree(u);
      if (d >= Math.max(1, lo) && d <= hi && (w == 0 || u - out[w - 1] >= step)) {
        out[w++] = u;
        taken[u] = true;
      }
    }
    for (int u = 0; u < train.numUsers() && w < out.length; u++) {
      if (train.userDegree(u) > 0 && !taken[u]) out[w++] = u;
    }
    return out;
  }

  private static String items(Model model, int[] list, int[] rank, int[] held) {
    StringBuilder sb = new StringBuilder();
    for (int item : list) {
      if (!sb.isEmpty()) sb.append(", ");
      sb.append(model.itemIndex().externalId(item)).append(" (#").append(rank[item] + 1).append(')');
      if (Arrays.stream(held).anyMatch(h -> h == item)) sb.append(" [hit]");
    }
    return sb.toString();
  }

  /** The user's last {@code n} training items by timestamp (CSR order when there are none), latest first. */
  private static int[] recent(Interactions train, int u, int n) {
    int from = train.userPtr()[u];
    int to = train.userPtr()[u + 1];
    Integer[] order = new Integer[to - from];
    for (int j = 0; j < order.length; j++) order[j] = from + j;
    if (train.hasTimestamps()) {
      long[] ts = train.timestamps();
      Arrays.sort(order, (a, b) -> Long.compare(ts[b], ts[a]));
    }
    int[] out = new int[Math.min(n, order.length)];
    for (int j = 0; j < out.length; j++) out[j] = train.itemIdx()[order[j]];
    return out;
  }

  /** Each item's popularity rank in {@code train}: 0 for the item with the most interactions. */
  private static int[] popularityRank(Interactions train) {
    int n = train.numItems();
    int[] degree = new int[n];
    for (int item : train.itemIdx()) degree[item]++;
    int[] byDegree = new int[n];
    for (int i = 0; i < n; i++) byDegree[i] = i;
    IntArrays.quickSort(byDegree, (a, b) -> degree[a] != degree[b] ? Integer.compare(degree[b], degree[a])
        : Integer.compare(a, b));
    int[] rank = new int[n];
    for (int r = 0; r < n; r++) rank[byDegree[r]] = r;
    return rank;
  }
}
