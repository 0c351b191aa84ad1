package dev.kindred.serve.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The value format of an event record. A value starting with <code>{</code> is one JSON object:
 *
 * <pre>
 *   {"user": "u1", "item": "i9", "value": 1.0, "ts": 1733241600000, "id": "click-42"}
 * </pre>
 *
 * anything else is one CSV line {@code user,item[,value[,ts[,id]]]} (no quoting: an id with a
 * comma needs the JSON form). {@code user} and {@code item} are required (ids may be JSON numbers);
 * {@code value} defaults to 1; {@code ts} (epoch milliseconds) defaults to the record's Kafka
 * timestamp; {@code id} is optional and is kept in the event log after the record's position. The
 * record key is the user: a record whose value names no user takes its key as the user, and a key
 * that differs from the value's user is refused (the key decides the partition, and one user's
 * events must stay in order on one partition). Unknown JSON fields are ignored. Values must be UTF-8.
 *
 * <p>Stateless and thread-safe.
 */
final class EventValueFormat {

  /** A decoded record: the fields as given ({@code value}, {@code ts}, {@code id} may be null). */
  record Decoded(String user, String item, Float value, Long ts, String id) {}

  /** A record that cannot be decoded, and why. */
  static final class Malformed extends Exception {
    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  private record JsonEvent(String user, String item, Float value, Long ts, String id) {}

  private static final ObjectMapper JSON = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  private EventValueFormat() {}

  /** Decodes one record; {@code key} may be null. */
  static Decoded decode(byte[] key, byte[] value) throws Malformed {
    if (value == null || value.length == 0) throw new Malformed("empty value (a tombstone or an empty record)");
    String text = utf8(value, "value");
    Decoded d = text.stripLeading().startsWith("{") ? json(text) : csv(text);
    String k = key == null ? null : utf8(key, "key");
    if (d.user() == null || d.user().isEmpty()) {
      if (k == null || k.isEmpty()) throw new Malformed("no user: the value names none and the record has no key");
      return new Decoded(k, d.item(), d.value(), d.ts(), d.id());
    }
    if (k != null && !k.isEmpty() && !k.equals(d.user())) {
      throw new Malformed("key '" + k + "' differs from the value's user '" + d.user() + "' (key = user)");
    }
    return d;
  }

  private static Decoded json(String text) throws Malformed {
    try {
      JsonEvent e = JSON.readValue(text, JsonEvent.class);
      if (e == null) throw new Malformed("JSON null is not an event");
      return new Decoded(e.user(), e.item(), e.value(), e.ts(), e.id());
    } catch (JsonProcessingException e) {
      throw new Malformed("not a JSON event: " + e.getOriginalMessage());
    }
  }

  private static Decoded csv(String text) throws Malformed {
    String line = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    String[] f = line.split(",", -1);
    if (f.length < 2 || f.length > 5) {
      throw new Malformed("a CSV event has 2 to 5 fields (user,item[,value[,ts[,id]]]), got " + f.length);
    }
    Float value = null;
    Long ts = null;
    try {
      if (f.length > 2 && !f[2].isBlank()) value = Float.parseFloat(f[2].strip());
    } catch (NumberFormatException e) {
      throw new Malformed("value '" + f[2] + "' is not a number");
    }
    try {
      if (f.length > 3 && !f[3].isBlank()) ts = Long.parseLong(f[3].strip());
    } catch (NumberFormatException e) {
      throw new Malformed("ts '" + f[3] + "' is not an integer (epoch milliseconds)");
    }
    return new Decoded(f[0], f[1], value, ts, f.length > 4 && !f[4].isEmpty() ? f[4] : null);
  }

  private static String utf8(byte[] bytes, String what) throws Malformed {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new Malformed("the " + what + " is not valid UTF-8");
    }
  }
}
