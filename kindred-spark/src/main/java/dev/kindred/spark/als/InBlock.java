package dev.kindred.spark.als;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One destination block's interactions, packed so that a half-step can gather the factor rows it
 * receives from every source block into one matrix and solve each local row against it with
 * kindred-math's {@code NormalEquations}. The counterpart of Spark MLlib ALS's {@code InBlock},
 * with the source side already resolved to positions in the gathered matrix.
 *
 * <p>Naming: destination rows are the side being solved (users in the user half-step); a global
 * destination index {@code d} lives in block {@code d mod numDstBlocks} at local index
 * {@code d / numDstBlocks}; likewise for sources.
 *
 * <p>Layout invariants (checked in the constructor):
 * <ol>
 *   <li>{@code srcBlockPtr} has {@code numSrcBlocks + 1} entries, non-decreasing from 0 to
 *       {@code gathered = srcLocal.length}; the gathered rows received from source block {@code b}
 *       occupy positions {@code [srcBlockPtr[b], srcBlockPtr[b+1])}.
 *   <li>Within source block {@code b}'s range, {@code srcLocal} (the rows' local indices in block
 *       {@code b}) is strictly increasing: exactly the order of block {@code b}'s out-block list
 *       for this block, so a received message is copied as one contiguous run.
 *   <li>{@code rowPtr} has {@code numRows + 1} entries, non-decreasing from 0 to {@code nnz}; local row
 *       {@code r}'s entries are {@code [rowPtr[r], rowPtr[r+1])}.
 *   <li>{@code cols[j]} is a gathered position in {@code [0, gathered)}, strictly increasing within a
 *       row (no duplicate pairs); {@code values} runs parallel to {@code cols}.
 *   <li>Every gathered position is used by at least one entry (only needed rows are shipped).
 * </ol>
 * Memory: {@code 8 nnz + 4 (numRows + gathered + numSrcBlocks)} bytes. Immutable.
 */
final class InBlock implements Serializable {

  private static final long serialVersionUID = 1L;

  final int numRows;
  final int[] srcBlockPtr;
  final int[] srcLocal;
  final int[] rowPtr;
  final int[] cols;
  final float[] values;

  InBlock(int numRows, int[] srcBlockPtr, int[] srcLocal, int[] rowPtr, int[] cols, float[] values) {
    this.numRows = numRows;
    this.srcBlockPtr = srcBlockPtr;
    this.srcLocal = srcLocal;
    this.rowPtr = rowPtr;
    this.cols = cols;
    this.values = values;
    checkInvariants();
  }

  int gathered() {
    return srcLocal.length;
  }

  int numSrcBlocks() {
    return srcBlockPtr.length - 1;
  }

  int nnz() {
    return cols.length;
  }

  private void checkInvariants() {
    int g = srcLocal.length;
    if (srcBlockPtr.length < 2 || srcBlockPtr[0] != 0 || srcBlockPtr[srcBlockPtr.length - 1] != g) {
      throw new IllegalStateException("InBlock invariant 1: srcBlockPtr must run from 0 to " + g + ", got "
          + Arrays.toString(Arrays.copyOf(srcBlockPtr, Math.min(8, srcBlockPtr.length))));
    }
    for (int b = 0; b + 1 < srcBlockPtr.length; b++) {
      if (srcBlockPtr[b + 1] < srcBlockPtr[b]) {
        throw new IllegalStateException("InBlock invariant 1: srcBlockPtr decreases at source block " + b);
      }
      for (int p = srcBlockPtr[b] + 1; p < srcBlockPtr[b + 1]; p++) {
        if (srcLocal[p] <= srcLocal[p - 1]) {
          throw new IllegalStateException("InBlock invariant 2: source locals of block " + b
              + " not increasing at position " + p);
        }
      }
    }
    if (rowPtr.length != numRows + 1 || rowPtr[0] != 0 || rowPtr[numRows] != cols.length
        || values.length != cols.length) {
      throw new IllegalStateException("InBlock invariant 3: rowPtr must have " + (numRows + 1)
          + " entries from 0 to nnz " + cols.length + " and values must be parallel to cols");
    }
    boolean[] used = new boolean[g];
    for (int r = 0; r < numRows; r++) {
      if (rowPtr[r + 1] < rowPtr[r]) {
        throw new IllegalStateException("InBlock invariant 3: rowPtr decreases at row " + r);
      }
      int prev = -1;
      for (int j = rowPtr[r]; j < rowPtr[r + 1]; j++) {
        int c = cols[j];
        if (c <= prev || c >= g) {
          throw new IllegalStateException("InBlock invariant 4: row " + r + " has column " + c + " after " + prev
              + " (gathered " + g + ")");
        }
        used[c] = true;
        prev = c;
      }
    }
    for (int p = 0; p < g; p++) {
      if (!used[p]) {
        throw new IllegalStateException("InBlock invariant 5: gathered position " + p + " is never used");
      }
    }
  }
}
