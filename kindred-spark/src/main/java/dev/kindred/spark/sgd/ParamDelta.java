package dev.kindred.spark.sgd;

import java.io.Serializable;

/**
 * What a partition sends back after a round of local SGD: the changed user and item rows
 * ({@link RowDelta}) and the loss of its steps. {@link #EMPTY} is the aggregation's zero.
 */
record ParamDelta(RowDelta users, RowDelta items, double loss, double steps) implements Serializable {

  static final ParamDelta EMPTY = new ParamDelta(null, null, 0, 0);

  static ParamDelta of(Params local, Params base, double loss, double steps) {
    return new ParamDelta(RowDelta.diff(local.users(), base.users()), RowDelta.diff(local.items(), base.items()),
        loss, steps);
  }

  ParamDelta plus(ParamDelta o) {
    if (o.users == null) return new ParamDelta(users, items, loss + o.loss, steps + o.steps);
    if (users == null) return new ParamDelta(o.users, o.items, loss + o.loss, steps + o.steps);
    return new ParamDelta(users.plus(o.users), items.plus(o.items), loss + o.loss, steps + o.steps);
  }

  /** Adds the changes to {@code params} (no-op for {@link #EMPTY}). */
  void addTo(Params params) {
    if (users == null) return;
    users.addTo(params.users());
    items.addTo(params.items());
  }
}
