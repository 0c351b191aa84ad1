package dev.kindred.core;

import dev.kindred.math.FactorMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The one model file format, read by every consumer (CLI, server, Java API) whatever trained the
 * model.
 *
 * <p>Layout, little-endian:
 * <ol>
 *   <li>Header: magic {@code "KINDRED\n"} (8 bytes), format version (int32), model kind (string).
 *   <li>Provenance: count (int32) then that many (key, value) strings.
 *   <li>Body written by the kind's codec. For {@code latent-factor}: user and item id indices,
 *       global mean, score clip range (two floats), a bias flag (int32) with user and item bias
 *       arrays when set, user factors, item factors.
 *   <li>Trailer: total file length (int64), CRC32C of every byte before the trailer (int32), end
 *       marker {@code "KNDR-END"} (8 bytes).
 * </ol>
 * A string is an int32 byte length and UTF-8 bytes; a float array an int32 length and the floats;
 * a factor matrix int32 rows, int32 dim and {@code rows * dim} floats row-major. A file is written
 * to a temporary sibling and renamed into place, so readers never see a partial file; a truncated
 * or corrupted file is refused with a message that says which.
 */
public final class ModelFile {

  static final byte[] MAGIC = "KINDRED\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END = "KNDR-END".getBytes(StandardCharsets.US_ASCII);
  public static final int FORMAT_VERSION = 1;
  static final int TRAILER = 8 + 4 + 8;

  /** Every model kind this build reads and writes; a new kind adds its codec here. */
  private static final Map<String, ModelCodec<?>> CODECS = registry(
      new LatentFactorModel.Codec(), new PopularityModel.Codec(), new ItemItemModel.Codec(),
      new GraphFilterModel.Codec());

  private ModelFile() {}

