package dev.kindred.spark.sgd;

import java.io.Serializable;

/**
 * What a partition sends back after a round of local SGD: the changed user and item rows
 * ({@link RowDelta}), the changed rows of their step-rule state when the model has one (null
 * otherwise; AdaGrad's squared-gradient sums add up exactly across partitions), and the loss of its
 * steps. {@link #EMPTY} is the aggregation's zero.
 */
record ParamDelta(RowDelta users, RowDelta items, RowDelta userState, RowDelta itemState, double loss, double steps)
    implements Serializable {

  static final ParamDelta EMPTY = new ParamDelta(null, null, 0, 0);

  /** A delta without step-rule state. */
  ParamDelta(RowDelta users, RowDelta items, double loss, double steps) {
    this(users, items, null, null, loss, steps);
  }

  static ParamDelta of(Params local, Params base, double loss, double steps) {
    return new ParamDelta(RowDelta.diff(local.users(), base.users()), RowDelta.diff(local.items(), base.items()),
        local.userState() == null ? null : RowDelta.diff(local.userState(), base.userState()),
        local.itemState() == null ? null : RowDelta.diff(local.itemState(), base.itemState()), loss, steps);
  }

  ParamDelta plus(ParamDelta o) {
    if (o.users == null) return new ParamDelta(users, items, userState, itemState, loss + o.loss, steps + o.steps);
    if (users == null) return new ParamDelta(o.users, o.items, o.userState, o.itemState, loss + o.loss, steps + o.steps);
    return new ParamDelta(users.plus(o.users), items.plus(o.items), plus(userState, o.userState),
        plus(itemState, o.itemState), loss + o.loss, steps + o.steps);
  }

  private static RowDelta plus(RowDelta a, RowDelta b) {
    return a == null ? b : b == null ? a : a.plus(b);
  }

  /** Adds the changes to {@code params} (no-op for {@link #EMPTY}). */
  void addTo(Params params) {
    if (users == null) return;
    users.addTo(params.users());
    items.addTo(params.items());
    if (userState != null) userState.addTo(params.userState());
    if (itemState != null) itemState.addTo(params.itemState());
  }
}
