package dev.kindred.cli;

import dev.kindred.core.Explainer;
import dev.kindred.core.Explanation;
import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.eval.report.HtmlReport;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo's look at a few users: their most recent training items, the model's recommendations
 * each with a one-line explanation (the history items that contributed most, from
 * {@link Explainer}), and the baseline's list. Each item carries its popularity rank in the training
 * data ({@code #1} the most popular); held-out items a list found are marked {@code [hit]}.
 */
final class DemoUsers {

  private static final int HISTORY = 8;

  /** History items named in each recommendation's explanation. */
  static final int BECAUSE = 2;

  /**
   * One recommended (or history) item as the demo shows it.
   *
   * @param item external id
   * @param rank popularity rank in the training data, 1 for the most popular
   * @param hit the item is among the user's held-out items
   * @param because the history items that contributed most to its score, with their share of it
   *     (empty for history items and for models whose scores do not depend on the history)
   */
  record Shown(String item, int rank, boolean hit, List<Because> because) {}

  /** A history item's part in a score: {@code share} of it (see {@link Explanation.Contribution#share()}). */
  record Because(String item, double share) {}

  /**
   * One user as the demo shows it.
   *
   * @param method how the model's explanations were computed (exact, similarity, none)
   */
  record Example(String user, int training, int heldOut, List<Shown> history, List<Shown> recommended,
      String method, List<Shown> baseline) {

    /** The JSON form ({@code demo --json}'s {@code examples}). */
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("user", user);
      m.put("training_interactions", training);
      m.put("held_out", heldOut);
      m.put("history", history.stream().map(Shown::item).toList());
      m.put("recommended", recommended.stream().map(DemoUsers::json).toList());
      m.put("explanation_method", method);
      m.put("baseline", baseline.stream().map(DemoUsers::json).toList());
      return m;
    }
  }

  private DemoUsers() {}

  /** {@code users} users (see {@link #sample}), their history, and both models' top {@code k}. */
  static List<Example> examples(Model model, Model baseline, Interactions train, Interactions test, int users, int k) {
    int[] rank = popularityRank(train);
    RecommendOptions exclude = RecommendOptions.excludeSeen(train);
    Explainer explainer = Explainer.of(model);
    List<Example> out = new ArrayList<>();
    for (int u : sample(train, users)) {
      int[] held = u < test.numUsers() ? Arrays.copyOfRange(test.itemIdx(), test.userPtr()[u], test.userPtr()[u + 1])
          : new int[0];
      ScoredItems mine = Pipeline.recommender(model).recommend(u, k, exclude);
      ScoredItems theirs = Pipeline.recommender(baseline).recommend(u, k, exclude);
      Explanation[] why = explainer.explain(explainer.history(u, train), mine.items(), mine.scores(), BECAUSE);
      List<Shown> recommended = new ArrayList<>();
      for (int j = 0; j < why.length; j++) {
        List<Because> because = why[j].contributors().stream()
            .map(c -> new Because(model.itemIndex().externalId(c.item()), c.share())).toList();
        recommended.add(shown(model, mine.items()[j], rank, held, because));
      }
      out.add(new Example(model.userIndex().externalId(u), train.userDegree(u), held.length,
          shownAll(model, recent(train, u, HISTORY), rank, new int[0]), recommended,
          explainer.method().name().toLowerCase(Locale.ROOT), shownAll(model, theirs.items(), rank, held)));
    }
    return out;
  }

  /** The examples as text: per user a history line, one line per recommendation with its reason, the baseline's line. */
  static void print(List<Example> examples, String modelName, String baselineName, PrintWriter o) {
    for (Example e : examples) {
      o.printf(Locale.ROOT, "user %s: %d training interactions, %d held out%n", e.user(), e.training(), e.heldOut());
      o.println("  history (most recent " + e.history().size() + "): " + line(e.history()));
      o.println("  " + modelName + " (explanation: " + e.method() + "):");
      for (int j = 0; j < e.recommended().size(); j++) {
        Shown s = e.recommended().get(j);
        o.printf(Locale.ROOT, "    %d. %s%s%n", j + 1, text(s), s.because().isEmpty() ? "" : "  because of " + because(s));
      }
      o.printf(Locale.ROOT, "  %s: %s%n", baselineName, line(e.baseline()));
    }
  }

  /** The examples as a table in the report: one row per recommendation, with its reason. */
  static void addTo(HtmlReport page, List<Example> examples, String modelName, String baselineName) {
    page.heading("A few users: history, recommendations and why");
    List<List<String>> rows = new ArrayList<>();
    for (Example e : examples) {
      for (int j = 0; j < e.recommended().size(); j++) {
        Shown s = e.recommended().get(j);
        rows.add(List.of(j == 0 ? e.user() : "", j == 0 ? line(e.history()) : "", (j + 1) + ". " + text(s),
            because(s), j < e.baseline().size() ? text(e.baseline().get(j)) : ""));
      }
    }
    page.table(List.of("user", "history (most recent first)", modelName, "because of (share of the score)",
        baselineName), rows);
  }

  private static String because(Shown s) {
    return s.because().stream().map(b -> String.format(Locale.ROOT, "%s (%.0f%%)", b.item(), 100 * b.share()))
        .collect(Collectors.joining(", "));
  }

  private static Map<String, Object> json(Shown s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("item", s.item());
    m.put("popularity_rank", s.rank());
    m.put("hit", s.hit());
    if (!s.because().isEmpty()) {
      m.put("because", s.because().stream().map(b -> Map.of("item", b.item(), "share", b.share())).toList());
    }
    return m;
  }

  private static String line(List<Shown> items) {
    return items.stream().map(DemoUsers::text).collect(Collectors.joining(", "));
  }

  private static String text(Shown s) {
    return s.item() + " (#" + s.rank() + ")" + (s.hit() ? " [hit]" : "");
  }

  private static List<Shown> shownAll(Model model, int[] list, int[] rank, int[] held) {
    List<Shown> out = new ArrayList<>();
    for (int item : list) out.add(shown(model, item, rank, held, List.of()));
    return out;
  }

  private static Shown shown(Model model, int item, int[] rank, int[] held, List<Because> because) {
    return new Shown(model.itemIndex().externalId(item), rank[item] + 1, Arrays.stream(held).anyMatch(h -> h == item),
        because);
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
