package dev.kindred.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a command prints: a flat, ordered set of named values shown as an aligned table, or as one
 * JSON object with {@code --json}. Metric keys follow DESIGN.md ({@code rmse}, {@code ndcg@10},
 * {@code train_seconds}, ...).
 */
final class Report {

  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final Map<String, Object> values = new LinkedHashMap<>();

  Report put(String key, Object value) {
    values.put(key, value);
    return this;
  }

  Report putAll(Map<String, ? extends Object> m) {
    values.putAll(m);
    return this;
  }

  Map<String, Object> values() {
    return values;
  }

  void print(PrintWriter out, boolean json) {
    if (json) {
      out.println(toJson(values));
    } else {
      int w = values.keySet().stream().mapToInt(String::length).max().orElse(0);
      for (Map.Entry<String, Object> e : values.entrySet()) {
        out.println(String.format(Locale.ROOT, "%-" + w + "s  %s", e.getKey(), format(e.getValue())));
      }
    }
    out.flush();
  }

  static String toJson(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String format(Object v) {
    if (v instanceof Double d) {
      if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString(d.longValue());
      return String.format(Locale.ROOT, "%.4f", d);
    }
    if (v instanceof Float f) return format(f.doubleValue());
    return String.valueOf(v);
  }
}
