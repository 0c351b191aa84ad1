package dev.kindred.serve.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * An append-only file of records the consumer could not take, one JSON object a line:
 * {@code {"topic", "partition", "offset", "key", "value", "reason", "at_millis"}} (key and value
 * decoded as UTF-8, invalid bytes replaced). Lines are forced to disk before the offsets of their
 * records are committed, so a dead letter is never lost; a crash between the two writes a record's
 * dead letter again when it is re-delivered (dead letters are at-least-once).
 *
 * <p>Not thread-safe: the consumer thread owns it.
 */
final class DeadLetters implements AutoCloseable {

  /** One refused record. */
  record Letter(String topic, int partition, long offset, String key, String value, String reason, long atMillis) {}

  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

  private final Path path;
  private final FileChannel channel;

  private DeadLetters(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  static DeadLetters open(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    return new DeadLetters(path, FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND));
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** Appends the letters as one write and forces them to disk. */
  void append(List<Letter> letters) throws IOException {
    if (letters.isEmpty()) return;
    StringBuilder sb = new StringBuilder();
    for (Letter l : letters) {
      try {
        sb.append(JSON.writeValueAsString(l)).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a dead letter could not be encoded", e);
      }
    }
    ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
    while (buf.hasRemaining()) channel.write(buf);
    channel.force(false);
  }

  Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
