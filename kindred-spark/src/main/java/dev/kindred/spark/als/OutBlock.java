package dev.kindred.spark.als;

import java.io.Serializable;

/**
 * Which of a source block's factor rows each destination block needs: {@code locals[a]} lists, in
 * increasing order, the local indices of the rows that destination block {@code a} has
 * interactions with (empty when none). A half-step ships block {@code a} exactly those rows, in
 * that order, which is the order of {@link InBlock}'s gathered range for this block.
 *
 * <p>Invariants (checked in the constructor): one (possibly empty) list per destination block,
 * each strictly increasing and within {@code [0, numRows)}. Immutable.
 */
final class OutBlock implements Serializable {

  private static final long serialVersionUID = 1L;

  final int numRows;
  final int[][] locals;

  OutBlock(int numRows, int[][] locals) {
    this.numRows = numRows;
    this.locals = locals;
    for (int a = 0; a < locals.length; a++) {
      int[] l = locals[a];
      if (l == null) {
        throw new IllegalStateException("OutBlock: no list for destination block " + a);
      }
      for (int j = 0; j < l.length; j++) {
        if (l[j] < 0 || l[j] >= numRows || (j > 0 && l[j] <= l[j - 1])) {
          throw new IllegalStateException("OutBlock: list for destination block " + a + " not increasing within [0, "
              + numRows + ") at " + j);
        }
      }
    }
  }

  /** Rows shipped per half-step, summed over destination blocks. */
  long shippedRows() {
    long n = 0;
    for (int[] l : locals) {
      n += l.length;
    }
    return n;
  }
}
