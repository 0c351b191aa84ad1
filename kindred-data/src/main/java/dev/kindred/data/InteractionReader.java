package dev.kindred.data;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.WorkerPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads interaction files into {@link Interactions}.
 *
 * <p>Input handling, for every format: plain or gzip (recognised by its magic bytes, not the
 * file name); a UTF-8 byte order mark is dropped; CRLF line ends are accepted; blank lines are
 * skipped; an empty file gives empty interactions. Ids may be any text; ids that are canonical
 * longs (also beyond int range) are kept as numbers by {@link IdIndex}. Ratings must be finite
 * decimal numbers and timestamps integers. A row that does not parse fails the read with a
 * {@link DataFormatException} naming file and line, or is skipped and counted when
 * {@link ReadOptions#skipInvalid()} is set. Repeated (user, item) pairs are merged by
 * {@link ReadOptions#duplicates()} with the semantics of {@link Interactions#fromCoo}.
 *
 * <p>Indices: users and items are numbered in order of first appearance in the file (in
 * {@link #readShared}, in the files in order), independent of the thread count.
 *
 * <p>Cost: one pass over the bytes. Numeric fields are parsed from the bytes without creating
 * strings; a plain file is cut into newline-aligned ranges parsed by {@link ReadOptions#threads()}
 * threads (a gzip file is decompressed on one thread and parsed on another), then the rows of all
 * ranges are scattered into CSR form in parallel ({@link CsrAssembler}). Memory: about 20 bytes per row while reading (ids, value, timestamp), then the
 * {@code Interactions}. Threads are created for the call and stopped before it returns; the
 * methods are safe to call concurrently.
 */
public final class InteractionReader {

  private static final Logger LOG = LoggerFactory.getLogger(InteractionReader.class);

  /**
   * Sizes that only change speed, never results; tests shrink them to cross every boundary.
   *
   * @param block bytes read per block (a longer line grows the buffer)
   * @param minRange smallest part of a plain file worth a thread of its own
   */
  record Tuning(int block, long minRange) {
    static final Tuning DEFAULT = new Tuning(4 << 20, 8L << 20);
  }
  /** Initial bytes looked at to find the byte order mark and the first data line. */
  private static final int PROBE = 1 << 16;

  private InteractionReader() {}

  /** Reads one file in a known format. */
  public static LoadResult read(Path file, InteractionFormat format, ReadOptions opts) throws IOException {
    Objects.requireNonNull(format, "format");
    return readAll(List.of(file), Dialect.of(format, Objects.requireNonNull(opts, "opts")), opts, Tuning.DEFAULT)
        .getFirst();
  }

  /**
   * Reads one delimited file laid out as {@code mapping} says. Fields beyond the mapped columns
   * are ignored; lines starting with {@code #} are skipped; fields may be double-quoted unless
   * the delimiter is a tab or a space.
   */
  public static LoadResult read(Path file, ColumnMapping mapping, ReadOptions opts) throws IOException {
    Objects.requireNonNull(mapping, "mapping");
    return readAll(List.of(file), Dialect.of(mapping, Objects.requireNonNull(opts, "opts")), opts, Tuning.DEFAULT)
        .getFirst();
  }

  /**
   * Reads several files (e.g. train and test) onto one user and one item {@link IdIndex}: every
   * returned {@code Interactions} has the same {@code numUsers} and {@code numItems} and the same
   * two index objects. Ids first seen in a later file get the next indices.
   */
  public static List<LoadResult> readShared(List<Path> files, InteractionFormat format, ReadOptions opts)
      throws IOException {
    Objects.requireNonNull(format, "format");
    return readAll(files, Dialect.of(format, Objects.requireNonNull(opts, "opts")), opts, Tuning.DEFAULT);
  }

  /** {@link #readShared(List, InteractionFormat, ReadOptions)} for files described by a column mapping. */
  public static List<LoadResult> readShared(List<Path> files, ColumnMapping mapping, ReadOptions opts)
      throws IOException {
    Objects.requireNonNull(mapping, "mapping");
    return readAll(files, Dialect.of(mapping, Objects.requireNonNull(opts, "opts")), opts, Tuning.DEFAULT);
  }

  // --- orchestration ------------------------------------------------------------------------------

  /** One file's parse: its parts in file order and the dialect they used. */
  private record Parsed(Path file, Dialect dialect, List<LineParser> parts) {}

  /** What survives of a parse once its rows are handed to the assembler. */
  private record FileSummary(Path file, boolean hasTimestamps, long skipped, List<String> examples) {}

  /** {@link #readShared} with explicit tuning, for tests. */
  static List<LoadResult> readShared(List<Path> files, InteractionFormat format, ReadOptions opts, Tuning tuning)
      throws IOException {
    return readAll(files, Dialect.of(format, opts), opts, tuning);
  }

  /**
   * {@link #parseFile}, with the file named in what can go wrong with the file itself: a directory
   * ({@link IllegalArgumentException}), or gzip data that is corrupt or cut short (a
   * {@link java.util.zip.ZipException} naming the file).
   */
  private static Parsed parseNamed(Path file, Dialect base, ReadOptions opts, WorkerPool workers, Tuning tuning)
      throws IOException {
    if (Files.isDirectory(file)) throw new IllegalArgumentException(file + ": is a directory, not a data file");
    try {
      return parseFile(file, base, opts, workers, tuning);
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      java.util.zip.ZipException named = new java.util.zip.ZipException(file + ": corrupt or truncated gzip data ("
          + e.getMessage() + ")");
      named.initCause(e);
      throw named;
    }
  }

  private static List<LoadResult> readAll(List<Path> files, Dialect base, ReadOptions opts, Tuning tuning)
      throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files to read");
    }
    long t0 = System.nanoTime();
    InteractionAssembly assembly = new InteractionAssembly(opts.hashUserBuckets());
    try (WorkerPool workers = WorkerPool.create(opts.effectiveThreads(), "kindred-data")) {
      long parseNanos = 0;
      long idNanos = 0;
      for (Path file : files) {
        long t1 = System.nanoTime();
        Parsed p = parseNamed(Objects.requireNonNull(file, "file"), base, opts, workers, tuning);
        checkErrors(p);
        long t2 = System.nanoTime();
        for (LineParser part : p.parts()) {
          // Parts are added in file order, so global indices follow first appearance in the file.
          assembly.add(part.batch);
        }
        FileSummary s = summarize(p);
        assembly.endFile(s.file(), s.hasTimestamps(), s.skipped(), s.examples());
        parseNanos += t2 - t1;
        idNanos += System.nanoTime() - t2;
      }
      long t3 = System.nanoTime();
      List<LoadResult> results = assembly.build(opts.duplicates(), workers);
      if (LOG.isDebugEnabled()) {
        long t4 = System.nanoTime();
        Interactions first = results.getFirst().data();
        LOG.debug("read {} file(s), {} users x {} items in {} ms with {} thread(s): parse {} ms, ids {} ms, CSR {} ms",
            files.size(), first.numUsers(), first.numItems(), (t4 - t0) / 1_000_000, workers.threads(),
            parseNanos / 1_000_000, idNanos / 1_000_000, (t4 - t3) / 1_000_000);
      }
      return results;
    }
  }

  /** Throws the first fatal problem in file order, with its global line number. */
  private static void checkErrors(Parsed p) {
    long before = 0;
    for (LineParser part : p.parts()) {
      if (part.error != null) {
        throw new DataFormatException(p.file(), before + part.error.line(), part.error.text());
      }
      before += part.lines;
    }
  }

  /** Counts and the first skipped-row messages, with global line numbers. */
  private static FileSummary summarize(Parsed p) {
    long skipped = 0;
    long before = 0;
    List<String> examples = new ArrayList<>();
    for (LineParser part : p.parts()) {
      skipped += part.skipped;
      for (LineParser.Problem x : part.examples) {
        if (examples.size() < LoadResult.MAX_EXAMPLES) {
          examples.add(p.file() + ":" + (before + x.line()) + ": " + x.text());
        }
      }
      before += part.lines;
    }
    if (skipped > 0) {
      LOG.info("{}: skipped {} invalid row(s), first: {}", p.file(), skipped, examples.getFirst());
    }
    return new FileSummary(p.file(), p.dialect().hasTimestamps(), skipped, examples);
  }

  // --- one file -----------------------------------------------------------------------------------

  /** The file's layout: where data starts and the resolved dialect. */
  private record Layout(int bomLength, Dialect dialect, long headerOffset) {}

  @FunctionalInterface
  private interface HeadReader {
    /** Up to {@code n} bytes from the start of the (decompressed) file. */
    byte[] read(int n) throws IOException;
  }

  private static Parsed parseFile(Path file, Dialect base, ReadOptions opts, WorkerPool workers, Tuning tuning)
      throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      byte[] magic = new byte[2];
      int got = readAt(ch, magic, 0, 2, 0);
      if (got == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        Layout layout = probe(file, base, opts, n -> {
          try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            return in.readNBytes(n);
          }
        });
        int expectedRows = (int) Math.min(Integer.MAX_VALUE - 16, gunzippedSizeHint(ch, size) / 24 + 16);
        return new Parsed(file, layout.dialect(),
            List.of(parseGzip(file, layout, opts, tuning, workers, expectedRows)));
      }
      Layout layout = probe(file, base, opts, n -> {
        byte[] b = new byte[(int) Math.min(n, size)];
        int r = readAt(ch, b, 0, b.length, 0);
        return r == b.length ? b : Arrays.copyOf(b, r);
      });
      return new Parsed(file, layout.dialect(), parsePlain(ch, size, layout, opts, workers, tuning));
    }
  }

  /**
   * Finds the byte order mark and, for formats that need it, the column count and header from
   * the first data line (blank and comment lines before it are passed over; with skipInvalid,
   * unusable lines too).
   */
  private static Layout probe(Path file, Dialect base, ReadOptions opts, HeadReader head) throws IOException {
    for (int want = PROBE; ; want = (int) Math.min(4L * want, Integer.MAX_VALUE - 16)) {
      byte[] h = head.read(want);
      boolean eof = h.length < want;
      int bom = h.length >= 3 && (h[0] & 0xff) == 0xEF && (h[1] & 0xff) == 0xBB && (h[2] & 0xff) == 0xBF ? 3 : 0;
      if (!base.inferColumns()) {
        return new Layout(bom, base, base.header() ? bom : -1);
      }
      FieldSplitter splitter = new FieldSplitter(base);
      long line = 0;
      int p = bom;
      while (p < h.length) {
        int eol = p;
        while (eol < h.length && h[eol] != '\n') {
          eol++;
        }
        if (eol == h.length && !eof) {
          break; // the line goes on beyond what was read
        }
        line++;
        int e = eol > p && h[eol - 1] == '\r' ? eol - 1 : eol;
        int lineStart = p;
        p = eol + 1;
        if (isBlankOrComment(h, lineStart, e, base)) {
          continue;
        }
        int n = splitter.split(h, lineStart, e);
        String problem = n < 0 ? splitter.problem()
            : n < base.minFields() || n > base.maxFields() ? base.fieldCountProblem(n) : null;
        if (problem != null) {
          if (opts.skipInvalid()) {
            continue; // the parser will skip and count it
          }
          throw new DataFormatException(file, line, problem);
        }
        boolean header = base.detectHeader() && looksLikeHeader(splitter, h, n);
        Dialect d = base.withColumnCount(n, header, opts.implicit());
        return new Layout(bom, d, header ? lineStart : -1);
      }
      if (eof) {
        return new Layout(bom, base.withColumnCount(2, false, opts.implicit()), -1);
      }
    }
  }

  private static boolean isBlankOrComment(byte[] b, int s, int e, Dialect d) {
    int p = s;
    while (p < e && (b[p] == ' ' || b[p] == '\t')) {
      p++;
    }
    return p == e || (d.comments() && b[s] == '#');
  }

  /** A csv first line whose rating or timestamp field is not numeric is a header. */
  private static boolean looksLikeHeader(FieldSplitter f, byte[] line, int fields) {
    if (fields >= 3 && !Float.isFinite(Ascii.parseDecimal(f.source(2, line), f.start(2), f.end(2)))) {
      return true;
    }
    return fields >= 4 && Ascii.parseInteger(f.source(3, line), f.start(3), f.end(3)) == Ascii.NOT_AN_INTEGER;
  }

  /** Cuts a plain file into newline-aligned ranges and parses them in parallel. */
  private static List<LineParser> parsePlain(FileChannel ch, long size, Layout layout, ReadOptions opts,
      WorkerPool workers, Tuning tuning) throws IOException {
    long minRange = tuning.minRange();
    long start = Math.min(layout.bomLength(), size);
    long body = size - start;
    int threads = workers.threads();
    int ranges = threads == 1 || body < 2 * minRange ? 1 : (int) Math.min(2L * threads, body / minRange);
    long[] bounds = new long[ranges + 1];
    bounds[0] = start;
    bounds[ranges] = size;
    for (int k = 1; k < ranges; k++) {
      bounds[k] = Math.max(bounds[k - 1], lineStartAtOrAfter(ch, start + body * k / ranges, size));
    }
    LineParser[] parts = new LineParser[ranges];
    workers.run(ranges, k -> {
      // Allocated here so that each thread zeroes its own row buffers.
      int expectedRows = (int) Math.min(Integer.MAX_VALUE - 16, (bounds[k + 1] - bounds[k]) / 24 + 16);
      parts[k] = new LineParser(layout.dialect(), opts.skipInvalid(), layout.headerOffset(), expectedRows);
      parseRange(ch, bounds[k], bounds[k + 1], parts[k], tuning.block());
    });
    return List.of(parts);
  }

  /** The first offset at or after {@code pos} that starts a line. */
  private static long lineStartAtOrAfter(FileChannel ch, long pos, long size) throws IOException {
    byte[] buf = new byte[1 << 16];
    long at = pos - 1; // a line starts at pos if the byte before it is a newline
    while (at < size) {
      int n = readAt(ch, buf, 0, (int) Math.min(buf.length, size - at), at);
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          return at + i + 1;
        }
      }
      at += n;
    }
    return size;
  }

  /** Parses {@code [from, to)}, which starts a line and ends after a newline or at the end of the file. */
  private static void parseRange(FileChannel ch, long from, long to, LineParser parser, int block)
      throws IOException {
    byte[] buf = new byte[(int) Math.max(1, Math.min(block, to - from))];
    int carry = 0;
    long pos = from;
    while (true) {
      if (carry == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
      }
      int want = (int) Math.min(buf.length - carry, to - pos);
      readAt(ch, buf, carry, want, pos);
      pos += want;
      int len = carry + want;
      boolean last = pos >= to;
      int cut = last ? len : lastNewline(buf, len) + 1;
      if (cut > 0 && !parser.parse(buf, 0, cut, pos - len)) {
        return;
      }
      if (last) {
        return;
      }
      carry = len - cut;
      System.arraycopy(buf, cut, buf, 0, carry);
    }
  }

  /** Decompresses and parses a gzip file: on one thread, or as a two-stage pipeline with two or more. */
  private static LineParser parseGzip(Path file, Layout layout, ReadOptions opts, Tuning tuning, WorkerPool workers,
      int expectedRows) throws IOException {
    LineParser parser = new LineParser(layout.dialect(), opts.skipInvalid(), layout.headerOffset(), expectedRows);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      in.skipNBytes(layout.bomLength());
      if (workers.threads() == 1) {
        byte[] buf = new byte[tuning.block()];
        int carry = 0;
        long abs = layout.bomLength(); // offset of buf[0] in the decompressed file
        while (true) {
          if (carry == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
          }
          int want = buf.length - carry;
          int got = in.readNBytes(buf, carry, want);
          int len = carry + got;
          boolean last = got < want;
          int cut = last ? len : lastNewline(buf, len) + 1;
          if ((cut > 0 && !parser.parse(buf, 0, cut, abs)) || last) {
            return parser;
          }
          carry = len - cut;
          System.arraycopy(buf, cut, buf, 0, carry);
          abs += cut;
        }
      }
      GzipPipeline pipeline = new GzipPipeline(in, tuning.block(), layout.bomLength());
      workers.run(2, k -> {
        if (k == 0) {
          pipeline.produce();
        } else {
          pipeline.consume(parser);
        }
      });
      return parser;
    }
  }

  /**
   * Decompression on one thread, parsing on another, handing over blocks of whole lines through
   * a queue; three buffers circulate. Each side stops cleanly when the other stops: the producer
   * always ends with an end marker, the consumer raises {@code done} when it leaves.
   */
  private static final class GzipPipeline {
    private record Block(byte[] buf, int len, long abs) {}

    private static final Block END = new Block(new byte[0], 0, -1);

    private final InputStream in;
    private final long start;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(3);
    private final BlockingQueue<Block> full = new ArrayBlockingQueue<>(4);
    private final AtomicBoolean done = new AtomicBoolean();

    GzipPipeline(InputStream in, int block, long start) {
      this.in = in;
      this.start = start;
      for (int k = 0; k < 3; k++) {
        free.add(new byte[block]);
      }
    }

    void produce() throws IOException {
      try {
        byte[] buf = take();
        int carry = 0;
        long abs = start;
        while (buf != null) {
          if (carry == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
          }
          int want = buf.length - carry;
          int got = in.readNBytes(buf, carry, want);
          int len = carry + got;
          if (got < want) {
            full.add(new Block(buf, len, abs));
            return;
          }
          int cut = lastNewline(buf, len) + 1;
          if (cut == 0) {
            carry = len;
            continue;
          }
          byte[] next = take();
          if (next == null) {
            return;
          }
          carry = len - cut;
          if (next.length < carry) {
            next = new byte[buf.length];
          }
          System.arraycopy(buf, cut, next, 0, carry);
          full.add(new Block(buf, cut, abs));
          abs += cut;
          buf = next;
        }
      } finally {
        full.add(END); // capacity 4 > 3 buffers: always room
      }
    }

    /** A free buffer, or null once the consumer has stopped. */
    private byte[] take() throws IOException {
      try {
        byte[] b;
        while ((b = free.poll(50, TimeUnit.MILLISECONDS)) == null) {
          if (done.get()) {
            return null;
          }
        }
        return b;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while decompressing");
      }
    }

    void consume(LineParser parser) throws IOException {
      try {
        while (true) {
          Block b = full.take();
          if (b == END || !parser.parse(b.buf(), 0, b.len(), b.abs())) {
            return;
          }
          free.add(b.buf());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while parsing");
      } finally {
        done.set(true);
      }
    }
  }

  /**
   * A sizing hint for a gzip file's content: the trailer's ISIZE (size mod 2^32 of the last
   * member), lifted by 2^32 while it is implausibly small next to the compressed size (a file
   * over 4 GiB), and capped at 20 times the compressed size so a hint never allocates wildly.
   * Only an initial capacity depends on it.
   */
  private static long gunzippedSizeHint(FileChannel ch, long size) throws IOException {
    byte[] t = new byte[4];
    if (size < 18 || readAt(ch, t, 0, 4, size - 4) < 4) {
      return size;
    }
    long isize = (t[0] & 0xffL) | (t[1] & 0xffL) << 8 | (t[2] & 0xffL) << 16 | (t[3] & 0xffL) << 24;
    while (isize + 1024 < size / 2) {
      isize += 1L << 32;
    }
    return Math.min(isize, 20 * size);
  }

  private static int lastNewline(byte[] b, int len) {
    for (int i = len - 1; i >= 0; i--) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Reads {@code len} bytes at {@code pos} (fewer only at the end of the file); returns the count. */
  private static int readAt(FileChannel ch, byte[] b, int off, int len, long pos) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(b, off, len);
    int total = 0;
    while (bb.hasRemaining()) {
      int r = ch.read(bb, pos + total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }
}
