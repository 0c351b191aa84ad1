package dev.kindred.spark.als;

import dev.kindred.spark.InteractionChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Builds the routing of one half-step direction: the {@link InBlock}s of the side being solved and
 * the {@link OutBlock}s of the side held fixed, from the encoded interactions (the in/out-block
 * design of Spark MLlib ALS's {@code makeBlocks}, here keyed by integer block ids with the
 * partition of block {@code b} being {@code b}).
 *
 * <p>Cost: one shuffle of the interactions (12 bytes each) keyed by destination block, a sort of
 * each block's {@code (source block, source local)} keys ({@code nnz log nnz} per block) and one
 * small shuffle of the out-block lists (4 bytes per shipped row). Called twice per fit (users as
 * destination, then items); the results are cached at the fit's storage level.
 */
final class BlockRouting {

  private BlockRouting() {}

  /**
   * Everything one half-step direction needs: the in-blocks of the side being solved and the
   * out-blocks of the side held fixed (e.g. for the user half-step, user in-blocks and item
   * out-blocks).
   */
  record Routing(JavaPairRDD<Integer, InBlock> in, JavaPairRDD<Integer, OutBlock> out) {}

  /** Rows of a side with {@code n} rows that fall into block {@code b} of {@code blocks}. */
  static int rowsInBlock(int n, int blocks, int b) {
    return b >= n ? 0 : (n - b + blocks - 1) / blocks;
  }

  /**
   * @param usersAreDst true to route for the user half-step (users solved against item factors)
   */
  static Routing build(JavaRDD<InteractionChunk> chunks, boolean usersAreDst, int numDst, int dstBlocks, int numSrc,
      int srcBlocks, StorageLevel level) {
    HashPartitioner dstPart = new HashPartitioner(dstBlocks);
    HashPartitioner srcPart = new HashPartitioner(srcBlocks);
    JavaPairRDD<Integer, InteractionChunk> pieces = chunks.flatMapToPair(c -> split(c, usersAreDst, dstBlocks).iterator());
    JavaPairRDD<Integer, InBlock> in = pieces.groupByKey(dstPart)
        .mapPartitionsToPair(it -> {
          List<Tuple2<Integer, InBlock>> out = new ArrayList<>(1);
          while (it.hasNext()) {
            Tuple2<Integer, Iterable<InteractionChunk>> t = it.next();
            out.add(new Tuple2<>(t._1(), inBlock(t._1(), t._2(), numDst, dstBlocks, srcBlocks)));
          }
          return out.iterator();
        }, true)
        .persist(level);
    JavaPairRDD<Integer, OutBlock> out = in.flatMapToPair(t -> lists(t._1(), t._2()).iterator())
        .groupByKey(srcPart)
        .mapPartitionsToPair(it -> {
          List<Tuple2<Integer, OutBlock>> res = new ArrayList<>(1);
          while (it.hasNext()) {
            Tuple2<Integer, Iterable<Tuple2<Integer, int[]>>> t = it.next();
            res.add(new Tuple2<>(t._1(), outBlock(t._1(), t._2(), numSrc, srcBlocks, dstBlocks)));
          }
          return res.iterator();
        }, true)
        .persist(level);
    return new Routing(in, out);
  }

  /** Splits a chunk by destination block; each piece holds (dst global, src global, value). */
  static List<Tuple2<Integer, InteractionChunk>> split(InteractionChunk c, boolean usersAreDst, int dstBlocks) {
    int n = c.size();
    int[] count = new int[dstBlocks];
    for (int j = 0; j < n; j++) {
      count[(usersAreDst ? c.user(j) : c.item(j)) % dstBlocks]++;
    }
    int[][] d = new int[dstBlocks][];
    int[][] s = new int[dstBlocks][];
    float[][] v = new float[dstBlocks][];
    for (int a = 0; a < dstBlocks; a++) {
      d[a] = new int[count[a]];
      s[a] = new int[count[a]];
      v[a] = new float[count[a]];
    }
    int[] fill = new int[dstBlocks];
    for (int j = 0; j < n; j++) {
      int dst = usersAreDst ? c.user(j) : c.item(j);
      int src = usersAreDst ? c.item(j) : c.user(j);
      int a = dst % dstBlocks;
      int p = fill[a]++;
      d[a][p] = dst;
      s[a][p] = src;
      v[a][p] = c.value(j);
    }
    List<Tuple2<Integer, InteractionChunk>> out = new ArrayList<>();
    for (int a = 0; a < dstBlocks; a++) {
      if (count[a] > 0) {
        out.add(new Tuple2<>(a, new InteractionChunk(d[a], s[a], v[a], null)));
      }
    }
    return out;
  }

