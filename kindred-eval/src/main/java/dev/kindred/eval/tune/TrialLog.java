package dev.kindred.eval.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resumable state of a search: a JSON-lines file.
 *
 * <ol>
 *   <li>Line 1 is the header: what the search is (model, strategy, seed, trials, space, ...). A
 *       file whose header differs belongs to another search and is refused, naming both.
 *   <li>Each further line is one finished {@link Tuner.Trial}:
 *       {@code {"config", "rung", "resource", "flags": {...}, "score" (null for NaN), "seconds"}}.
 *   <li>Lines are appended whole with one write and forced to disk ({@code fsync}) before the
 *       next trial starts, so a crash loses at most the trial that was running. A last line cut
 *       short by a crash is dropped (the file is truncated to the last whole line) and logged.
 * </ol>
 * Not thread-safe; one search writes one file.
 */
public final class TrialLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrialLog.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final FileChannel channel;
  private final Map<String, Tuner.Trial> finished;

  private TrialLog(Path file, FileChannel channel, Map<String, Tuner.Trial> finished) {
    this.file = file;
    this.channel = channel;
    this.finished = finished;
  }

  /**
   * Opens {@code file} for the search described by {@code header}: creates it with the header,
   * or reads the trials it holds when the headers match.
   *
   * @throws IllegalArgumentException if the file holds another search or a line is not a trial
   */
  public static TrialLog open(Path file, Map<String, Object> header) throws IOException {
    // Through text, so that numbers compare as they read back (a long seed parses as an int node).
    JsonNode want = JSON.readTree(JSON.writeValueAsString(header));
    Map<String, Tuner.Trial> finished = new LinkedHashMap<>();
    long keep = 0;
    if (Files.exists(file) && Files.size(file) > 0) {
      byte[] bytes = Files.readAllBytes(file);
      int lineNo = 0;
      int from = 0;
      for (int j = 0; j < bytes.length; j++) {
        if (bytes[j] != '\n') continue;
        lineNo++;
        String line = new String(bytes, from, j - from, StandardCharsets.UTF_8);
        if (lineNo == 1) {
          JsonNode got = parse(file, lineNo, line);
          if (!got.equals(want)) {
            throw new IllegalArgumentException(file + ":1: the state belongs to another search (" + got
                + "); this one is " + want + ". Use another --state file, or delete it to start over");
          }
        } else {
          Tuner.Trial t = trial(file, lineNo, parse(file, lineNo, line));
          finished.put(t.key(), t);
        }
        from = j + 1;
        keep = from;
      }
      if (keep < bytes.length) {
        LOG.warn("{}: dropping an unfinished last line ({} bytes) left by an interrupted run", file,
            bytes.length - keep);
      }
      if (lineNo == 0) throw new IllegalArgumentException(file + ":1: no header line; not a kindred tune state file");
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.truncate(keep);
    ch.position(keep);
    TrialLog log = new TrialLog(file, ch, finished);
    if (keep == 0) log.appendLine(JSON.writeValueAsString(want));
    return log;
  }

  /** The trials read from the file, by {@link Tuner.Trial#key()}. */
  public Map<String, Tuner.Trial> finished() {
    return Collections.unmodifiableMap(finished);
  }

  /** Appends a finished trial and forces it to disk. */
  public void append(Tuner.Trial t) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("config", t.config());
    o.put("rung", t.rung());
    o.put("resource", t.resource());
    ObjectNode flags = o.putObject("flags");
    t.flags().forEach(flags::put);
    if (Double.isNaN(t.score())) o.putNull("score"); else o.put("score", t.score());
    o.put("seconds", t.seconds());
    appendLine(JSON.writeValueAsString(o));
  }

  private void appendLine(String line) throws IOException {
    ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    while (b.hasRemaining()) channel.write(b);
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  public Path file() {
    return file;
  }

  private static JsonNode parse(Path file, int lineNo, String line) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(file + ":" + lineNo + ": not JSON: " + e.getOriginalMessage());
    }
  }

  private static Tuner.Trial trial(Path file, int lineNo, JsonNode n) {
    for (String field : List.of("config", "rung", "resource", "flags", "score", "seconds")) {
      if (!n.has(field)) throw new IllegalArgumentException(file + ":" + lineNo + ": a trial needs '" + field + "'");
    }
    Map<String, String> flags = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.get("flags").properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      flags.put(e.getKey(), e.getValue().asText());
    }
    double score = n.get("score").isNull() ? Double.NaN : n.get("score").asDouble();
    return new Tuner.Trial(n.get("config").asInt(), n.get("rung").asInt(), n.get("resource").asInt(), flags, score,
        n.get("seconds").asDouble());
  }
}
