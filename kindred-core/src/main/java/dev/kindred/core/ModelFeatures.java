package dev.kindred.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * What a feature model needs beside its factors to score entities it never saw: per side, the
 * {@link FeatureCodec} that turns side data into a feature row and the model's
 * {@link EntityEncoder} that turns the row into a latent vector.
 *
 * <p>Stored beside the model file as {@code MODEL.features} ({@link #pathFor}), not inside it:
 * the model file stays what every consumer reads, and a model without features has no such file.
 * Written atomically ({@link AtomicWrite}) after the model file; a reader pairs the two by that
 * name. Layout (big-endian, {@link DataOutputStream}):
 * <ol>
 *   <li>the 8 bytes {@code KDFEAT01}; an int, the format version (1);
 *   <li>per side, users then items: a byte, 1 when present; then the codec (normalize flag,
 *       fields each as name, encoding ordinal, offset, size, hashed flag, vocabulary pairs in
 *       index order, bounds; the renumbering, length -1 for none) and the encoder (a type byte,
 *       1 = {@link EmbeddingSumEncoder}: dim, features, identity flag, embeddings, biases);
 *   <li>a long: the CRC32C of every byte before it.
 * </ol>
 *
 * @param users the user side, or null
 * @param items the item side, or null
 */
public record ModelFeatures(Side users, Side items) {

  private static final byte[] MAGIC = {'K', 'D', 'F', 'E', 'A', 'T', '0', '1'};
  private static final int VERSION = 1;
  private static final byte EMBEDDING_SUM = 1;

  /**
   * One side: how its side data becomes rows, and how rows become vectors.
   *
   * @throws IllegalArgumentException if the codec's row width is not the encoder's
   */
  public record Side(FeatureCodec codec, EntityEncoder encoder) {
    public Side {
      if (codec.size() != encoder.features()) {
        throw new IllegalArgumentException("the codec encodes " + codec.size() + " features, the encoder takes "
            + encoder.features());
      }
    }

    /**
     * The vector of an entity given as field to values into {@code out[0, dim)}; returns its bias.
     *
     * @throws IllegalArgumentException if none of its values is a feature the model knows
     */
    public float vector(Map<String, List<String>> values, float[] out) {
      FeatureCodec.Row row = codec.encode(values);
      if (row.size() == 0) {
        throw new IllegalArgumentException("none of the features " + values + " is known to the model (fields: "
            + codec.fields().stream().map(FeatureCodec.Field::name).toList() + ")");
      }
      return encoder.encode(row, out);
    }
  }

  /** The features file of model file {@code model}: {@code model} + ".features". */
  public static Path pathFor(Path model) {
    return model.resolveSibling(model.getFileName() + ".features");
  }

  /** Writes atomically to {@link #pathFor}{@code (model)}. */
  public void write(Path model) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(VERSION);
      writeSide(out, users);
      writeSide(out, items);
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes.toByteArray());
    ByteBuffer tail = ByteBuffer.allocate(8).putLong(crc.getValue()).flip();
    ByteBuffer body = ByteBuffer.wrap(bytes.toByteArray());
    AtomicWrite.write(pathFor(model), ch -> {
      while (body.hasRemaining()) ch.write(body);
      while (tail.hasRemaining()) ch.write(tail);
    });
  }

  /**
   * Reads the features file of model file {@code model}, or returns null when there is none.
   *
   * @throws InvalidModelFileException if the file is truncated, corrupted or of another version
   */
  public static ModelFeatures readBeside(Path model) throws IOException {
    Path p = pathFor(model);
    byte[] all;
    try {
      all = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (all.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new InvalidModelFileException(p + ": not a Kindred features file");
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 8);
    if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong()) {
      throw new InvalidModelFileException(p + ": checksum mismatch (truncated or corrupted)");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, MAGIC.length, all.length - 8))) {
      int version = in.readInt();
      if (version != VERSION) throw new InvalidModelFileException(p + ": features format version " + version
          + ", this build reads " + VERSION);
      return new ModelFeatures(readSide(in, p), readSide(in, p));
    } catch (EOFException e) {
      throw new InvalidModelFileException(p + ": truncated");
    }
  }

  private static void writeSide(DataOutputStream out, Side side) throws IOException {
    out.writeByte(side == null ? 0 : 1);
    if (side == null) return;
    FeatureCodec c = side.codec();
    out.writeBoolean(c.normalize());
    out.writeInt(c.fields().size());
    for (FeatureCodec.Field f : c.fields()) {
      out.writeUTF(f.name());
      out.writeByte(f.encoding().ordinal());
      out.writeInt(f.offset());
      out.writeInt(f.size());
      out.writeBoolean(f.hashed());
      out.writeInt(f.vocabulary().size());
      for (Map.Entry<String, Integer> v : f.vocabulary().entrySet()) {
        out.writeUTF(v.getKey());
        out.writeInt(v.getValue());
      }
      double[] b = f.bounds() == null ? new double[0] : f.bounds();
      out.writeInt(f.bounds() == null ? -1 : b.length);
      for (double x : b) out.writeDouble(x);
    }
    out.writeInt(c.renumber() == null ? -1 : c.renumber().length);
    if (c.renumber() != null) for (int r : c.renumber()) out.writeInt(r);
    if (!(side.encoder() instanceof EmbeddingSumEncoder e)) {
      throw new IllegalArgumentException("cannot store a " + side.encoder().getClass().getSimpleName()
          + " (only EmbeddingSumEncoder)");
    }
    out.writeByte(EMBEDDING_SUM);
    out.writeInt(e.dim());
    out.writeInt(e.features());
    out.writeBoolean(e.identity());
    for (float x : e.embeddings()) out.writeFloat(x);
    for (float x : e.biases()) out.writeFloat(x);
  }

  private static Side readSide(DataInputStream in, Path p) throws IOException {
    if (in.readByte() == 0) return null;
    boolean normalize = in.readBoolean();
    int n = in.readInt();
    List<FeatureCodec.Field> fields = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      String name = in.readUTF();
      FeatureCodec.Encoding enc = FeatureCodec.Encoding.values()[in.readByte()];
      int offset = in.readInt();
      int size = in.readInt();
      boolean hashed = in.readBoolean();
      int vocab = in.readInt();
      Map<String, Integer> v = new LinkedHashMap<>();
      for (int q = 0; q < vocab; q++) v.put(in.readUTF(), in.readInt());
      int nb = in.readInt();
      double[] bounds = nb < 0 ? null : new double[nb];
      for (int q = 0; q < nb; q++) bounds[q] = in.readDouble();
      fields.add(new FeatureCodec.Field(name, enc, offset, size, hashed, v, bounds));
    }
    int nr = in.readInt();
    int[] renumber = nr < 0 ? null : new int[nr];
    for (int q = 0; q < nr; q++) renumber[q] = in.readInt();
    byte type = in.readByte();
    if (type != EMBEDDING_SUM) throw new InvalidModelFileException(p + ": unknown encoder type " + type);
    int dim = in.readInt();
    int features = in.readInt();
    boolean identity = in.readBoolean();
    float[] emb = new float[Math.multiplyExact(dim, features)];
    for (int q = 0; q < emb.length; q++) emb[q] = in.readFloat();
    float[] bias = new float[features];
    for (int q = 0; q < bias.length; q++) bias[q] = in.readFloat();
    return new Side(new FeatureCodec(fields, normalize, renumber), new EmbeddingSumEncoder(dim, features, identity, emb, bias));
  }

  /**
   * Whether this file format can store {@code encoder}: today the hybrid model's
   * {@link EmbeddingSumEncoder} only (a two-tower network's towers are not stored yet).
   */
  public static boolean storable(EntityEncoder encoder) {
    return encoder instanceof EmbeddingSumEncoder;
  }
}
