package dev.kindred.train.graph;

import dev.kindred.core.Interactions;
import dev.kindred.math.CsrMatrix;
import java.util.Objects;

/**
 * The user-item interaction graph with symmetric degree normalisation, the operator of graph
 * collaborative filtering: {@code R~ = D_U^-1/2 R D_I^-1/2}, where {@code R} is the binary
 * {@code users x items} interaction matrix (any stored interaction counts as 1; stored values are
 * ignored) and {@code D_U}, {@code D_I} its row and column degrees.
 *
 * <p>The symmetric-normalised adjacency of LightGCN (He et al., SIGIR 2020, arXiv:2002.02126,
 * eq. 7), {@code D^-1/2 A D^-1/2} with {@code A = [[0, R], [R^T, 0]]}, is exactly
 * {@code [[0, R~], [R~^T, 0]]}: its two non-zero blocks are {@link #userItem} and
 * {@link #itemUser}. GF-CF (Shen et al., CIKM 2021, arXiv:2108.07567) calls {@code R~} the
 * normalised rating matrix and filters with {@code R~^T R~}.
 *
 * <p>Users or items without interactions have degree 0 and an empty row in the matrix where they
 * index rows (no division by zero: their entries do not exist).
 *
 * <p>Cost: O(users + items + nnz) time; two CSR copies of the interactions (8 bytes per entry each
 * plus the row pointers). Immutable as long as no caller modifies the arrays (the accessors hand out
 * the arrays themselves); safe to share between threads.
 *
 * @param userItem {@code R~}, users x items, columns sorted within rows
 * @param itemUser {@code R~^T}, items x users
 * @param userDegree number of interactions of each user (the diagonal of {@code D_U})
 * @param itemDegree number of interactions of each item (the diagonal of {@code D_I})
 */
public record BipartiteGraph(CsrMatrix userItem, CsrMatrix itemUser, float[] userDegree, float[] itemDegree) {

  public BipartiteGraph {
    Objects.requireNonNull(userItem, "userItem");
    Objects.requireNonNull(itemUser, "itemUser");
    Objects.requireNonNull(userDegree, "userDegree");
    Objects.requireNonNull(itemDegree, "itemDegree");
    if (itemUser.rows() != userItem.cols() || itemUser.cols() != userItem.rows() || itemUser.nnz() != userItem.nnz()) {
      throw new IllegalArgumentException("itemUser (" + itemUser + ") is not shaped as the transpose of userItem ("
          + userItem + ")");
    }
    if (userDegree.length != userItem.rows() || itemDegree.length != userItem.cols()) {
      throw new IllegalArgumentException("degrees must have one entry per user and item: " + userDegree.length
          + " and " + itemDegree.length + " for " + userItem);
    }
  }

  /** Number of users (rows of {@link #userItem}). */
  public int numUsers() {
    return userItem.rows();
  }

  /** Number of items (columns of {@link #userItem}). */
  public int numItems() {
    return userItem.cols();
  }

  /** {@code R~} of {@code train}'s interaction pattern, with its transpose and the degrees. */
  public static BipartiteGraph normalized(Interactions train) {
    Objects.requireNonNull(train, "train");
    int users = train.numUsers();
    int items = train.numItems();
    int[] userPtr = train.userPtr();
    int[] itemIdx = train.itemIdx();
    float[] userDegree = new float[users];
    float[] itemDegree = new float[items];
    double[] userScale = new double[users];
    double[] itemScale = new double[items];
    for (int u = 0; u < users; u++) {
      int d = userPtr[u + 1] - userPtr[u];
      userDegree[u] = d;
      userScale[u] = d == 0 ? 0 : 1 / Math.sqrt(d);
    }
    for (int i = 0; i < items; i++) {
      int d = train.itemDegree(i);
      itemDegree[i] = d;
      itemScale[i] = d == 0 ? 0 : 1 / Math.sqrt(d);
    }
    int nnz = itemIdx.length;
    float[] values = new float[nnz];
    for (int u = 0; u < users; u++) {
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        values[p] = (float) (userScale[u] * itemScale[itemIdx[p]]);
      }
    }
    // Interactions' CSR already satisfies CsrMatrix's invariants (sorted, unique, in range); the
    // arrays are shared with train, which never modifies them.
    CsrMatrix userItem = new CsrMatrix(users, items, userPtr, itemIdx, values);
    return new BipartiteGraph(userItem, userItem.transpose(), userDegree, itemDegree);
  }
}
