package dev.kindred.data.parquet;

import dev.kindred.core.Interactions;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.NamedColumns;
import dev.kindred.data.ReadOptions;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Read speed of the same generated data as TSV and as Parquet, side by side in one JVM (not a unit
 * test: run by hand, see docs/benchmarks.md). Arguments: directory, rows (default 10,000,000),
 * repetitions (5), threads (2). Generates {@code gen-ROWS.tsv} and {@code gen-ROWS.parquet} there
 * when missing, then alternates TSV and Parquet reads, each after a full collection with the other's
 * result dropped, and prints the median and best wall times and the median process CPU time of each.
 */
public final class ParquetReadBenchmark {

  private ParquetReadBenchmark() {}

  /** CPU time of the whole process (all threads, GC included): robust to other jobs on a shared machine. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 10_000_000L;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    SyntheticGenerator g = new SyntheticGenerator(SyntheticConfig.of((int) (rows / 50), (int) Math.max(100, rows / 200),
        rows, 1));
    Path tsv = dir.resolve("gen-" + rows + ".tsv");
    Path parquet = dir.resolve("gen-" + rows + ".parquet");
    if (!Files.exists(tsv)) {
      g.generate(tsv);
    }
    if (!Files.exists(parquet)) {
      long t0 = System.nanoTime();
      ParquetInteractionWriter.writeGenerated(g, parquet);
      System.out.printf(Locale.ROOT, "wrote parquet in %.2f s%n", (System.nanoTime() - t0) / 1e9);
    }
    System.out.printf(Locale.ROOT, "rows %d, threads %d; tsv %.1f MB, parquet %.1f MB%n", rows, threads,
        Files.size(tsv) / 1e6, Files.size(parquet) / 1e6);
    ReadOptions opts = ReadOptions.DEFAULTS.withThreads(threads);
    double[] tsvSeconds = new double[reps];
    double[] parquetSeconds = new double[reps];
    double[] tsvCpu = new double[reps];
    double[] parquetCpu = new double[reps];
    long tsvPrint = 0;
    long parquetPrint = 0;
    for (int r = 0; r < reps; r++) {
      // Each read starts from a collected heap with the other reader's result dropped, so neither
      // pays for collecting or copying what the other left behind.
      System.gc();
      long c0 = cpuNanos();
      long t0 = System.nanoTime();
      Interactions a = InteractionReader.read(tsv, InteractionFormat.TSV, opts).data();
      long t1 = System.nanoTime();
      long c1 = cpuNanos();
      tsvPrint = a.fingerprint();
      a = null;
      System.gc();
      long c2 = cpuNanos();
      long t2 = System.nanoTime();
      Interactions b = ParquetInteractionReader.read(parquet, NamedColumns.DEFAULTS, opts).data();
      long t3 = System.nanoTime();
      long c3 = cpuNanos();
      parquetPrint = b.fingerprint();
      tsvSeconds[r] = (t1 - t0) / 1e9;
      parquetSeconds[r] = (t3 - t2) / 1e9;
      tsvCpu[r] = (c1 - c0) / 1e9;
      parquetCpu[r] = (c3 - c2) / 1e9;
      System.out.printf(Locale.ROOT, "rep %d: tsv %.3f s (cpu %.3f s), parquet %.3f s (cpu %.3f s)%n", r, tsvSeconds[r],
          tsvCpu[r], parquetSeconds[r], parquetCpu[r]);
    }
    Arrays.sort(tsvSeconds);
    Arrays.sort(parquetSeconds);
    Arrays.sort(tsvCpu);
    Arrays.sort(parquetCpu);
    System.out.printf(Locale.ROOT, "median cpu: tsv %.3f s, parquet %.3f s (parquet/tsv %.2f)%n", tsvCpu[reps / 2],
        parquetCpu[reps / 2], parquetCpu[reps / 2] / tsvCpu[reps / 2]);
    System.out.printf(Locale.ROOT, "median: tsv %.3f s, parquet %.3f s (parquet/tsv %.2f); best: tsv %.3f s, parquet %.3f s;"
        + " same data: %b%n", tsvSeconds[reps / 2], parquetSeconds[reps / 2], parquetSeconds[reps / 2] / tsvSeconds[reps / 2],
        tsvSeconds[0], parquetSeconds[0], tsvPrint == parquetPrint);
  }
}
