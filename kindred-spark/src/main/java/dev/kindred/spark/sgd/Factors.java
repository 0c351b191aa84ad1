package dev.kindred.spark.sgd;

import dev.kindred.math.FactorMatrix;
import java.util.List;

/** Full parameters on the driver, assembled from blocks. */
record Factors(FactorMatrix users, FactorMatrix items, float[] userBias, float[] itemBias) {

  /** Gathers blocks (any stride, each row in exactly one block) into full matrices. */
  static Factors assemble(List<FactorBlock> userBlocks, List<FactorBlock> itemBlocks, SgdProblem problem,
      DataSummary summary) {
    int k = problem.factors();
    FactorMatrix p = new FactorMatrix(problem.numUsers(), k);
    FactorMatrix q = new FactorMatrix(problem.numItems(), k);
    float[] bu = problem.objective().userBias() ? new float[problem.numUsers()] : null;
    float[] bi = problem.objective().itemBias() ? new float[problem.numItems()] : null;
    copy(userBlocks, p, bu);
    copy(itemBlocks, q, bi);
    // Users (and MF items) without training pairs were never updated: zero, as the single-machine trainers do.
    float[] zero = new float[k];
    for (int u = 0; u < problem.numUsers(); u++) {
      if (!summary.userSeen(u)) p.setRow(u, zero, 0);
    }
    if (problem.zeroUnratedItems()) {
      for (int i = 0; i < problem.numItems(); i++) {
        if (!summary.itemSeen(i)) q.setRow(i, zero, 0);
      }
    }
    // BPR learns no user bias, but the model stores both or neither.
    if (bi != null && bu == null) bu = new float[problem.numUsers()];
    return new Factors(p, q, bu, bi);
  }

  private static void copy(List<FactorBlock> blocks, FactorMatrix m, float[] bias) {
    for (FactorBlock b : blocks) {
      for (int r = 0; r < b.rows; r++) {
        int g = b.globalRow(r);
        m.setRow(g, b.factors, r * b.k);
        if (bias != null) bias[g] = b.bias[r];
      }
    }
  }
}
