package dev.kindred.spark.sgd;

import dev.kindred.math.Kernels;
import dev.kindred.train.hybrid.HybridLayout;
import dev.kindred.train.hybrid.HybridTable;
import java.util.SplittableRandom;

/**
 * The hybrid model's steps ({@code HybridTrainer}'s WARP, k-OS WARP, BPR or logistic loss with
 * AdaGrad) on a partition's ratings. The parameters are feature rows, not entity rows:
 * {@link Params#users()} holds the user side's embedding table (one row per identity or side
 * feature, bias beside it) and {@link Params#userState()} its AdaGrad sums; the item side likewise.
 * The steps are {@link HybridLayout#steps}, the single-machine trainer's own code, over the
 * partition's ratings as CSR rows (a partition holds all of its users' ratings, so negatives are
 * checked against the whole row).
 *
 * <p>k-OS WARP steps once per user: a rating whose user's previous rating (in (user, item) order)
 * is the same user is skipped, so a pass over the partition is one step per user, as an epoch of
 * the single-machine trainer. The learning rate is the config's (AdaGrad adapts it; the
 * problem's per-epoch rate is not used).
 */
record HybridObjective(HybridLayout layout) implements SgdObjective {

  @Override
  public double[] pass(Kernels kern, LocalRatings r, int from, int to, Params local, float lr, SplittableRandom rng) {
    HybridLayout.LocalSteps steps = layout.steps(r.userPtr(layout.numUsers()), r.items,
        DistributedHybrid.table(local.users(), local.userState()), DistributedHybrid.table(local.items(), local.itemState()));
    steps.start(rng);
    boolean perUser = layout.perUser();
    for (int x = from; x < to; x++) {
      int at = r.order[x];
      int u = r.users[at];
      if (!perUser) {
        steps.step(u, r.items[at]);
      } else if (at == 0 || r.users[at - 1] != u) {
        steps.step(u, -1);
      }
    }
    return new double[] {steps.loss(), steps.count()};
  }

  @Override
  public double[] pass(Kernels kern, LocalRatings ratings, int from, int to, FactorBlock users, FactorBlock items,
      float lr, SplittableRandom rng) {
    throw new IllegalStateException("hybrid steps need the AdaGrad state: SyncMode.SYNC or ASYNC, not DSGD");
  }

  @Override
  public Params initial(SgdProblem problem, DataSummary summary) {
    HybridTable[] t = layout.initialAdagradTables();
    return new Params(block(t[0].emb(), t[0].bias(), t[0].k()), block(t[1].emb(), t[1].bias(), t[1].k()),
        block(t[0].acc(), t[0].biasAcc(), t[0].k()), block(t[1].acc(), t[1].biasAcc(), t[1].k()));
  }

  private static FactorBlock block(float[] rows, float[] bias, int k) {
    return new FactorBlock(0, 1, bias.length, k, rows, bias);
  }

  @Override
  public boolean userBias() {
    return true;
  }

  @Override
  public boolean itemBias() {
    return true;
  }
}
