package dev.kindred.core;

/** A model file that is not a Kindred model, is truncated, corrupted, or of an unreadable version. */
public final class InvalidModelFileException extends IllegalArgumentException {
  public InvalidModelFileException(String message) {
    super(message);
  }
}
