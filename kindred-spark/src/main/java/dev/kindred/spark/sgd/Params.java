package dev.kindred.spark.sgd;

import java.io.Serializable;

/**
 * The whole model as two stride-1 blocks, as the driver holds it under SYNC and ASYNC (and as
 * the parameters a partition starts a round from). Not thread-safe.
 */
record Params(FactorBlock users, FactorBlock items) implements Serializable {

  static Params initial(SgdProblem problem, DataSummary summary) {
    SgdObjective o = problem.objective();
    FactorBlock u = FactorBlock.gaussian(0, 1, problem.numUsers(), problem.factors(), problem.initStd(),
        o.userBias(), problem.seed(), 1);
    for (int r = 0; r < u.rows; r++) if (!summary.userSeen(r)) u.zeroRow(r);
    FactorBlock i = FactorBlock.gaussian(0, 1, problem.numItems(), problem.factors(), problem.initStd(),
        o.itemBias(), problem.seed(), 2);
    return new Params(u, i);
  }

  Params copy() {
    return new Params(users.copy(), items.copy());
  }

}
