package dev.kindred.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Append-only, durable log of the items posted to {@code POST /v1/items}, one JSON object a line:
 * {@code {"item": id, "features": {field: [values]}, "at_millis": t}}. The same rules as
 * {@link EventLog}: an item is acknowledged only after its line is written and (with
 * {@link EventLog.Sync#ALWAYS}) forced to disk; a torn last line is cut off when the log is opened.
 * Replayed at start-up and re-applied to every swapped-in model ({@link ColdStart}); a later line
 * for the same item replaces its features.
 *
 * <p>Thread-safe: appends are serialised.
 */
public final class ItemLog implements AutoCloseable {

  /** One posted item. */
  public record Posted(String item, Map<String, List<String>> features, long atMillis) {}

  private final Path path;
  private final FileChannel channel;
  private final EventLog.Sync sync;

  private ItemLog(Path path, FileChannel channel, EventLog.Sync sync) {
    this.path = path;
    this.channel = channel;
    this.sync = sync;
  }

  /** Opens (creating if needed) the log for appending; a torn last line is cut off first. */
  public static ItemLog open(Path path, EventLog.Sync sync) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    if (Files.exists(path)) EventLog.cutTornTail(path);
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new ItemLog(path, ch, sync);
  }

  public Path path() {
    return path;
  }

  /** Appends one item and, with {@link EventLog.Sync#ALWAYS}, forces it to disk before returning. */
  public synchronized void append(Posted p) throws IOException {
    byte[] line;
    try {
      line = (Api.JSON.writeValueAsString(p) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode posted item " + p.item(), e);
    }
    ByteBuffer b = ByteBuffer.wrap(line);
    while (b.hasRemaining()) channel.write(b);
    if (sync == EventLog.Sync.ALWAYS) channel.force(false);
  }

  /**
   * Every item of the log at {@code path}, in order (empty when there is no file); a line that is
   * not a posted item is an error naming the file and line.
   *
   * @throws IllegalArgumentException naming {@code path:line} for a line that does not parse
   */
  public static List<Posted> replay(Path path) throws IOException {
    List<Posted> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String line;
      int no = 0;
      while ((line = in.readLine()) != null) {
        no++;
        if (line.isBlank()) continue;
        Posted p;
        try {
          p = Api.JSON.readValue(line, Posted.class);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException(path + ":" + no + ": not a posted item: " + e.getOriginalMessage());
        }
        if (p == null || p.item() == null || p.features() == null) {
          throw new IllegalArgumentException(path + ":" + no + ": a posted item needs \"item\" and \"features\"");
        }
        out.add(p);
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return out;
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
