package dev.kindred.core;

import java.io.IOException;

/**
 * Reads and writes the body of one model kind in the {@link ModelFile} format. Codecs are listed
 * in {@code ModelFile}'s registry, so every consumer (CLI, server, Java API) reads every kind.
 *
 * @param <M> the model class
 */
public interface ModelCodec<M extends Model> {

  /** The kind string stored in the file header (equal to {@link Model#kind()}). */
  String kind();

  Class<M> type();

  void write(M model, ModelFile.Output out) throws IOException;

  /** Reads the body; throws {@link InvalidModelFileException} (via {@code in.malformed}) on bad data. */
  M read(Provenance provenance, ModelFile.Input in);

  default void writeUnchecked(Model model, ModelFile.Output out) throws IOException {
    if (!type().isInstance(model)) {
      throw new IllegalArgumentException("codec for " + kind() + " cannot write " + model.getClass().getName());
    }
    write(type().cast(model), out);
  }
}
