package dev.kindred.train.baseline;

import dev.kindred.core.Interactions;
import dev.kindred.core.PopularityModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Trainer;
import java.util.Objects;

/**
 * The most-popular baseline: every item scored by its interaction count (or the sum of its values,
 * {@link PopularityConfig#sumValues}), the same list for every user minus what the user has seen.
 * Every comparison needs it: a model that does not beat popularity has learned nothing personal.
 *
 * <p>Cost: one pass over the interactions, {@code O(nnz)}; memory one float per item plus the
 * training histories kept in the model. Immutable and thread-safe.
 */
public final class PopularityTrainer implements Trainer<PopularityModel> {

  public static final String NAME = "pop";

  private final PopularityConfig config;

  public PopularityTrainer(PopularityConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public PopularityConfig config() {
    return config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PopularityModel fit(Interactions train, Interactions validation, ProgressListener listener) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(listener, "listener");
    long t0 = System.nanoTime();
    int[] ptr = train.itemPtr();
    float[] values = train.itemValues();
    float[] scores = new float[train.numItems()];
    for (int i = 0; i < scores.length; i++) {
      if (config.sumValues()) {
        double s = 0; // double: a popular item sums millions of values
        for (int p = ptr[i]; p < ptr[i + 1]; p++) s += values[p];
        scores[i] = (float) s;
      } else {
        scores[i] = ptr[i + 1] - ptr[i];
      }
    }
    long elapsed = System.nanoTime() - t0;
    listener.onEpoch(new EpochReport(1, 1, Double.NaN, Double.NaN, elapsed, elapsed));
    return new PopularityModel(BaselineProvenance.of(NAME, config.toMap(), train, 1, elapsed), scores, train);
  }
}
