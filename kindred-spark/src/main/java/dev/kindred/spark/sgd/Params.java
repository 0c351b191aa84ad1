package dev.kindred.spark.sgd;

import java.io.Serializable;

/**
 * The whole model as stride-1 blocks, as the driver holds it under SYNC and ASYNC (and as the
 * parameters a partition starts a round from): the user and item rows and, for a model with a
 * per-parameter step rule (the hybrid's AdaGrad), the rule's state in blocks of the same shape
 * ({@code userState} beside {@code users}, {@code itemState} beside {@code items}; both null for
 * plain SGD). Not thread-safe.
 */
record Params(FactorBlock users, FactorBlock items, FactorBlock userState, FactorBlock itemState)
    implements Serializable {

  Params {
    if ((userState == null) != (itemState == null)) {
      throw new IllegalStateException("Params: step-rule state on one side only");
    }
  }

  /** Parameters without step-rule state. */
  Params(FactorBlock users, FactorBlock items) {
    this(users, items, null, null);
  }

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
    return new Params(users.copy(), items.copy(), userState == null ? null : userState.copy(),
        itemState == null ? null : itemState.copy());
  }

}
