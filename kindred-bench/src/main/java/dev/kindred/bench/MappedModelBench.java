package dev.kindred.bench;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import dev.kindred.core.Provenance;
import dev.kindred.core.RecommendOptions;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.FactorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Large memory-mapped models: writes a random latent-factor model of any size straight through
 * {@link ModelFile} (user rows generated on the fly, so the writer needs no heap for them), or
 * opens one in a fresh JVM and times the open and single-user top-10 requests over the mapping.
 *
 * <p>Usage: {@code MappedModelBench --mode write --out FILE --users N --items M --dim K
 * [--precision fp32|bf16|fp16] [--seed 1]} then {@code MappedModelBench --mode open --model FILE
 * [--queries 2000] [--seed 7] [--verify at-open|deferred]}. Open prints the wall time of
 * {@code ModelFile.open} (at-open verifies every section's CRC32C and scans the factors for
 * non-finite values first; deferred leaves that to a background thread, as {@code kindred serve}
 * does, and the time it finished is printed last), the heap in use
 * after it, the first request's latency (pages touched for the first time) and then the
 * p50 / p99 / max latency of {@code --queries} requests for random users, each a full scan of the
 * item factors (exact top-10, nothing excluded), plus the first batched call
 * ({@link FactorRecommender#recommendVectors}, which packs the item panels on the heap).
 */
public final class MappedModelBench {

  private MappedModelBench() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> f = GraphFilterGowalla.flags(args);
    switch (f.getOrDefault("mode", "")) {
      case "write" -> write(f);
      case "open" -> open(f);
      default -> throw new IllegalArgumentException("--mode write or --mode open");
    }
  }

  /** Rows of N(0, 0.1^2) factors from a per-row seed: reproducible, and never all on the heap. */
  record RandomRows(int rows, int dim, long seed) implements FactorStore {
    @Override
    public FactorPrecision precision() {
      return FactorPrecision.FP32;
    }

    @Override
    public void copyRow(int r, float[] dst, int dstOff) {
      SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + r);
      for (int c = 0; c < dim; c++) {
        dst[dstOff + c] = (float) (Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble()) * 0.1);
      }
    }

    @Override
    public float dot(int r, float[] x, int xo) {
      throw new UnsupportedOperationException("write-only generator");
    }

    @Override
    public void scoreRows(int from, int count, float[] x, int xo, float[] out, int oo) {
      throw new UnsupportedOperationException("write-only generator");
    }

    @Override
    public int firstNonFiniteRow() {
      return -1;
    }

    @Override
    public FactorMatrix toHeap() {
      throw new UnsupportedOperationException("write-only generator");
    }
  }

  private static void write(Map<String, String> f) throws IOException {
    int users = Integer.parseInt(f.get("users"));
    int items = Integer.parseInt(f.get("items"));
    int dim = Integer.parseInt(f.get("dim"));
    long seed = Long.parseLong(f.getOrDefault("seed", "1"));
    FactorPrecision precision = FactorPrecision.parse(f.getOrDefault("precision", "fp32"));
    Path out = Path.of(f.get("out"));
    FactorMatrix q = new FactorMatrix(items, dim);
    q.fillGaussian(new SplittableRandom(seed), 0.1f);
    Provenance prov = Provenance.builder("generated").seed(seed).size(users, items, 0).build();
    LatentFactorModel model = new LatentFactorModel(prov, IdIndex.identity(users), IdIndex.identity(items), 0f,
        null, null, new RandomRows(users, dim, seed), q);
    long t0 = System.nanoTime();
    ModelFile.write(model, out, precision);
    System.out.printf(Locale.ROOT, "wrote %s: %,d users x %,d items x %d %s, %,d bytes in %.1f s%n", out, users, items,
        dim, precision.label(), Files.size(out), (System.nanoTime() - t0) / 1e9);
  }

  private static void open(Map<String, String> f) throws IOException {
    Path file = Path.of(f.get("model"));
    int queries = Integer.parseInt(f.getOrDefault("queries", "2000"));
    SplittableRandom rng = new SplittableRandom(Long.parseLong(f.getOrDefault("seed", "7")));
    ModelFile.Verification verification = "deferred".equals(f.get("verify"))
        ? ModelFile.Verification.DEFERRED : ModelFile.Verification.AT_OPEN;
    long t0 = System.nanoTime();
    ModelFile.Opened handle = ModelFile.open(file, verification);
    LatentFactorModel model = (LatentFactorModel) handle.model();
    long opened = System.nanoTime();
    System.gc();
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "opened %s (%,d bytes, %,d users x %,d items x %d %s, verification %s) in %.0f ms;"
        + " heap in use %.0f MB%n", file, Files.size(file), model.numUsers(), model.numItems(), model.dim(),
        model.itemStore().precision().label(), verification, (opened - t0) / 1e6, (rt.totalMemory() - rt.freeMemory()) / 1e6);
    FactorRecommender rec = new FactorRecommender(model);
    long[] nanos = new long[queries];
    for (int j = 0; j < queries; j++) {
      int user = rng.nextInt(model.numUsers());
      long s = System.nanoTime();
      rec.recommend(user, 10, RecommendOptions.ALL);
      nanos[j] = System.nanoTime() - s;
      if (j == 0) System.out.printf(Locale.ROOT, "first top-10: %.2f ms%n", nanos[0] / 1e6);
    }
    long[] sorted = Arrays.copyOfRange(nanos, Math.min(queries, 100), queries); // after 100 warm-up requests
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "single-user top-10 over the mapping (%d requests after 100 warm-up): p50 %.2f ms"
        + "  p99 %.2f ms  max %.2f ms%n", sorted.length, pct(sorted, 0.5), pct(sorted, 0.99),
        sorted[sorted.length - 1] / 1e6);
    FactorRecommender.Query[] batch = new FactorRecommender.Query[8];
    for (int j = 0; j < batch.length; j++) batch[j] = rec.queryForUser(rng.nextInt(model.numUsers()), 10, RecommendOptions.ALL);
    long b0 = System.nanoTime();
    rec.recommendVectors(batch, batch.length);
    long b1 = System.nanoTime();
    rec.recommendVectors(batch, batch.length);
    long b2 = System.nanoTime();
    System.out.printf(Locale.ROOT, "batched top-10 of 8 users: first call %.0f ms (packs item panels on the heap),"
        + " second %.2f ms; peak heap %.0f MB%n", (b1 - b0) / 1e6, (b2 - b1) / 1e6, GraphFilterGowalla.peakHeap() / 1e6);
    handle.verified().join();
    System.out.printf(Locale.ROOT, "every section verified %.0f ms after the open started%n", (System.nanoTime() - t0) / 1e6);
  }

  private static double pct(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
  }
}
