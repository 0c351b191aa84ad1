package dev.kindred.core;

import dev.kindred.math.FactorMatrix;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.FactorStore;
import dev.kindred.math.MappedFactors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * The one model file format, read by every consumer (CLI, server, Java API) whatever trained the
 * model.
 *
 * <p>Version 3 layout, little-endian:
 * <ol>
 *   <li>Header: magic {@code "KINDRED\n"} (8 bytes), format version (int32).
 *   <li>Section 0, the model stream: model kind (string); provenance: count (int32) then that many
 *       (key, value) strings; the body written by the kind's codec. For {@code latent-factor}: user
 *       and item id indices, global mean, score clip range (two floats), the fold-in rule, a bias
 *       flag (int32) with user and item bias arrays when set, then references to the user and item
 *       factor sections.
 *   <li>Factor sections, each starting at a multiple of {@value #ALIGNMENT} bytes (zero padding
 *       before it) so it can be memory-mapped: {@code rows * dim} elements row-major in the
 *       section's precision (fp32, bf16 or fp16).
 *   <li>Id sections, each starting at a multiple of 8 bytes: the ids of an index and their hash
 *       table, in {@link MappedIds}'s layout, looked up in place.
 *   <li>Section table: count (int32), then per section its name (string), type (int32: 0 for the
 *       stream, {@value #IDS} for ids, else {@link FactorPrecision#code()}), offset and length
 *       (int64), rows and dim (int32; for ids the count and the table's bits) and CRC32C of its
 *       bytes (int32).
 *   <li>Trailer: table offset (int64), total file length (int64), CRC32C of the table (int32), end
 *       marker {@code "KNDR-END"} (8 bytes).
 * </ol>
 * A string is an int32 byte length and UTF-8 bytes; a float array an int32 length and the floats;
 * in the stream, a factor matrix is int32 rows, int32 dim and the int32 number of its section. An
 * id index is a mode (int32: 0 longs, 1 strings, 2 the identity {@code 0..n-1}, 3 hashed into n
 * buckets, 4 longs and 5 strings in an id section), a count, then the ids inline (modes 0 and 1),
 * nothing (2 and 3), or the table's bits and the section's number (4 and 5). Version 3 writes modes
 * 2 to 5, so opening a model of 50M users maps its ids instead of parsing them: no heap and no
 * time per id.
 *
 * <p>Version 2 (still read): as version 3 with id indices inline in the stream (modes 0 to 3), so
 * opening builds a hash map of every id.
 *
 * <p>Reading maps the file (above {@value #MAP_THRESHOLD} bytes; a smaller one is copied off heap,
 * see {@link #load}); factor sections stay there as {@link MappedFactors} (no heap, no copy, files
 * over 2 GiB), the stream is parsed onto the heap. {@link #read} verifies every
 * section's checksum and checks every factor finite before it returns (a sequential pass over the
 * mapping; docs/benchmarks.md has the cost on multi-GB files), so a corrupt or non-finite file is
 * refused with a message naming the file and the section. {@link #open} with
 * {@link Verification#DEFERRED} leaves the latent-factor and id sections to a background thread, for a
 * server that must answer before it has read a multi-GB file once; a failure is reported through
 * {@link Opened#verified()}.
 *
 * <p>Version 1 (still read): the header, then the stream with factor matrices inline as
 * {@code rows * dim} floats, then a trailer of total length (int64), CRC32C of every byte before
 * the trailer (int32) and the end marker; at most 2 GiB.
 *
 * <p>A file is written through {@link AtomicWrite} (temporary sibling, fsync, rename, directory
 * fsync), so readers never see a partial file.
 */
public final class ModelFile {

  static final byte[] MAGIC = "KINDRED\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END = "KNDR-END".getBytes(StandardCharsets.US_ASCII);
  public static final int FORMAT_VERSION = 3;
  static final int VERSION_1 = 1;
  static final int VERSION_2 = 2;
  static final int TRAILER_V1 = 8 + 4 + 8;
  static final int TRAILER = 8 + 8 + 4 + 8;
  static final int HEADER = 8 + 4;
  /** Factor sections start at multiples of this (the common page size), so they can be mapped. */
  public static final int ALIGNMENT = 4096;
  /** Files up to this size (64 MiB) are copied off heap rather than mapped: see {@link #load}. */
  public static final long MAP_THRESHOLD = 64L << 20;
  static final int STREAM = 0;
  /** Section type of an id table ({@link MappedIds}); factor sections use their precision's code. */
  static final int IDS = 16;
  private static final System.Logger LOG = System.getLogger(ModelFile.class.getName());
  private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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

  /** Writes {@code model} to {@code path} atomically, factors in fp32. */
  public static void write(Model model, Path path) throws IOException {
    write(model, path, FactorPrecision.FP32);
  }

  /**
   * Writes {@code model} to {@code path} atomically, in the current format version, with its
   * latent factors stored in {@code precision} (bf16 rounds to nearest even; fp16 refuses values
   * outside its range). Other matrices (a fold-in basis, graph-filter factors) stay fp32.
   *
   * @throws IllegalArgumentException if {@code path} exists and is not a regular file, or a factor
   *     does not fit {@code precision}
   */
  public static void write(Model model, Path path, FactorPrecision precision) throws IOException {
    Objects.requireNonNull(precision, "precision");
    AtomicWrite.write(path, ch -> writeTo(model, ch, FORMAT_VERSION, precision));
  }

  /** The version 1 writer, kept so tests can make version 1 files with this build. */
  static void writeVersion1(Model model, Path path) throws IOException {
    AtomicWrite.write(path, ch -> writeTo(model, ch, VERSION_1, FactorPrecision.FP32));
  }

  /** The version 2 writer (ids inline in the stream), kept so tests can make version 2 files with this build. */
  static void writeVersion2(Model model, Path path) throws IOException {
    AtomicWrite.write(path, ch -> writeTo(model, ch, VERSION_2, FactorPrecision.FP32));
  }

  private static void writeTo(Model model, FileChannel ch, int version, FactorPrecision precision)
      throws IOException {
    Output out = new Output(ch, version, precision);
    out.bytes(MAGIC);
    out.i32(version);
    out.beginSection();
    out.string(model.kind());
    Map<String, String> prov = model.provenance().toMap();
    out.i32(prov.size());
    for (Map.Entry<String, String> e : prov.entrySet()) {
      out.string(e.getKey());
      out.string(e.getValue());
    }
    codecFor(model.kind()).writeUnchecked(model, out);
    out.finish();
  }

  /** When the factor sections of a version 2 file are checked (checksum and finiteness). */
  public enum Verification {
    /** Before the model is returned: a sequential pass over every mapped byte. */
    AT_OPEN,
    /**
     * The header, table, model stream and small matrices at open; the latent-factor and id sections
     * by a background thread afterwards, whose outcome {@link Opened#verified()} reports (until then a
     * lookup in a corrupt id section may miss, or fail with an {@link IllegalStateException}). For a
     * server that must start on a multi-GB model without first reading all of it.
     */
    DEFERRED
  }

  /**
   * An opened model file.
   *
   * @param verified completes when every section has been checked (at once for
   *     {@link Verification#AT_OPEN}); completes exceptionally with an
   *     {@link InvalidModelFileException} naming the file and section if a deferred check fails
   */
  public record Opened(Model model, CompletableFuture<Void> verified) {}

  /**
   * Reads a model file, verifying it entirely: version 2 by mapping its factor sections, version 1
   * onto the heap.
   *
   * @throws InvalidModelFileException if the file is not a Kindred model, is truncated, fails a
   *     checksum, holds non-finite parameters, or has a version or kind this build does not read
   */
  public static Model read(Path path) throws IOException {
    return open(path, Verification.AT_OPEN).model();
  }

  /**
   * Opens a model file, verifying its factor sections as {@code verification} says (version 1
   * files are always verified at open).
   *
   * @throws InvalidModelFileException as {@link #read}, for what is checked at open
   */
  public static Opened open(Path path, Verification verification) throws IOException {
    if (Files.isDirectory(path)) throw new InvalidModelFileException(path + ": is a directory, not a model file");
    long size = Files.size(path);
    if (size < HEADER + TRAILER_V1) {
      String what = startsWithMagic(path, size) ? "truncated model file" : "not a Kindred model file";
      throw new InvalidModelFileException(path + ": " + what + " (only " + size + " bytes)");
    }
    MemorySegment file = load(path, size);
    try {
      byte[] magic = file.asSlice(0, MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new InvalidModelFileException(path + ": not a Kindred model file (bad magic)");
      }
      byte[] end = file.asSlice(size - END.length, END.length).toArray(ValueLayout.JAVA_BYTE);
      if (!Arrays.equals(end, END)) {
        throw new InvalidModelFileException(path + ": truncated or incomplete model file (no end marker; "
            + size + " bytes)");
      }
      int version = file.get(I32, MAGIC.length);
      Input in = switch (version) {
        case VERSION_1 -> Input.version1(file, path);
        case VERSION_2, FORMAT_VERSION -> Input.version2(file, path, verification == Verification.DEFERRED);
        default -> throw new InvalidModelFileException(path + ": model format version " + version
            + " is not readable by this build (reads versions " + VERSION_1 + " to " + FORMAT_VERSION + ")");
      };
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
      return new Opened(m, in.verifyDeferred());
    } catch (ModelFitException e) {
      throw new InvalidModelFileException(path + ": bad model file: " + e.getMessage());
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      if (e instanceof InvalidModelFileException ie) throw ie;
      throw new InvalidModelFileException(path + ": malformed model file: " + e.getMessage());
    }
  }

  /**
   * The file's bytes: mapped when larger than {@link #MAP_THRESHOLD}, else copied into page-aligned
   * off-heap memory. A mapping reads the file's pages as they are now, so a file overwritten in place
   * (not replaced by a rename, as {@link #write} does) would change, or on truncation fault, under a
   * model that is serving; a small model pays one copy to be immune, a large one must be replaced by
   * rename.
   */
  private static MemorySegment load(Path path, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      if (size > MAP_THRESHOLD) return ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
      MemorySegment copy = Arena.ofAuto().allocate(size, ALIGNMENT);
      ByteBuffer buf = copy.asByteBuffer();
      while (buf.hasRemaining()) {
        if (ch.read(buf) < 0) throw new InvalidModelFileException(path + ": truncated model file while reading it");
      }
      return copy;
    }
  }

  /**
   * CRC32C of a segment of any size, 4 MiB at a time: the intrinsic reads mapped memory directly
   * but cannot stop at a safepoint, so a larger chunk would hold up every other thread of the JVM
   * (a server answering while a background check runs) for as long as one chunk takes.
   */
  static int crc32c(MemorySegment seg) {
    CRC32C crc = new CRC32C();
    long chunk = 4L << 20;
    for (long off = 0; off < seg.byteSize(); off += chunk) {
      crc.update(seg.asSlice(off, Math.min(chunk, seg.byteSize() - off)).asByteBuffer());
    }
    return (int) crc.getValue();
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
    if (idx.hashBuckets() > 0) {
      if (out.version < VERSION_2) {
        throw new IllegalArgumentException("hashed ids need model file version " + VERSION_2 + ", not " + out.version);
      }
      out.i32(3);
      out.i32(idx.hashBuckets());
    } else if (idx.isIdentity() && out.version >= VERSION_2) {
      out.i32(2);
      out.i32(idx.size());
    } else if (out.version >= FORMAT_VERSION) {
      out.mappedIndex(idx);
    } else if (idx.isNumeric()) {
      out.i32(0);
      out.i32(idx.size());
      for (int i = 0; i < idx.size(); i++) out.i64(idx.longId(i));
    } else {
      out.i32(1);
      out.i32(idx.size());
      for (int i = 0; i < idx.size(); i++) out.string(idx.externalId(i));
    }
  }

  static IdIndex readIndex(Input in) {
    int mode = in.i32();
    int n = in.i32();
    if (mode == 2) {
      if (n < 0) throw in.malformed("identity index of size " + n);
      return IdIndex.identity(n);
    }
    if (mode == 3) {
      if (n <= 0) throw in.malformed("hashed index of " + n + " buckets");
      return IdIndex.hashed(n);
    }
    if (mode == 4 || mode == 5) {
      return in.mappedIndex(n, mode == 4);
    }
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

  /** One entry of the version 2 section table. */
  record Section(String name, int type, long offset, long length, int rows, int dim, int crc) {

    /** The element type of a factor section; null for the stream and id tables. */
    FactorPrecision precision() {
      return type == STREAM || type == IDS ? null : FactorPrecision.ofCode(type);
    }
  }

  /** A section waiting to be written after the stream: a factor table or an id table. */
  private record Pending(String name, int type, int rows, int dim, int alignment, Body body) {}

  /** Writes a pending section's bytes. */
  @FunctionalInterface
  private interface Body {
    void write() throws IOException;
  }

  /**
   * Buffered little-endian writer. Version 2: keeps a CRC32C per section, queues factor tables
   * met in the stream and writes them after it as aligned sections, then the table. Version 1: one
   * CRC32C over the whole file, factors inline.
   */
  public static final class Output {
    private final FileChannel ch;
    private final int version;
    private final FactorPrecision precision;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private final List<Section> sections = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private long written;
    private long sectionStart;

    Output(FileChannel ch, int version, FactorPrecision precision) {
      this.ch = ch;
      this.version = version;
      this.precision = precision;
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

    /** Starts a section here (version 2; version 1 keeps one running checksum). */
    void beginSection() throws IOException {
      if (version == VERSION_1) return;
      flush();
      crc.reset();
      sectionStart = written;
    }

    private void endSection(String name, int type, int rows, int dim) throws IOException {
      flush();
      sections.add(new Section(name, type, sectionStart, written - sectionStart, rows, dim, (int) crc.getValue()));
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

    /**
     * An id index as its own section ({@link MappedIds}): mode, count, table bits and the section's
     * number in the stream, the table after it.
     */
    void mappedIndex(IdIndex idx) throws IOException {
      int bits = MappedIds.bitsFor(idx.size());
      i32(idx.isNumeric() ? 4 : 5);
      i32(idx.size());
      i32(bits);
      pending.add(new Pending("ids-" + (pending.size() + 1), IDS, idx.size(), bits, 8, () -> MappedIds.write(idx, this)));
      i32(pending.size());
    }

    /** The bytes of a segment of any size, as they are. */
    void segment(MemorySegment seg) throws IOException {
      for (long off = 0; off < seg.byteSize(); ) {
        ensure(8);
        int n = (int) Math.min(buf.remaining(), seg.byteSize() - off);
        buf.put(seg.asSlice(off, n).asByteBuffer());
        off += n;
      }
    }

    /** Interactions as dimensions, CSR pointers, items and values (no timestamps, no ids). */
    public void interactions(Interactions d) throws IOException {
      i32(d.numUsers());
      i32(d.numItems());
      ints(d.userPtr());
      ints(d.itemIdx());
      floats(d.values());
    }

    /** A matrix kept in fp32 whatever the file's factor precision (a fold-in basis, graph-filter factors). */
    public void matrix(FactorMatrix m) throws IOException {
      table("matrix-" + (pending.size() + 1), m, FactorPrecision.FP32);
    }

    /**
     * A model's latent factors, named for error messages ({@code user-factors}), stored in the
     * precision the file is written with; read back by {@link Input#factors}.
     */
    public void factors(String name, FactorStore m) throws IOException {
      table(name, m, precision);
    }

    private void table(String name, FactorStore m, FactorPrecision p) throws IOException {
      i32(m.rows());
      i32(m.dim());
      if (version == VERSION_1) {
        float[] row = new float[m.dim()];
        for (int r = 0; r < m.rows(); r++) {
          m.copyRow(r, row, 0);
          rawFloats(row, 0, row.length);
        }
      } else {
        pending.add(new Pending(name, p.code(), m.rows(), m.dim(), ALIGNMENT, () -> encode(name, m, p)));
        i32(pending.size()); // section number: the stream is section 0
      }
    }

    /** Rows encoded in the section's precision; a value the precision cannot hold is refused. */
    private void encode(String name, FactorStore m, FactorPrecision p) throws IOException {
      float[] row = new float[m.dim()];
      for (int r = 0; r < m.rows(); r++) {
        m.copyRow(r, row, 0);
        if (p == FactorPrecision.FP32) {
          rawFloats(row, 0, row.length);
          continue;
        }
        for (float v : row) {
          short h = p.encode16(v);
          if (Float.isFinite(v) && !Float.isFinite(p.decode16(h))) {
            throw new IllegalArgumentException(name + " row " + r + ": value " + v + " does not fit "
                + p.label() + " (largest finite " + (p == FactorPrecision.FP16 ? "65504" : "3.39e38")
                + "); write fp32 or bf16");
          }
          ensure(2);
          buf.putShort(h);
        }
      }
    }

    private void padTo(int alignment) throws IOException {
      flush();
      int pad = (int) ((alignment - written % alignment) % alignment);
      bytes(new byte[pad]);
    }

    void finish() throws IOException {
      if (version == VERSION_1) {
        flush();
        long total = written + TRAILER_V1;
        int c = (int) crc.getValue();
        buf.putLong(total);
        buf.putInt(c);
        buf.put(END);
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        return;
      }
      endSection("model", STREAM, 0, 0);
      for (Pending f : pending) {
        padTo(f.alignment());
        beginSection();
        f.body().write();
        endSection(f.name(), f.type(), f.rows(), f.dim());
      }
      beginSection();
      crc.update(MAGIC);
      crc.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, version));
      long tableOffset = written;
      i32(sections.size());
      for (Section sec : sections) {
        string(sec.name());
        i32(sec.type());
        i64(sec.offset());
        i64(sec.length());
        i32(sec.rows());
        i32(sec.dim());
        i32(sec.crc());
      }
      flush();
      int tableCrc = (int) crc.getValue();
      buf.putLong(tableOffset);
      buf.putLong(written + TRAILER);
      buf.putInt(tableCrc);
      buf.put(END);
      buf.flip();
      while (buf.hasRemaining()) ch.write(buf);
    }
  }

  /** Bounds-checked little-endian reader over the model stream, and the file's sections. */
  public static final class Input {
    private final ByteBuffer buf;
    private final Path path;
    private final MemorySegment file; // null in version 1
    private final List<Section> sections; // empty in version 1
    private final boolean deferred;
    private final List<Runnable> deferredChecks = new ArrayList<>();

    private Input(ByteBuffer buf, Path path, MemorySegment file, List<Section> sections, boolean deferred) {
      this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
      this.path = path;
      this.file = file;
      this.sections = sections;
      this.deferred = deferred;
    }

    /** Runs the checks left for later on a daemon thread; a completed future when there are none. */
    CompletableFuture<Void> verifyDeferred() {
      if (deferredChecks.isEmpty()) return CompletableFuture.completedFuture(null);
      CompletableFuture<Void> done = new CompletableFuture<>();
      List<Runnable> checks = List.copyOf(deferredChecks);
      Thread.ofPlatform().daemon().name("kindred-model-verify").start(() -> {
        long t0 = System.nanoTime();
        try {
          checks.forEach(Runnable::run);
          LOG.log(System.Logger.Level.INFO, "{0}: factor sections verified in {1} ms", path,
              (System.nanoTime() - t0) / 1_000_000);
          done.complete(null);
        } catch (RuntimeException e) {
          done.completeExceptionally(e);
        }
      });
      return done;
    }

    /** Checks a section's CRC32C. */
    private static void verify(MemorySegment file, Section sec, Path path) {
      if (crc32c(file.asSlice(sec.offset(), sec.length())) != sec.crc()) {
        throw new InvalidModelFileException(path + ": corrupted model file: checksum mismatch in section '"
            + sec.name() + "'");
      }
    }

    private void checkFinite(FactorStore m, String label) {
      int bad = m.firstNonFiniteRow();
      if (bad >= 0) {
        throw new InvalidModelFileException(path + ": bad model file: section '" + label + "' holds a NaN or"
            + " infinite value in row " + bad + " (the checksum matches: the model was written that way)");
      }
    }

    /** Checks a version 1 file's length and checksum; the stream starts after the header. */
    static Input version1(MemorySegment file, Path path) {
      long size = file.byteSize();
      if (size > Integer.MAX_VALUE) {
        throw new InvalidModelFileException(path + ": version 1 model files over 2 GiB are not readable ("
            + size + " bytes)");
      }
      long declared = file.get(I64, size - TRAILER_V1);
      if (declared != size) {
        throw new InvalidModelFileException(path + ": truncated model file: header says " + declared
            + " bytes, file has " + size);
      }
      int crcStored = file.get(I32, size - TRAILER_V1 + 8);
      if (crc32c(file.asSlice(0, size - TRAILER_V1)) != crcStored) {
        throw new InvalidModelFileException(path + ": corrupted model file: checksum mismatch");
      }
      return new Input(file.asSlice(HEADER, size - TRAILER_V1 - HEADER).asByteBuffer(), path, null, List.of(), false);
    }

    /**
     * Checks a version 2 file's trailer, table and section checksums (with {@code deferred}, only the
     * stream's at once, the others queued); the stream is section 0.
     */
    static Input version2(MemorySegment file, Path path, boolean deferred) {
      long size = file.byteSize();
      if (size < HEADER + TRAILER) {
        throw new InvalidModelFileException(path + ": truncated model file (only " + size + " bytes)");
      }
      long tableOffset = file.get(I64, size - TRAILER);
      long declared = file.get(I64, size - TRAILER + 8);
      if (declared != size) {
        throw new InvalidModelFileException(path + ": truncated model file: header says " + declared
            + " bytes, file has " + size);
      }
      if (tableOffset < HEADER || tableOffset > size - TRAILER) {
        throw new InvalidModelFileException(path + ": corrupted model file: section table at " + tableOffset);
      }
      MemorySegment table = file.asSlice(tableOffset, size - TRAILER - tableOffset);
      CRC32C headerAndTable = new CRC32C();
      headerAndTable.update(file.asSlice(0, HEADER).asByteBuffer());
      headerAndTable.update(table.asByteBuffer());
      if ((int) headerAndTable.getValue() != file.get(I32, size - TRAILER + 16)) {
        throw new InvalidModelFileException(path + ": corrupted model file: checksum mismatch in the section table");
      }
      Input t = new Input(table.asByteBuffer(), path, null, List.of(), false);
      int count = t.i32();
      t.checkCount(count, 36);
      List<Section> sections = new ArrayList<>(count);
      for (int j = 0; j < count; j++) {
        Section sec = new Section(t.string(), t.i32(), t.i64(), t.i64(), t.i32(), t.i32(), t.i32());
        checkSection(sec, tableOffset, path);
        sections.add(sec);
      }
      if (sections.isEmpty() || sections.get(0).type() != STREAM) {
        throw new InvalidModelFileException(path + ": malformed model file: no model stream section");
      }
      checkPadding(file, sections, tableOffset, path);
      Section stream = sections.get(0);
      verify(file, stream, path);
      if (stream.length() > Integer.MAX_VALUE) {
        throw new InvalidModelFileException(path + ": model stream of " + stream.length()
            + " bytes exceeds 2 GiB (ids and other non-factor data must fit 2 GiB)");
      }
      Input in = new Input(file.asSlice(stream.offset(), stream.length()).asByteBuffer(), path, file, sections,
          deferred);
      for (Section sec : sections.subList(1, sections.size())) {
        if (deferred) {
          in.deferredChecks.add(() -> verify(file, sec, path));
        } else {
          verify(file, sec, path);
        }
      }
      return in;
    }

    /** Sections follow each other in order; the alignment padding between them, which no checksum covers, must be zero. */
    private static void checkPadding(MemorySegment file, List<Section> sections, long tableOffset, Path path) {
      long at = HEADER;
      for (int j = 0; j <= sections.size(); j++) {
        long next = j < sections.size() ? sections.get(j).offset() : tableOffset;
        String before = j < sections.size() ? "section '" + sections.get(j).name() + "'" : "the section table";
        if (next < at) {
          throw new InvalidModelFileException(path + ": malformed model file: " + before + " overlaps the one before");
        }
        for (long b = at; b < next; b++) {
          if (file.get(ValueLayout.JAVA_BYTE, b) != 0) {
            throw new InvalidModelFileException(path + ": corrupted model file: padding byte " + b + " before "
                + before + " is not zero");
          }
        }
        if (j < sections.size()) at = next + sections.get(j).length();
      }
    }

    private static void checkSection(Section sec, long tableOffset, Path path) {
      String where = path + ": malformed model file: section '" + sec.name() + "' ";
      if (sec.offset() < HEADER || sec.length() < 0 || sec.offset() > tableOffset - sec.length()) {
        throw new InvalidModelFileException(where + "at " + sec.offset() + " (+" + sec.length()
            + " bytes) lies outside the file");
      }
      if (sec.type() == STREAM) return;
      if (sec.type() == IDS) {
        if (sec.offset() % 8 != 0) throw new InvalidModelFileException(where + "is not aligned to 8 bytes");
        return; // its length is checked against the stream's counts when the index is read
      }
      FactorPrecision p = sec.precision();
      if (p == null) throw new InvalidModelFileException(where + "has unknown element type " + sec.type());
      if (sec.offset() % ALIGNMENT != 0) {
        throw new InvalidModelFileException(where + "is not aligned to " + ALIGNMENT + " bytes");
      }
      if (sec.rows() < 0 || sec.dim() <= 0 || (long) sec.rows() * sec.dim() * p.bytes() != sec.length()) {
        throw new InvalidModelFileException(where + "holds " + sec.length() + " bytes, not " + sec.rows() + " x "
            + sec.dim() + " " + p.label());
      }
    }

    public int remaining() {
      return buf.remaining();
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

    /** Reads what {@link Output#mappedIndex} wrote: the index over its section, where the file lies. */
    IdIndex mappedIndex(int n, boolean numeric) {
      int bits = i32();
      int number = i32();
      if (file == null) throw malformed("a mapped id index in a version 1 file");
      if (number <= 0 || number >= sections.size()) throw malformed("id index refers to section " + number);
      Section sec = sections.get(number);
      if (sec.type() != IDS || sec.rows() != n || sec.dim() != bits) {
        throw malformed("section '" + sec.name() + "' is not the table of " + n + " ids the model expects");
      }
      try {
        return IdIndex.mapped(new MappedIds(file.asSlice(sec.offset(), sec.length()), n, bits, numeric));
      } catch (IllegalArgumentException e) {
        throw malformed("section '" + sec.name() + "': " + e.getMessage());
      }
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

    /** Reads what {@link Output#matrix} wrote, onto the heap (checked now: it is read in full anyway). */
    public FactorMatrix matrix() {
      return table("matrix", false).toHeap();
    }

    /**
     * Reads what {@link Output#factors} wrote: in version 2 the mapped section (no copy), in version
     * 1 an on-heap matrix. Refuses a table holding a NaN or infinity, naming the file and the section.
     */
    public FactorStore factors(String name) {
      return table(name, deferred);
    }

    private FactorStore table(String name, boolean checkLater) {
      int rows = i32();
      int dim = i32();
      if (dim <= 0) throw new InvalidModelFileException(path + ": malformed model file: factor dim " + dim);
      FactorStore m;
      String label = name;
      if (file == null) {
        checkCount((long) rows * dim, 4);
        FactorMatrix heap = new FactorMatrix(rows, dim);
        for (int p = 0; p < heap.pageCount(); p++) {
          float[] page = heap.pageArray(p);
          buf.asFloatBuffer().get(page);
          buf.position(buf.position() + 4 * page.length);
        }
        m = heap;
      } else {
        int number = i32();
        if (number <= 0 || number >= sections.size()) throw malformed(name + " refers to section " + number);
        Section sec = sections.get(number);
        label = sec.name();
        if (sec.type() == STREAM || sec.rows() != rows || sec.dim() != dim) {
          throw malformed("section '" + sec.name() + "' is not the " + rows + " x " + dim + " factors the model expects");
        }
        m = new MappedFactors(file.asSlice(sec.offset(), sec.length()), rows, dim, sec.precision());
      }
      if (checkLater && m instanceof MappedFactors) {
        FactorStore later = m;
        String what = label;
        deferredChecks.add(() -> checkFinite(later, what));
      } else {
        checkFinite(m, label);
      }
      return m;
    }
  }
}
