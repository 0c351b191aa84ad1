package dev.kindred.spark.als;

import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Gram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Factor blocks as Spark holds them: {@code (block id, float[numRows * k])}, row-major by local
 * index (global row {@code local * blocks + block}). Helpers to initialise, wrap, take one block's
 * Gram matrix and collect them.
 */
final class FactorBlocks {

  private FactorBlocks() {}

  /** A single-page matrix of {@code rows x k}; refuses blocks too large for one array. */
  static FactorMatrix matrix(int rows, int k) {
    if ((long) rows * k > FactorMatrix.MAX_PAGE_FLOATS) {
      throw new IllegalArgumentException("a block of " + rows + " rows x " + k + " factors exceeds "
          + FactorMatrix.MAX_PAGE_FLOATS + " floats; use more blocks");
    }
    return new FactorMatrix(rows, k);
  }

  /** A matrix holding a copy of {@code block}'s floats. */
  static FactorMatrix wrap(float[] block, int rows, int k) {
    if (block.length != rows * k) {
      throw new IllegalStateException("factor block holds " + block.length + " floats, expected " + rows + " x " + k);
    }
    FactorMatrix m = matrix(rows, k);
    System.arraycopy(block, 0, m.pageArray(0), 0, block.length);
    return m;
  }

  /**
   * Seeded Gaussian rows for data too large for {@link #singleMachineInit}: row {@code r} of side {@code side} draws from its own stream seeded by
   * {@code (seed, side, r)}, so the initial model does not depend on the block count; rows without
   * interactions start at zero (as on one machine).
   */
  static JavaPairRDD<Integer, float[]> init(JavaPairRDD<Integer, InBlock> in, int blocks, int k, float std, long seed,
      int side) {
    return in.mapPartitionsToPair(it -> {
      List<Tuple2<Integer, float[]>> out = new ArrayList<>(1);
      while (it.hasNext()) {
        Tuple2<Integer, InBlock> t = it.next();
        InBlock b = t._2();
        float[] f = new float[b.numRows * k];
        for (int l = 0; l < b.numRows; l++) {
          if (b.rowPtr[l + 1] == b.rowPtr[l]) {
            continue;
          }
          long row = (long) l * blocks + t._1();
          SplittableRandom rng = new SplittableRandom(mix(seed ^ mix(side * 0x9E3779B97F4A7C15L + row)));
          for (int c = 0; c < k; c++) {
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            f[l * k + c] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * std);
          }
        }
        out.add(new Tuple2<>(t._1(), f));
      }
      return out.iterator();
    }, true);
  }

  /**
   * The initial factors exactly as kindred-train's ALS trainers draw them (one seeded stream split
   * into a user and an item stream, {@link FactorMatrix#fillGaussian}), drawn on the driver and cut
   * into blocks: {@code 4 k (users + items)} bytes of driver memory, used only up to
   * {@link #DRIVER_INIT_MAX_FLOATS}. Rows without interactions are zeroed (as on one machine).
   */
  static JavaPairRDD<Integer, float[]>[] singleMachineInit(JavaSparkContext sc, JavaPairRDD<Integer, InBlock> userIn,
      JavaPairRDD<Integer, InBlock> itemIn, int numUsers, int numItems, int userBlocks, int itemBlocks, int k,
      float std, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FactorMatrix users = new FactorMatrix(numUsers, k);
    FactorMatrix items = new FactorMatrix(numItems, k);
    users.fillGaussian(rng.split(), std);
    items.fillGaussian(rng.split(), std);
    @SuppressWarnings("unchecked")
    JavaPairRDD<Integer, float[]>[] out = new JavaPairRDD[] {cut(sc, users, userIn, userBlocks),
        cut(sc, items, itemIn, itemBlocks)};
    return out;
  }

  /** Largest {@code (users + items) k} for which {@link #singleMachineInit} is used: 64 MiB. */
  static final long DRIVER_INIT_MAX_FLOATS = 1L << 24;

  private static JavaPairRDD<Integer, float[]> cut(JavaSparkContext sc, FactorMatrix m,
      JavaPairRDD<Integer, InBlock> in, int blocks) {
    int k = m.dim();
    List<Tuple2<Integer, float[]>> list = new ArrayList<>(blocks);
    for (int b = 0; b < blocks; b++) {
      int n = BlockRouting.rowsInBlock(m.rows(), blocks, b);
      float[] f = new float[n * k];
      for (int l = 0; l < n; l++) {
        m.copyRow(l * blocks + b, f, l * k);
      }
      list.add(new Tuple2<>(b, f));
    }
    return sc.parallelizePairs(list, blocks).partitionBy(new HashPartitioner(blocks)).join(in)
        .mapValues(t -> {
          float[] f = t._1();
          InBlock b = t._2();
          for (int l = 0; l < b.numRows; l++) {
            if (b.rowPtr[l + 1] == b.rowPtr[l]) {
              java.util.Arrays.fill(f, l * k, (l + 1) * k, 0f);
            }
          }
          return f;
        });
  }

  /** {@code F_b^T F_b} of one block ({@code k^2} floats, both triangles). */
  static float[] partialGram(float[] block, int k) {
    float[] g = new float[k * k];
    Gram.compute(wrap(block, block.length / k, k), 0, block.length / k, g);
    return g;
  }

  /** Collects every block to the driver as one {@code rows x k} matrix; missing blocks stay zero. */
  static FactorMatrix collect(JavaPairRDD<Integer, float[]> factors, int rows, int blocks, int k) {
    FactorMatrix m = new FactorMatrix(rows, k);
    for (Map.Entry<Integer, float[]> e : factors.collectAsMap().entrySet()) {
      int b = e.getKey();
      float[] f = e.getValue();
      int n = BlockRouting.rowsInBlock(rows, blocks, b);
      if (f.length != n * k) {
        throw new IllegalStateException("block " + b + " holds " + f.length + " floats, expected " + n * k);
      }
      for (int l = 0; l < n; l++) {
        m.setRow(l * blocks + b, f, l * k);
      }
    }
    return m;
  }

  static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
    x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
    return x ^ (x >>> 31);
  }
}
