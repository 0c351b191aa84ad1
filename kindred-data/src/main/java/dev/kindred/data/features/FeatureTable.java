package dev.kindred.data.features;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Side data of one entity kind (items or users) as read from a file: for each external id, its
 * (field, value) pairs in file order, and the kind of each field. Nothing is indexed yet;
 * {@link FeatureSpace} turns a table into feature indices for an interaction {@code IdIndex}.
 *
 * <p>Invariants: every value's field is declared in {@link #fields()}; an id appears once (its
 * values gathered); a {@link FieldKind#CATEGORICAL} or {@link FieldKind#NUMERIC} field has at most
 * one value per id (later values of the same id replace nothing: the reader rejects them).
 * Immutable once built; thread-safe.
 *
 * @param source where the table came from (a file name), for messages
 * @param fields field name to kind, in first-seen order
 * @param rows external id to its values, in first-seen order
 */
public record FeatureTable(String source, Map<String, FieldKind> fields, Map<String, List<Value>> rows) {

  /** One (field, value) pair of an entity. */
  public record Value(String field, String value) {
    public Value {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(value, "value");
    }
  }

  public FeatureTable {
    Objects.requireNonNull(source, "source");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    Map<String, List<Value>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<Value>> e : rows.entrySet()) {
      for (Value v : e.getValue()) {
        if (!fields.containsKey(v.field())) {
          throw new IllegalArgumentException(source + ": id " + e.getKey() + " has undeclared field " + v.field());
        }
      }
      copy.put(e.getKey(), List.copyOf(e.getValue()));
    }
    rows = Collections.unmodifiableMap(copy);
  }

  public int size() {
    return rows.size();
  }

  /** The values of {@code id}, empty when the table has no row for it. */
  public List<Value> valuesOf(String id) {
    return rows.getOrDefault(id, List.of());
  }

  /** This table with only the named fields (for feature selection and ablations). */
  public FeatureTable withFields(List<String> keep) {
    Map<String, FieldKind> f = new LinkedHashMap<>();
    for (String name : keep) {
      FieldKind k = fields.get(name);
      if (k == null) throw new IllegalArgumentException(source + " has no field '" + name + "' (fields: " + fields.keySet() + ")");
      f.put(name, k);
    }
    Map<String, List<Value>> r = new LinkedHashMap<>();
    rows.forEach((id, vs) -> r.put(id, vs.stream().filter(v -> f.containsKey(v.field())).toList()));
    return new FeatureTable(source, f, r);
  }

  /** Collects rows while a reader runs; not thread-safe. */
  static final class Builder {
    private final String source;
    private final Map<String, FieldKind> fields = new LinkedHashMap<>();
    private final Map<String, List<Value>> rows = new LinkedHashMap<>();

    Builder(String source) {
      this.source = source;
    }

    Builder declare(String field, FieldKind kind) {
      fields.putIfAbsent(field, kind);
      return this;
    }

    FieldKind kind(String field) {
      return fields.get(field);
    }

    /** Adds a value; an empty value is a missing one and is not stored. */
    void add(String id, String field, String value) {
      List<Value> vs = rows.computeIfAbsent(id, x -> new ArrayList<>());
      if (!value.isEmpty()) vs.add(new Value(field, value));
    }

    boolean has(String id) {
      return rows.containsKey(id);
    }

    /** True when {@code id} already has a value of {@code field}. */
    boolean hasValue(String id, String field) {
      for (Value v : rows.getOrDefault(id, List.of())) {
        if (v.field().equals(field)) return true;
      }
      return false;
    }

    /** Every stored value of {@code field}. */
    java.util.stream.Stream<String> values(String field) {
      return rows.values().stream().flatMap(List::stream).filter(v -> v.field().equals(field)).map(Value::value);
    }

    FeatureTable build() {
      return new FeatureTable(source, fields, rows);
    }
  }
}
