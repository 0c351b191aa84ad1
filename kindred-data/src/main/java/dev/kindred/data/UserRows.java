package dev.kindred.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Removes one user's rows from a delimited interaction file (the right to erasure), rewriting it
 * atomically through {@link AtomicFiles}: the file is at every moment either the old one or the new
 * one. A row is the user's when its user field (split as the reader splits it, quotes resolved)
 * is the id (for {@code lightgcn}, the line's first field); a line that does not split, or a comment,
 * is also cut when it contains the id's bytes anywhere (erasure errs on the side of removal). Every other line is
 * kept byte for byte, in order, header included.
 *
 * <p>Streams the file: memory is one line. Gzip files are refused (decompress, forget, recompress).
 * Stateless and thread-safe; not safe while another process writes the file.
 */
public final class UserRows {

  private UserRows() {}

  /** Removes {@code user}'s rows from {@code file} in {@code format}; returns how many lines were cut. */
  public static int remove(Path file, InteractionFormat format, String user) throws IOException {
    return remove(file, Dialect.of(format, ReadOptions.DEFAULTS), user);
  }

  /** Removes {@code user}'s rows from {@code file} laid out as {@code mapping}; returns how many lines were cut. */
  public static int remove(Path file, ColumnMapping mapping, String user) throws IOException {
    return remove(file, Dialect.of(mapping, ReadOptions.DEFAULTS), user);
  }

  private static int remove(Path file, Dialect dialect, String user) throws IOException {
    if (Files.isDirectory(file) || !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": not a regular file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] magic = in.readNBytes(2);
      if (magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        throw new IllegalArgumentException(file + ": a gzip file; decompress it, forget the user, and compress it again");
      }
    }
    byte[] id = user.getBytes(StandardCharsets.UTF_8);
    FieldSplitter splitter = new FieldSplitter(dialect);
    int[] removed = new int[1];
    // A first pass counts, so a file without the user is not rewritten at all.
    if (scan(file, dialect, splitter, id, null) == 0) return 0;
    AtomicFiles.write(file, out -> {
      try (OutputStream os = new BufferedOutputStream(out, 1 << 16)) {
        removed[0] = scan(file, dialect, splitter, id, os);
      }
    });
    return removed[0];
  }

  /** Walks the lines of {@code file}, writing the kept ones to {@code out} (when not null); returns the cut count. */
  private static int scan(Path file, Dialect dialect, FieldSplitter splitter, byte[] id, OutputStream out)
      throws IOException {
    int cut = 0;
    byte[] line = new byte[256];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      while (true) {
        int len = 0;
        int b;
        while ((b = in.read()) >= 0) {
          if (len == line.length) line = Arrays.copyOf(line, 2 * len);
          line[len++] = (byte) b;
          if (b == '\n') break;
        }
        if (len == 0) break;
        if (isTheirs(dialect, splitter, line, len, id)) {
          cut++;
        } else if (out != null) {
          out.write(line, 0, len);
        }
        if (b < 0) break;
      }
    }
    return cut;
  }

  private static boolean isTheirs(Dialect dialect, FieldSplitter splitter, byte[] line, int len, byte[] id) {
    int end = len;
    if (end > 0 && line[end - 1] == '\n') end--;
    if (end > 0 && line[end - 1] == '\r') end--;
    boolean comment = dialect.comments() && end > 0 && line[0] == '#';
    int fields = comment ? -1 : splitter.split(line, 0, end);
    if (fields > dialect.userCol()) {
      int k = dialect.userCol();
      return Arrays.equals(splitter.source(k, line), splitter.start(k), splitter.end(k), id, 0, id.length);
    }
    for (int i = 0; i + id.length <= end; i++) {
      if (Arrays.equals(line, i, i + id.length, id, 0, id.length)) return true;
    }
    return false;
  }
}