  /** Packs destination block {@code a}'s pieces (user field = dst global, item field = src global). */
  static InBlock inBlock(int a, Iterable<InteractionChunk> pieces, int numDst, int dstBlocks, int srcBlocks) {
    int n = 0;
    for (InteractionChunk c : pieces) {
      n += c.size();
    }
    int numRows = rowsInBlock(numDst, dstBlocks, a);
    int[] rows = new int[n];
    long[] keys = new long[n];
    float[] vals = new float[n];
    int at = 0;
    for (InteractionChunk c : pieces) {
      for (int j = 0; j < c.size(); j++, at++) {
        int dst = c.user(j);
        int src = c.item(j);
        if (dst % dstBlocks != a) {
          throw new IllegalStateException("destination " + dst + " routed to block " + a + " of " + dstBlocks);
        }
        rows[at] = dst / dstBlocks;
        keys[at] = (long) (src % srcBlocks) << 32 | (src / srcBlocks);
        vals[at] = c.value(j);
      }
    }
    long[] uniq = keys.clone();
    Arrays.sort(uniq);
    int g = 0;
    for (int j = 0; j < n; j++) {
      if (j == 0 || uniq[j] != uniq[j - 1]) {
        uniq[g++] = uniq[j];
      }
    }
    uniq = Arrays.copyOf(uniq, g);
    int[] srcBlockPtr = new int[srcBlocks + 1];
    int[] srcLocal = new int[g];
    for (int p = 0; p < g; p++) {
      srcBlockPtr[(int) (uniq[p] >>> 32) + 1]++;
      srcLocal[p] = (int) uniq[p];
    }
    for (int b = 0; b < srcBlocks; b++) {
      srcBlockPtr[b + 1] += srcBlockPtr[b];
    }
    int[] rowPtr = new int[numRows + 1];
    for (int j = 0; j < n; j++) {
      rowPtr[rows[j] + 1]++;
    }
    for (int r = 0; r < numRows; r++) {
      rowPtr[r + 1] += rowPtr[r];
    }
    // Entry = (gathered position << 32 | value bits): sorting a row's longs sorts it by position.
    long[] packed = new long[n];
    int[] fill = Arrays.copyOf(rowPtr, numRows);
    for (int j = 0; j < n; j++) {
      int col = Arrays.binarySearch(uniq, keys[j]);
      packed[fill[rows[j]]++] = (long) col << 32 | (Float.floatToRawIntBits(vals[j]) & 0xFFFFFFFFL);
    }
    int[] cols = new int[n];
    float[] values = new float[n];
    for (int r = 0; r < numRows; r++) {
      Arrays.sort(packed, rowPtr[r], rowPtr[r + 1]);
      for (int j = rowPtr[r]; j < rowPtr[r + 1]; j++) {
        cols[j] = (int) (packed[j] >>> 32);
        values[j] = Float.intBitsToFloat((int) packed[j]);
      }
    }
    return new InBlock(numRows, srcBlockPtr, srcLocal, rowPtr, cols, values);
  }

  /** (source block, (destination block, the locals it needs from that source block)) for each source block. */
  static List<Tuple2<Integer, Tuple2<Integer, int[]>>> lists(int a, InBlock in) {
    List<Tuple2<Integer, Tuple2<Integer, int[]>>> out = new ArrayList<>();
    for (int b = 0; b < in.numSrcBlocks(); b++) {
      if (in.srcBlockPtr[b + 1] > in.srcBlockPtr[b]) {
        out.add(new Tuple2<>(b, new Tuple2<>(a, Arrays.copyOfRange(in.srcLocal, in.srcBlockPtr[b], in.srcBlockPtr[b + 1]))));
      }
    }
    return out;
  }

  static OutBlock outBlock(int b, Iterable<Tuple2<Integer, int[]>> lists, int numSrc, int srcBlocks, int dstBlocks) {
    int[][] locals = new int[dstBlocks][];
    for (Tuple2<Integer, int[]> t : lists) {
      locals[t._1()] = t._2();
    }
    for (int a = 0; a < dstBlocks; a++) {
      if (locals[a] == null) {
        locals[a] = new int[0];
      }
    }
    return new OutBlock(rowsInBlock(numSrc, srcBlocks, b), locals);
  }
}
