package dev.kindred.bench.serve;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ids a load run draws from: the distinct users and items of an interactions file, and a
 * user sampler that is Zipf (rank r drawn with probability proportional to {@code 1 / r^s}) over a
 * seeded shuffle of the users, or uniform when {@code s = 0}.
 *
 * <p>Immutable and thread-safe; callers pass their own {@link SplittableRandom}.
 */
final class Workload {

  private final String[] users;
  private final String[] items;
  private final double[] cdf; // cumulative Zipf probabilities by rank; null for uniform

  private Workload(String[] users, String[] items, double zipfExponent, long seed) {
    if (users.length == 0) throw new IllegalArgumentException("no users to draw from");
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = users.length - 1; i > 0; i--) { // hot users are a random set, not the lowest ids
      int j = rng.nextInt(i + 1);
      String t = users[i];
      users[i] = users[j];
      users[j] = t;
    }
    this.users = users;
    this.items = items;
    if (zipfExponent == 0) {
      this.cdf = null;
    } else {
      cdf = new double[users.length];
      double sum = 0;
      for (int r = 0; r < users.length; r++) cdf[r] = sum += 1.0 / Math.pow(r + 1, zipfExponent);
      for (int r = 0; r < users.length; r++) cdf[r] /= sum;
    }
  }

  /** Reads user (first field) and item (second field) ids from a tab-, comma- or space-separated file. */
  static Workload read(Path file, double zipfExponent, long seed) throws IOException {
    LinkedHashSet<String> users = new LinkedHashSet<>();
    LinkedHashSet<String> items = new LinkedHashSet<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank() || line.startsWith("#")) continue;
        String[] f = line.split("[\t, ]+", 3);
        if (f.length < 2) throw new IllegalArgumentException(file + ":" + n + ": expected user and item fields, got '" + line + "'");
        users.add(f[0]);
        items.add(f[1]);
      }
    }
    return new Workload(users.toArray(String[]::new), items.toArray(String[]::new), zipfExponent, seed);
  }

  /** A workload with no ids (for the trivial endpoint). */
  static Workload none() {
    return new Workload(new String[] {""}, new String[0], 0, 0);
  }

  String user(SplittableRandom rng) {
    if (cdf == null) return users[rng.nextInt(users.length)];
    int r = java.util.Arrays.binarySearch(cdf, rng.nextDouble());
    return users[Math.min(r < 0 ? -r - 1 : r, users.length - 1)];
  }

  String item(SplittableRandom rng) {
    if (items.length == 0) throw new IllegalStateException("the users file named no items");
    return items[rng.nextInt(items.length)];
  }

  /** {@code n} distinct users drawn uniformly without replacement (all of them if fewer). */
  List<String> distinctUsers(int n, SplittableRandom rng) {
    List<String> out = new ArrayList<>();
    int m = users.length;
    for (int i = 0; i < m && out.size() < n; i++) {
      if (rng.nextInt(m - i) < n - out.size()) out.add(users[i]); // selection sampling (Knuth's algorithm S)
    }
    return out;
  }

  int numUsers() {
    return users.length;
  }

  int numItems() {
    return items.length;
  }
}
