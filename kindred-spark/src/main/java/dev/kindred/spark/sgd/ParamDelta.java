package dev.kindred.spark.sgd;

import java.io.Serializable;

/**
 * What a partition sends back after a round of local SGD: its parameter change (dense, the size of
 * the model) and the loss of its steps. {@link #EMPTY} is the aggregation's zero.
 */
record ParamDelta(Params delta, double loss, double steps) implements Serializable {

  static final ParamDelta EMPTY = new ParamDelta(null, 0, 0);

  /** Sums two deltas, reusing {@code this}'s arrays when it has any (aggregation buffers are private). */
  ParamDelta plus(ParamDelta o) {
    if (o.delta == null) return new ParamDelta(delta, loss + o.loss, steps + o.steps);
    if (delta == null) return new ParamDelta(o.delta, loss + o.loss, steps + o.steps);
    delta.add(o.delta);
    return new ParamDelta(delta, loss + o.loss, steps + o.steps);
  }
}
