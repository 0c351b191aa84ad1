package dev.kindred.core;

/** A fit that diverged: non-finite parameters were found before the model was returned. */
public final class ModelFitException extends RuntimeException {
  public ModelFitException(String message) {
    super(message);
  }
}
