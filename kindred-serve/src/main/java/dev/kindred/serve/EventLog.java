package dev.kindred.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Append-only, durable log of interaction events, one tab-separated line each:
 * {@code user, item, value, timestampMillis}, and a fifth field {@code id} when the event has one
 * (an event from a stream names its source position there, so a consumer can tell after a crash
 * which records are already in the log). An event is acknowledged only after its line is
 * written (and, with {@link Sync#ALWAYS}, forced to disk), so after a crash every acknowledged
 * event is in the log; a torn last line (a crash mid-write, never acknowledged, perhaps ending
 * inside a multi-byte character) is skipped on replay and cut off when the log is opened, so the
 * next event starts a line of its own. Open the log before replaying it, so the cut is logged. Ids
 * are checked ({@link #idProblem}) so that every acknowledged event replays as itself.
 *
 * <p>Durability is group-committed: {@link #write} puts lines in the file (serialised), and
 * {@link #awaitDurable} returns once an {@code fsync} issued after them has finished; one caller
 * forces for every line written meanwhile, so N concurrent appends cost about one {@code fsync},
 * not N in a row. The log can be compacted in place: {@link #removeUser} (erasure) and
 * {@link #compactBefore} (events a model already holds) rewrite it atomically.
 *
 * <p>Thread-safe: writes and rewrites are serialised on this object; forcing happens outside that
 * lock, so writers are never held up by another's {@code fsync}. Lock order: this object, then the
 * sync lock; a forcer holding the sync lock never takes this object's.
 */
public final class EventLog implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventLog.class);

  /** When appended lines reach the disk. */
  public enum Sync {
    /** {@code fsync} before acknowledging each append: no acknowledged event is ever lost. */
    ALWAYS,
    /** Leave it to the OS: faster, and a machine crash (not a process crash) may lose recent events. */
    NONE
  }

  /** One event; {@code id} is null when the event has none. */
  public record Event(String user, String item, float value, long timestampMillis, String id) {
    /** An event without an id. */
    public Event(String user, String item, float value, long timestampMillis) {
      this(user, item, value, timestampMillis, null);
    }
  }

  private final Path path;
  private volatile FileChannel channel; // replaced (under this object's lock) when a rewrite reopens the file
  private final Sync sync;
  /**
   * Bytes written since opening, counted once they are in the file (a logical count, not a file
   * position: a rewrite does not reset it). Changed under this object's lock, read without it.
   */
  private volatile long written;
  private final java.util.concurrent.locks.ReentrantLock syncLock = new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.locks.Condition forced = syncLock.newCondition();
  private boolean forcing; // guarded by syncLock
  private long durable; // guarded by syncLock: of the bytes written, how many are known to be on disk

  private EventLog(Path path, FileChannel channel, Sync sync) {
    this.path = path;
    this.channel = channel;
    this.sync = sync;
  }

  /** Opens (creating if needed) the log for appending; a torn last line is cut off first. */
  public static EventLog open(Path path, Sync sync) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    if (Files.exists(path)) cutTornTail(path);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new EventLog(path, ch, sync);
  }

  /** Truncates the log after its last newline, when bytes follow it (a write a crash cut short). */
  static void cutTornTail(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long end = size;
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (end > 0) {
        int n = (int) Math.min(buf.capacity(), end);
        buf.clear().limit(n);
        long at = end - n;
        while (buf.hasRemaining()) {
          if (ch.read(buf, at + buf.position()) < 0) throw new IOException(path + ": shrank while being read");
        }
        int i = n - 1;
        while (i >= 0 && buf.get(i) != '\n') i--;
        if (i >= 0) {
          end = at + i + 1;
          break;
        }
        end = at;
      }
      if (end < size) {
        ch.truncate(end);
        ch.force(true);
        LOG.warn("{}: cut off a torn last line of {} bytes (a write interrupted by a crash; never acknowledged)",
            path, size - end);
      }
    }
  }

  /**
   * Every complete event in the log, in order: {@link #replayFrom} from the start. An unterminated
   * last line is not an event; a line that is not valid UTF-8 or not an event is skipped with a
   * warning naming the file and line.
   */
  public static List<Event> replay(Path path) throws IOException {
    return replayFrom(path, 0).events();
  }

  /**
   * The events of the newline-terminated lines from byte {@code offset} on, and the offset just
   * past the last of them: a later call from that offset reads only what was appended since. An
   * unterminated last line (being written, or torn) is left for the next call.
   *
   * @param events complete, well-formed events in log order
   * @param endOffset byte offset just past the last newline read
   */
  public record Replay(List<Event> events, long endOffset) {}

  /** The most lines skipped that are each named in the log; the rest are counted. */
  private static final int MAX_NAMED_BAD_LINES = 10;

  /**
   * Reads the log from byte {@code offset}; see {@link Replay}. A missing file reads as empty. Lines
   * are split at {@code '\n'} only (a {@code '\r'} inside an id stays in it) and decoded strictly:
   * a line that is not UTF-8 or not an event is skipped and named in a warning ({@code file:line}
   * when read from the start, else its byte offset).
   */
  public static Replay replayFrom(Path path, long offset) throws IOException {
    List<Event> out = new ArrayList<>();
    if (!Files.exists(path)) return new Replay(out, offset);
    long end = offset;
    int bad = 0;
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        java.io.InputStream in = new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(
            ch.position(offset)), 1 << 16)) {
      java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(128);
      long pos = offset;
      long lineNo = 0;
      int b;
      while ((b = in.read()) >= 0) {
        pos++;
        if (b != '\n') {
          line.write(b);
          continue;
        }
        lineNo++;
        String problem;
        Event e = null;
        try {
          String text = utf8.decode(ByteBuffer.wrap(line.toByteArray())).toString();
          e = parse(text);
          problem = e == null ? "not an event (want user, item, value, timestamp[, id] separated by tabs)" : null;
        } catch (CharacterCodingException x) {
          problem = "not valid UTF-8";
        }
        if (e != null) {
          out.add(e);
        } else if (++bad <= MAX_NAMED_BAD_LINES) {
          LOG.warn("{}: skipped {}: {}", path, offset == 0 ? "line " + lineNo : "the line at byte " + end, problem);
        }
        line.reset();
        end = pos;
      }
    }
    if (bad > MAX_NAMED_BAD_LINES) {
      LOG.warn("{}: skipped {} lines in all that were not valid events (the first {} are named above)", path, bad,
          MAX_NAMED_BAD_LINES);
    }
    return new Replay(out, end);
  }

  private static Event parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 4 && f.length != 5) return null;
    try {
      return new Event(f[0], f[1], Float.parseFloat(f[2]), Long.parseLong(f[3]), f.length == 5 ? f[4] : null);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Why {@code id} cannot be an id in the log, or null when it can: it must be non-empty, with no
   * control character (tab, newline and carriage return among them: they would split the line or
   * the id on replay) and no lone surrogate (UTF-8 cannot encode it; it would come back as '?').
   */
  public static String idProblem(String id) {
    if (id.isEmpty()) return "is empty";
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (Character.isISOControl(c)) {
        return String.format("contains the control character U+%04X at position %d", (int) c, i);
      }
      if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return String.format("contains a lone surrogate U+%04X at position %d", (int) c, i);
      }
    }
    return null;
  }

  /** Appends events as one write; returns once they are durable under the sync policy. */
  public void append(List<Event> events) throws IOException {
    awaitDurable(write(events));
  }

  /**
   * Writes events as one write, without waiting for the disk; returns the ticket to pass to
   * {@link #awaitDurable}.
   *
   * @throws IllegalArgumentException if an id cannot be logged ({@link #idProblem}); nothing is written
   */
  public synchronized long write(List<Event> events) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Event e : events) {
      String problem = idProblem(e.user());
      if (problem != null) throw new IllegalArgumentException("user id " + problem);
      problem = idProblem(e.item());
      if (problem != null) throw new IllegalArgumentException("item id " + problem);
      problem = e.id() == null ? null : idProblem(e.id());
      if (problem != null) throw new IllegalArgumentException("event id " + problem);
      sb.append(e.user()).append('\t').append(e.item()).append('\t').append(e.value()).append('\t')
          .append(e.timestampMillis());
      if (e.id() != null) sb.append('\t').append(e.id());
      sb.append('\n');
    }
    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    int n = buf.remaining();
    while (buf.hasRemaining()) channel.write(buf);
    written += n; // only after the bytes are in the file: a forcer reading it covers them
    return written;
  }

  /**
   * Returns once everything {@link #write} had written when it returned {@code ticket} is on disk
   * (at once with {@link Sync#NONE}). Group commit: when no {@code fsync} is running, this caller
   * runs one covering every byte written so far; else it waits for the running one and, if that did
   * not cover its bytes, for the next.
   */
  public void awaitDurable(long ticket) throws IOException {
    if (sync == Sync.NONE) return;
    syncLock.lock();
    try {
      while (durable < ticket) {
        if (forcing) {
          forced.awaitUninterruptibly();
          continue;
        }
        forcing = true;
        // Never this object's lock here (a rewrite holds it and then takes syncLock). The count is
        // read before the channel: if the channel read is already the closed one of a rewrite, that
        // rewrite began later, read every byte counted, and forced what it kept.
        long target = written;
        FileChannel ch = channel;
        syncLock.unlock();
        try {
          ch.force(false);
        } catch (java.nio.channels.ClosedChannelException e) {
          if (ch == channel) throw e; // closed, not replaced by a rewrite
        } finally {
          syncLock.lock();
          forcing = false;
          forced.signalAll();
        }
        durable = Math.max(durable, target);
      }
    } finally {
      syncLock.unlock();
    }
  }

  /** After a rewrite (forced, renamed, reopened): everything written so far is durable or removed on purpose. */
  private void rewritten() throws IOException {
    FileChannel old = channel;
    channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    old.close(); // after the swap: a forcer that meets the closed channel sees it replaced
    long all = written;
    syncLock.lock();
    try {
      durable = Math.max(durable, all);
    } finally {
      syncLock.unlock();
    }
  }

  /**
   * Removes every event of {@code user} from this open log (see {@link #removeUser(Path, String)})
   * and reopens it for appending; serialised with {@link #append}. Returns the number of lines cut.
   */
  public synchronized int removeUser(String user) throws IOException {
    int removed = removeUser(path, user);
    if (removed > 0) rewritten();
    return removed;
  }

  /**
   * What a compaction did.
   *
   * @param dropped lines dropped
   * @param kept lines kept
   */
  public record Compaction(int dropped, int kept) {}

  /**
   * Drops from this open log the events logged before {@code cutoffMillis} (see
   * {@link #compactBefore(Path, long)}) and reopens it for appending; serialised with {@link #write}.
   */
  public synchronized Compaction compactBefore(long cutoffMillis) throws IOException {
    Compaction c = compactBefore(path, cutoffMillis);
    if (c.dropped() > 0) rewritten();
    return c;
  }

  /**
   * Compacts the log at {@code path} without the well-formed events whose timestamp is before
   * {@code cutoffMillis} (a model trained on data up to then holds them); every other line is kept
   * byte for byte, in order. Atomic as {@link #removeUser(Path, String)}; not safe while another
   * process appends to the log.
   */
  public static Compaction compactBefore(Path path, long cutoffMillis) throws IOException {
    int[] kept = {0};
    int dropped = rewrite(path, (line, wellFormed) -> {
      boolean old = wellFormed != null && wellFormed.timestampMillis() < cutoffMillis;
      if (!old) kept[0]++;
      return old;
    });
    if (dropped > 0) LOG.info("{}: compacted, {} events before {} dropped, {} lines kept", path, dropped,
        java.time.Instant.ofEpochMilli(cutoffMillis), kept[0]);
    return new Compaction(dropped, kept[0]);
  }

  /**
   * Compacts the log at {@code path} without the events of {@code user}: every line whose user
   * field is that id is cut, so is a malformed line or torn tail that contains the id's bytes at
   * all (erasure errs on the side of removal); other lines are kept byte for byte, in order. The
   * new content goes to a temporary file in the same directory, which is forced to disk and
   * renamed over the log, and the directory is forced, so the log is at every moment either the old
   * one or the new one. Nothing is written when no line is cut. Not safe while another process
   * appends to the log: a running server compacts its own log ({@link #removeUser(String)}).
   *
   * @return the number of lines cut
   */
  public static int removeUser(Path path, String user) throws IOException {
    byte[] id = user.getBytes(StandardCharsets.UTF_8);
    int removed = rewrite(path, (line, event) -> event != null
        ? event.user().equals(user) : contains(line, 0, line.length, id));
    if (removed > 0) LOG.info("{}: compacted, {} lines of one user removed", path, removed);
    return removed;
  }

  /** Which lines a rewrite drops: the line's bytes (without its newline) and its event, null when malformed or torn. */
  @FunctionalInterface
  private interface LineFilter {
    boolean drop(byte[] line, Event event);
  }

  /**
   * Rewrites the log at {@code path} without the lines {@code filter} drops; kept lines stay byte for
   * byte, in order. The new content goes to a temporary file in the same directory, which is forced
   * to disk and renamed over the log, and the directory is forced, so the log is at every moment
   * either the old one or the new one. Nothing is written when no line is dropped.
   *
   * @return the number of lines dropped
   */
  private static int rewrite(Path path, LineFilter filter) throws IOException {
    if (!Files.exists(path)) return 0;
    byte[] all = Files.readAllBytes(path);
    java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream(all.length);
    int removed = 0;
    for (int from = 0; from < all.length; ) {
      int nl = from;
      while (nl < all.length && all[nl] != '\n') nl++;
      boolean complete = nl < all.length;
      byte[] line = Arrays.copyOfRange(all, from, nl);
      Event event = complete ? parse(new String(line, StandardCharsets.UTF_8)) : null;
      if (filter.drop(line, event)) {
        removed++;
      } else {
        kept.write(all, from, Math.min(all.length, nl + 1) - from);
      }
      from = nl + 1;
    }
    if (removed == 0) return 0;
    Path abs = path.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".compact." + ProcessHandle.current().pid() + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(kept.toByteArray());
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
      }
      Files.move(tmp, abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel dir = FileChannel.open(abs.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      LOG.debug("{}: directory cannot be forced on this file system: {}", abs.getParent(), e.toString());
    }
    return removed;
  }

  private static boolean contains(byte[] a, int from, int to, byte[] needle) {
    for (int i = from; i + needle.length <= to; i++) {
      if (Arrays.equals(a, i, i + needle.length, needle, 0, needle.length)) return true;
    }
    return false;
  }

  public Path path() {
    return path;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
