package dev.kindred.math;

import java.util.Objects;

/**
 * Immutable sparse float matrix in compressed sparse row (CSR) form: the operand of
 * {@link SparseKernels}. Safe to share between threads.
 *
 * <p>Layout invariants (checked in the constructor, O(rows + nnz)):
 * <ol>
 *   <li>{@code rows >= 0} and {@code cols >= 0}.
 *   <li>{@code rowPtr} has {@code rows + 1} entries, non-decreasing from {@code 0} to {@code nnz};
 *       row {@code r}'s entries are positions {@code rowPtr[r] .. rowPtr[r+1])}.
 *   <li>{@code colIdx} and {@code values} both have {@code nnz} entries and run parallel.
 *   <li>Within a row, column indices are strictly increasing (sorted, no duplicates) and in
 *       {@code [0, cols)}.
 *   <li>Every value is finite.
 * </ol>
 * The arrays are taken without copying and handed out without copying by the accessors: callers
 * must not modify them, before or after construction. Counts are {@code int}: up to 2^31 - 1
 * stored entries.
 */
public final class CsrMatrix {

  private final int rows;
  private final int cols;
  private final int[] rowPtr;
  private final int[] colIdx;
  private final float[] values;

  /** Takes the arrays without copying; see the class invariants. */
  public CsrMatrix(int rows, int cols, int[] rowPtr, int[] colIdx, float[] values) {
    this.rows = rows;
    this.cols = cols;
    this.rowPtr = Objects.requireNonNull(rowPtr, "rowPtr");
    this.colIdx = Objects.requireNonNull(colIdx, "colIdx");
    this.values = Objects.requireNonNull(values, "values");
    checkInvariants();
  }

  private void checkInvariants() {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("invariant 1: negative shape " + rows + " x " + cols);
    }
    if (rowPtr.length != rows + 1) {
      throw new IllegalArgumentException(
          "invariant 2: rowPtr must have rows + 1 = " + (rows + 1) + " entries, got " + rowPtr.length);
    }
    int nnz = colIdx.length;
    if (values.length != nnz) {
      throw new IllegalArgumentException(
          "invariant 3: colIdx and values must be parallel, got " + nnz + " and " + values.length + " entries");
    }
    if (rowPtr[0] != 0 || rowPtr[rows] != nnz) {
      throw new IllegalArgumentException("invariant 2: rowPtr must run from 0 to nnz = " + nnz + ", got "
          + rowPtr[0] + " .. " + rowPtr[rows]);
    }
    // All pointers before any index: a pointer past nnz followed by a decrease must not index colIdx.
    for (int r = 0; r < rows; r++) {
      if (rowPtr[r + 1] < rowPtr[r]) {
        throw new IllegalArgumentException(
            "invariant 2: rowPtr decreases at row " + r + ": " + rowPtr[r] + " then " + rowPtr[r + 1]);
      }
    }
    for (int r = 0; r < rows; r++) {
      int prev = -1;
      for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
        int c = colIdx[p];
        if (c <= prev || c >= cols) {
          throw new IllegalArgumentException("invariant 4: row " + r + " position " + p
              + ": column indices must be increasing and in [0, " + cols + "), got " + c + " after " + prev);
        }
        if (!Float.isFinite(values[p])) {
          throw new IllegalArgumentException(
              "invariant 5: row " + r + " column " + c + " (position " + p + "): value " + values[p] + " is not finite");
        }
        prev = c;
      }
    }
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** Number of stored entries. */
  public int nnz() {
    return colIdx.length;
  }

  /** Row pointers ({@code rows + 1} entries). The array itself: callers must not modify it. */
  public int[] rowPtr() {
    return rowPtr;
  }

  /** Column index of each stored entry. The array itself: callers must not modify it. */
  public int[] colIdx() {
    return colIdx;
  }

  /** Value of each stored entry. The array itself: callers must not modify it. */
  public float[] values() {
    return values;
  }

  /** Stored entries in row {@code r}. */
  public int rowNnz(int r) {
    return rowPtr[r + 1] - rowPtr[r];
  }

  /**
   * The {@code cols x rows} transpose, by a counting sort on the column index: O(rows + cols + nnz)
   * time and one new set of arrays. Scanning the rows in increasing order fills each transposed row
   * in increasing column order, so the result satisfies the invariants without a sort.
   */
  public CsrMatrix transpose() {
    int nnz = nnz();
    int[] tPtr = new int[cols + 1];
    for (int p = 0; p < nnz; p++) {
      tPtr[colIdx[p] + 1]++;
    }
    for (int c = 0; c < cols; c++) {
      tPtr[c + 1] += tPtr[c];
    }
    int[] fill = new int[cols];
    System.arraycopy(tPtr, 0, fill, 0, cols);
    int[] tIdx = new int[nnz];
    float[] tVal = new float[nnz];
    for (int r = 0; r < rows; r++) {
      for (int p = rowPtr[r]; p < rowPtr[r + 1]; p++) {
        int q = fill[colIdx[p]]++;
        tIdx[q] = r;
        tVal[q] = values[p];
      }
    }
    return new CsrMatrix(cols, rows, tPtr, tIdx, tVal);
  }

  @Override
  public String toString() {
    return "CsrMatrix[" + rows + " x " + cols + ", nnz=" + nnz() + "]";
  }
}
