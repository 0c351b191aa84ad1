package dev.kindred.core;

/**
 * A trainer whose model can use side features of users and items (hybrid models). Front ends
 * that read feature files pass them through {@link #fit(Interactions, Interactions, SideFeatures,
 * ProgressListener)}; {@link Trainer#fit(Interactions, Interactions, ProgressListener)} trains
 * without them.
 *
 * @param <M> the model it produces
 */
public interface FeatureTrainer<M extends Model> extends Trainer<M> {

  /**
   * Fits a model to {@code train} with side features.
   *
   * @param features side features on the interactions' id numbering ({@link SideFeatures#NONE}
   *     for none)
   * @throws IllegalArgumentException if a feature matrix's rows do not match the interactions
   */
  M fit(Interactions train, Interactions validation, SideFeatures features, ProgressListener listener);

  @Override
  default M fit(Interactions train, Interactions validation, ProgressListener listener) {
    return fit(train, validation, SideFeatures.NONE, listener);
  }
}
