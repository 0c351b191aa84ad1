package dev.kindred.train.hybrid;

/**
 * One side's hybrid parameters with their AdaGrad state as plain arrays, for a trainer that keeps
 * them outside {@link HybridTrainer} (kindred-spark ships them to executors and sums the rows a
 * partition changed). Layout, checked in the constructor:
 * <ol>
 *   <li>feature {@code f}'s embedding is {@code emb[f k, (f + 1) k)} and its bias {@code bias[f]};
 *   <li>{@code acc} has {@code emb}'s layout and {@code biasAcc} {@code bias}'s: the sums of squared
 *       gradients of AdaGrad (LightFM's order: from 1, the rate taken before the accumulation);
 *   <li>{@code emb.length == acc.length == bias.length * k}.
 * </ol>
 * The arrays are shared, not copied: whoever holds the record may step them.
 *
 * @param k embedding dimension
 * @param emb embeddings, one row of {@code k} per feature
 * @param bias one bias per feature
 * @param acc AdaGrad state of {@code emb}
 * @param biasAcc AdaGrad state of {@code bias}
 */
public record HybridTable(int k, float[] emb, float[] bias, float[] acc, float[] biasAcc) {

  public HybridTable {
    if (k <= 0 || emb.length != (long) bias.length * k || acc.length != emb.length || biasAcc.length != bias.length) {
      throw new IllegalStateException("HybridTable: " + bias.length + " features of " + k + " but " + emb.length
          + " embedding, " + acc.length + " state, " + biasAcc.length + " bias-state floats");
    }
  }

  /** Feature rows. */
  public int features() {
    return bias.length;
  }
}
