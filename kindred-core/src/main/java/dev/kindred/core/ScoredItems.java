package dev.kindred.core;

/**
 * A ranked list: {@code items[r]} with {@code scores[r]}, best first. The arrays are owned by
 * this value.
 */
public record ScoredItems(int[] items, float[] scores) {

  public ScoredItems {
    if (items.length != scores.length) {
      throw new IllegalArgumentException("items and scores differ in length");
    }
  }

  public static final ScoredItems EMPTY = new ScoredItems(new int[0], new float[0]);

  public int size() {
    return items.length;
  }
}
