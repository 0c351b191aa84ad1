package dev.kindred.spark.sgd;

import dev.kindred.spark.InteractionChunk;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;

/**
 * One pass over the encoded interactions: count, mean, range and which users and items occur (bitsets of {@code numUsers / 8} and {@code numItems / 8} bytes).
 * Mutable only while it is being aggregated.
 */
final class DataSummary implements Serializable {

  private static final long serialVersionUID = 1L;

  long count;
  double sum;
  float min = Float.POSITIVE_INFINITY;
  float max = Float.NEGATIVE_INFINITY;
  final long[] userSeen;
  final long[] itemSeen;

  private DataSummary(int numUsers, int numItems) {
    userSeen = new long[(numUsers + 63) >>> 6];
    itemSeen = new long[(numItems + 63) >>> 6];
  }

  static DataSummary of(JavaRDD<InteractionChunk> chunks, int numUsers, int numItems, int depth) {
    return chunks.treeAggregate(new DataSummary(numUsers, numItems), DataSummary::add, DataSummary::merge, depth);
  }

  private DataSummary add(InteractionChunk c) {
    for (int j = 0; j < c.size(); j++) {
      int u = c.user(j);
      int i = c.item(j);
      float v = c.value(j);
      count++;
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      userSeen[u >>> 6] |= 1L << u;
      itemSeen[i >>> 6] |= 1L << i;
    }
    return this;
  }

  private DataSummary merge(DataSummary o) {
    count += o.count;
    sum += o.sum;
    min = Math.min(min, o.min);
    max = Math.max(max, o.max);
    for (int w = 0; w < userSeen.length; w++) userSeen[w] |= o.userSeen[w];
    for (int w = 0; w < itemSeen.length; w++) itemSeen[w] |= o.itemSeen[w];
    return this;
  }

  double mean() {
    return count == 0 ? 0 : sum / count;
  }

  boolean userSeen(int u) {
    return (userSeen[u >>> 6] & (1L << u)) != 0;
  }

  boolean itemSeen(int i) {
    return (itemSeen[i >>> 6] & (1L << i)) != 0;
  }
}