  private static Map<String, ModelCodec<?>> registry(ModelCodec<?>... codecs) {
    Map<String, ModelCodec<?>> m = new LinkedHashMap<>();
    for (ModelCodec<?> c : codecs) {
      if (m.put(c.kind(), c) != null) throw new IllegalStateException("two codecs for kind " + c.kind());
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  static ModelCodec<?> codecFor(String kind) {
    ModelCodec<?> c = CODECS.get(kind);
    if (c == null) throw new IllegalArgumentException("no codec for model kind '" + kind + "'");
    return c;
  }

  /** Writes {@code model} to {@code path} atomically (temp file, then rename). */
  public static void write(Model model, Path path) throws IOException {
    Path abs = path.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    boolean done = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      Output out = new Output(ch);
      out.bytes(MAGIC);
      out.i32(FORMAT_VERSION);
      out.string(model.kind());
      Map<String, String> prov = model.provenance().toMap();
      out.i32(prov.size());
      for (Map.Entry<String, String> e : prov.entrySet()) {
        out.string(e.getKey());
        out.string(e.getValue());
      }
      codecFor(model.kind()).writeUnchecked(model, out);
      out.finish();
      ch.force(true);
      done = true;
    } finally {
      if (!done) Files.deleteIfExists(tmp);
    }
    try {
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Reads a model file.
   *
   * @throws InvalidModelFileException if the file is not a Kindred model, is truncated, fails its
   *     checksum, or has a version or kind this build does not read
   */
  public static Model read(Path path) throws IOException {
    long size = Files.size(path);
    if (size < MAGIC.length + 4 + TRAILER) {
      String what = startsWithMagic(path, size) ? "truncated model file" : "not a Kindred model file";
      throw new InvalidModelFileException(path + ": " + what + " (only " + size + " bytes)");
    }
    if (size > Integer.MAX_VALUE) {
      throw new InvalidModelFileException(path + ": model files over 2 GiB are not supported yet (" + size + " bytes)");
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[MAGIC.length];
      buf.get(0, magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new InvalidModelFileException(path + ": not a Kindred model file (bad magic)");
      }
      byte[] end = new byte[END.length];
      buf.get((int) size - END.length, end);
      if (!java.util.Arrays.equals(end, END)) {
        throw new InvalidModelFileException(path + ": truncated or incomplete model file (no end marker; "
            + size + " bytes)");
      }
      long declared = buf.getLong((int) size - TRAILER);
      if (declared != size) {
        throw new InvalidModelFileException(path + ": truncated model file: header says " + declared
            + " bytes, file has " + size);
      }
      int crcStored = buf.getInt((int) size - TRAILER + 8);
      CRC32C crc = new CRC32C();
      crc.update(buf.slice(0, (int) size - TRAILER));
      if ((int) crc.getValue() != crcStored) {
        throw new InvalidModelFileException(path + ": corrupted model file: checksum mismatch");
      }
      Input in = new Input(buf.slice(0, (int) size - TRAILER).order(ByteOrder.LITTLE_ENDIAN), path);
      in.skip(MAGIC.length);
      int version = in.i32();
      if (version != FORMAT_VERSION) {
        throw new InvalidModelFileException(path + ": model format version " + version
            + " is not readable by this build (reads version " + FORMAT_VERSION + ")");
      }
      String kind = in.string();
      int n = in.i32();
      Map<String, String> prov = new LinkedHashMap<>();
      for (int j = 0; j < n; j++) prov.put(in.string(), in.string());
      Provenance provenance = Provenance.fromMap(prov);
      ModelCodec<?> codec = CODECS.get(kind);
      if (codec == null) {
        throw new InvalidModelFileException(path + ": unknown model kind '" + kind + "' (this build reads "
            + String.join(", ", CODECS.keySet()) + ")");
      }
      Model m = codec.read(provenance, in);
      if (in.remaining() != 0) {
        throw new InvalidModelFileException(path + ": " + in.remaining() + " unexpected bytes after the model");
      }
      return m;
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      if (e instanceof InvalidModelFileException ie) throw ie;
      throw new InvalidModelFileException(path + ": malformed model file: " + e.getMessage());
    }
  }

  /** True if the file's first bytes (up to 8) are the magic: a model cut short, not another file. */
  private static boolean startsWithMagic(Path path, long size) throws IOException {
    if (size == 0) return false;
    byte[] head = new byte[(int) Math.min(size, MAGIC.length)];
    try (java.io.InputStream in = Files.newInputStream(path)) {
      if (in.readNBytes(head, 0, head.length) != head.length) return false;
    }
    return java.util.Arrays.equals(head, 0, head.length, MAGIC, 0, head.length);
  }

  static void writeIndex(IdIndex idx, Output out) throws IOException {
    if (idx.isNumeric()) {
      out.i32(0);
      long[] ids = idx.longIds();
      out.i32(ids.length);
      for (long id : ids) out.i64(id);
    } else {
      out.i32(1);
      List<String> ids = idx.stringIds();
      out.i32(ids.size());
      for (String id : ids) out.string(id);
    }
  }

  static IdIndex readIndex(Input in) {
    int mode = in.i32();
    int n = in.i32();
    in.checkCount(n, mode == 0 ? 8 : 4);
    if (mode == 0) {
      long[] ids = new long[n];
      for (int j = 0; j < n; j++) ids[j] = in.i64();
      return IdIndex.ofLongs(ids);
    } else if (mode == 1) {
      List<String> ids = new ArrayList<>(n);
      for (int j = 0; j < n; j++) ids.add(in.string());
      return IdIndex.ofStrings(ids);
    }
    throw new IllegalArgumentException("unknown id index mode " + mode);
  }

  /** Buffered little-endian writer that keeps a running CRC32C and length. */
  public static final class Output {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private long written;

    Output(FileChannel ch) {
      this.ch = ch;
    }

    private void ensure(int n) throws IOException {
      if (buf.remaining() < n) flush();
    }

    private void flush() throws IOException {
      buf.flip();
      crc.update(buf.duplicate());
      written += buf.remaining();
      while (buf.hasRemaining()) ch.write(buf);
      buf.clear();
    }

    public void bytes(byte[] b) throws IOException {
      int off = 0;
      while (off < b.length) {
        ensure(1);
        int n = Math.min(buf.remaining(), b.length - off);
        buf.put(b, off, n);
        off += n;
      }
    }

    public void i32(int v) throws IOException {
      ensure(4);
      buf.putInt(v);
    }

    public void i64(long v) throws IOException {
      ensure(8);
      buf.putLong(v);
    }

    public void f32(float v) throws IOException {
      ensure(4);
      buf.putFloat(v);
    }

    public void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      bytes(b);
    }

    public void floats(float[] a) throws IOException {
      i32(a.length);
      rawFloats(a, 0, a.length);
    }

    public void rawFloats(float[] a, int off, int len) throws IOException {
      int j = 0;
      while (j < len) {
        ensure(4);
        int n = Math.min(buf.remaining() / 4, len - j);
        buf.asFloatBuffer().put(a, off + j, n);
        buf.position(buf.position() + 4 * n);
        j += n;
      }
    }

    public void ints(int[] a) throws IOException {
      i32(a.length);
      int j = 0;
      while (j < a.length) {
        ensure(4);
        int n = Math.min(buf.remaining() / 4, a.length - j);
        buf.asIntBuffer().put(a, j, n);
        buf.position(buf.position() + 4 * n);
        j += n;
      }
    }

    public void index(IdIndex idx) throws IOException {
      writeIndex(idx, this);
    }

    /** Interactions as dimensions, CSR pointers, items and values (no timestamps, no ids). */
    public void interactions(Interactions d) throws IOException {
      i32(d.numUsers());
      i32(d.numItems());
      ints(d.userPtr());
      ints(d.itemIdx());
      floats(d.values());
    }

    public void matrix(FactorMatrix m) throws IOException {
      i32(m.rows());
      i32(m.dim());
      for (int p = 0; p < m.pageCount(); p++) {
        float[] page = m.pageArray(p);
        rawFloats(page, 0, page.length);
      }
    }

    void finish() throws IOException {
      flush();
      long total = written + TRAILER;
      int c = (int) crc.getValue();
      buf.putLong(total);
      buf.putInt(c);
      buf.put(END);
      buf.flip();
      while (buf.hasRemaining()) ch.write(buf);
    }
  }

  /** Bounds-checked little-endian reader over the mapped body. */
  public static final class Input {
    private final ByteBuffer buf;
    private final Path path;

    Input(ByteBuffer buf, Path path) {
      this.buf = buf;
      this.path = path;
    }

    public int remaining() {
      return buf.remaining();
    }

    void skip(int n) {
      buf.position(buf.position() + n);
    }

    public int i32() {
      return buf.getInt();
    }

    public long i64() {
      return buf.getLong();
    }

    public float f32() {
      return buf.getFloat();
    }

    public void checkCount(long n, int bytesEach) {
      if (n < 0 || n * bytesEach > buf.remaining()) {
        throw new InvalidModelFileException(path + ": malformed model file: count " + n + " exceeds the file");
      }
    }

    public String string() {
      int n = i32();
      checkCount(n, 1);
      byte[] b = new byte[n];
      buf.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    public float[] floats() {
      int n = i32();
      checkCount(n, 4);
      float[] a = new float[n];
      buf.asFloatBuffer().get(a);
      buf.position(buf.position() + 4 * n);
      return a;
    }

    public int[] ints() {
      int n = i32();
      checkCount(n, 4);
      int[] a = new int[n];
      buf.asIntBuffer().get(a);
      buf.position(buf.position() + 4 * n);
      return a;
    }

    public IdIndex index() {
      return readIndex(this);
    }

    /** Reads what {@link Output#interactions} wrote, on the given id indices. */
    public Interactions interactions(IdIndex users, IdIndex items) {
      int nu = i32();
      int ni = i32();
      int[] ptr = ints();
      int[] idx = ints();
      float[] val = floats();
      return new Interactions(users, items, nu, ni, ptr, idx, val, null);
    }

    /** Fails the read with a message naming the file. */
    public InvalidModelFileException malformed(String what) {
      return new InvalidModelFileException(path + ": malformed model file: " + what);
    }

    public FactorMatrix matrix() {
      int rows = i32();
      int dim = i32();
      if (dim <= 0) throw new InvalidModelFileException(path + ": malformed model file: factor dim " + dim);
      checkCount((long) rows * dim, 4);
      FactorMatrix m = new FactorMatrix(rows, dim);
      for (int p = 0; p < m.pageCount(); p++) {
        float[] page = m.pageArray(p);
        buf.asFloatBuffer().get(page);
        buf.position(buf.position() + 4 * page.length);
      }
      return m;
    }
  }
}
