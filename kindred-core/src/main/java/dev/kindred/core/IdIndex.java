package dev.kindred.core;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Maps external ids (strings, or longs when every id is an integer) to dense indices
 * {@code 0..size-1} in order of first appearance, and back. Built once at the edge by a
 * {@link Builder}; immutable afterwards and safe to share between threads.
 *
 * <p>Ids that all parse as canonical decimal longs ("42", "-7", not "007" or "+1") are kept as a
 * {@code long[]} with a primitive hash map; any other id switches the index to strings. The
 * identity index ({@link #identity}) stores nothing but its size, so a model of tens of millions
 * of generated users opens without building a map.
 *
 * <p>A hashed index ({@link #hashed}) stores nothing but its bucket count either: every id, known
 * or new, has the index {@link #bucketOf(long, int)} (or {@link #bucketOf(String, int)}), so the id
 * space is bounded and admits ids it has never seen (a new user gets the factors its bucket was
 * trained with) at the price of collisions: distinct ids that share a bucket share one row. It
 * cannot name its ids back ({@link #externalId} gives {@code "#bucket"}), so it suits the side that
 * is only looked up (users), not the side that is listed (items).
 *
 * <p>An index read from a model file (format version 3) keeps its ids where the file is mapped
 * ({@link MappedIds}): numeric or string ids and a hash table over them, looked up in place, so
 * opening a model does no work and takes no heap per id. It behaves as the in-memory index with the
 * same ids (and equals it); {@link #longIds()}, {@link #stringIds()} and {@link #without} copy its
 * ids onto the heap.
 */
public final class IdIndex {

  private final long[] longIds; // non-null in numeric mode
  private final String[] stringIds; // non-null in string mode
  private volatile Long2IntOpenHashMap longMap; // numeric mode; built on the first lookup when null
  private final Object2IntOpenHashMap<String> stringMap;
  private final int identitySize; // >= 0 for the identity index, which holds no arrays; else -1
  private final int hashBuckets; // > 0 for a hashed index, which holds no arrays; else 0
  private final MappedIds mapped; // non-null for ids in a mapped model file, which holds no arrays

  private IdIndex(int identitySize, int hashBuckets) {
    this.identitySize = identitySize;
    this.hashBuckets = hashBuckets;
    this.longIds = null;
    this.stringIds = null;
    this.longMap = null;
    this.stringMap = null;
    this.mapped = null;
  }

  private IdIndex(MappedIds mapped) {
    this.identitySize = -1;
    this.hashBuckets = 0;
    this.longIds = null;
    this.stringIds = null;
    this.longMap = null;
    this.stringMap = null;
    this.mapped = mapped;
  }

  /**
   * Numeric ids a {@link Builder} numbered (so distinct), without their hash map: it is built on the
   * first lookup. A trainer never looks a user up, so 50M users cost their 400 MB of ids during
   * training, not another 1.6 GB of map.
   */
  private IdIndex(long[] longIds) {
    this.identitySize = -1;
    this.hashBuckets = 0;
    this.mapped = null;
    this.longIds = longIds;
    this.stringIds = null;
    this.longMap = null;
    this.stringMap = null;
  }

  private IdIndex(long[] longIds, String[] stringIds) {
    this.identitySize = -1;
    this.hashBuckets = 0;
    this.mapped = null;
    this.longIds = longIds;
    this.stringIds = stringIds;
    if (longIds != null) {
      longMap = mapOf(longIds);
      stringMap = null;
    } else {
      stringMap = new Object2IntOpenHashMap<>(stringIds.length);
      stringMap.defaultReturnValue(-1);
      for (int i = 0; i < stringIds.length; i++) {
        if (stringMap.put(stringIds[i], i) != -1) {
          throw new IllegalArgumentException("duplicate id '" + stringIds[i] + "' at index " + i);
        }
      }
      longMap = null;
    }
  }

  private static Long2IntOpenHashMap mapOf(long[] ids) {
    Long2IntOpenHashMap m = new Long2IntOpenHashMap(ids.length);
    m.defaultReturnValue(-1);
    for (int i = 0; i < ids.length; i++) {
      if (m.put(ids[i], i) != -1) {
        throw new IllegalArgumentException("duplicate id " + ids[i] + " at index " + i);
      }
    }
    return m;
  }

  /** The numeric ids' hash map, built now if this index was made without one. */
  private Long2IntOpenHashMap longMap() {
    Long2IntOpenHashMap m = longMap;
    if (m == null) {
      synchronized (this) {
        m = longMap;
        if (m == null) longMap = m = mapOf(longIds);
      }
    }
    return m;
  }

  /** An index over numeric ids, index {@code i} for {@code ids[i]}. */
  public static IdIndex ofLongs(long[] ids) {
    return new IdIndex(ids.clone(), null);
  }

  /** An index over string ids, index {@code i} for {@code ids[i]}. */
  public static IdIndex ofStrings(List<String> ids) {
    return new IdIndex(null, ids.toArray(String[]::new));
  }

  /** The identity index {@code 0..n-1} (ids are the decimal indices). */
  public static IdIndex identity(int n) {
    if (n < 0) throw new IllegalArgumentException("identity index size must be >= 0, got " + n);
    return new IdIndex(n, 0);
  }

  /** An index over ids in a mapped model file section (see the class comment). */
  static IdIndex mapped(MappedIds ids) {
    return new IdIndex(Objects.requireNonNull(ids, "ids"));
  }

  /** The hashed index of {@code buckets} buckets: every id's index is its bucket (see the class comment). */
  public static IdIndex hashed(int buckets) {
    if (buckets <= 0) throw new IllegalArgumentException("hashed ids need at least 1 bucket, got " + buckets);
    return new IdIndex(-1, buckets);
  }

  /** The bucket count of a {@link #hashed} index, or 0 for any other. */
  public int hashBuckets() {
    return hashBuckets;
  }

  /**
   * The bucket of a numeric id among {@code buckets}: the id through SplitMix64's finaliser, then
   * Lemire's multiply-shift range reduction. Fixed for all time: model files depend on it.
   */
  public static int bucketOf(long id, int buckets) {
    return (int) (((mix64(id) >>> 32) * buckets) >>> 32);
  }

  /** SplitMix64's finaliser of {@code id + golden gamma}: every input bit moves every output bit. Fixed: files depend on it. */
  static long mix64(long id) {
    long z = id + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The bucket of a text id: a canonical long is hashed as that number (as readers and indices
   * treat it), any other text by the 64-bit FNV-1a hash of its UTF-16 code units, then as a number.
   */
  public static int bucketOf(String id, int buckets) {
    long v = parseCanonicalLong(id);
    if (v != NOT_A_LONG || LONG_MIN_STRING.equals(id)) return bucketOf(v, buckets);
    return bucketOf(textHash(id), buckets);
  }

  /** 64-bit FNV-1a of the UTF-16 code units of a text id (not of a canonical long: see {@link #bucketOf(String, int)}). */
  public static long textHash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }

  /** True for an index whose ids stay in a mapped model file (see the class comment). */
  boolean isMapped() {
    return mapped != null;
  }

  /** True for an {@link #identity} index (ids are the decimal indices), which stores no ids. */
  public boolean isIdentity() {
    return identitySize >= 0;
  }

  public int size() {
    if (mapped != null) return mapped.size();
    return hashBuckets > 0 ? hashBuckets : identitySize >= 0 ? identitySize : longIds != null ? longIds.length
        : stringIds.length;
  }

  /** True when every id is a long (false for a hashed index, which holds no ids). */
  public boolean isNumeric() {
    return identitySize >= 0 || longIds != null || mapped != null && mapped.numeric();
  }

  /** Dense index of an external id, or -1 if unknown (a hashed index knows every id). */
  public int indexOf(String id) {
    if (hashBuckets > 0) {
      return bucketOf(id, hashBuckets);
    }
    if (identitySize >= 0) {
      return indexOf(parseCanonicalLong(id));
    }
    if (mapped != null && !mapped.numeric()) {
      return mapped.indexOf(id);
    }
    if (isNumeric()) {
      long v = parseCanonicalLong(id);
      // The sentinel is also a valid id: ofLongs may hold Long.MIN_VALUE.
      if (v == NOT_A_LONG && !LONG_MIN_STRING.equals(id)) {
        return -1;
      }
      return indexOf(v);
    }
    return stringMap.getInt(id);
  }

  /** Dense index of a numeric external id, or -1 if unknown (a hashed index knows every id). */
  public int indexOf(long id) {
    if (hashBuckets > 0) {
      return bucketOf(id, hashBuckets);
    }
    if (identitySize >= 0) {
      return id >= 0 && id < identitySize ? (int) id : -1;
    }
    if (longIds != null) {
      return longMap().get(id);
    }
    if (mapped != null) {
      return mapped.numeric() ? mapped.indexOf(id) : mapped.indexOf(Long.toString(id));
    }
    return stringMap.getInt(Long.toString(id));
  }

  /** The external id of dense index {@code i}, as a string; {@code "#i"} for a bucket of a hashed index. */
  public String externalId(int i) {
    if (hashBuckets > 0) {
      return "#" + Objects.checkIndex(i, hashBuckets);
    }
    if (identitySize >= 0) {
      return Long.toString(Objects.checkIndex(i, identitySize));
    }
    if (mapped != null) {
      return mapped.externalId(i);
    }
    return longIds != null ? Long.toString(longIds[i]) : stringIds[i];
  }

  /**
   * This index without the id at dense index {@code i}: ids after it move down by one, the others
   * keep their indices. Forgetting a user drops its id this way.
   */
  public IdIndex without(int i) {
    java.util.Objects.checkIndex(i, size());
    if (hashBuckets > 0) {
      throw new IllegalStateException("a hashed id index has no single id to drop: bucket " + i
          + " is shared by every id that hashes to it");
    }
    if (isNumeric()) {
      long[] all = longIds();
      long[] a = new long[all.length - 1];
      System.arraycopy(all, 0, a, 0, i);
      System.arraycopy(all, i + 1, a, i, a.length - i);
      return new IdIndex(a, null);
    }
    List<String> all = stringIds();
    String[] a = new String[all.size() - 1];
    for (int j = 0; j < a.length; j++) a[j] = all.get(j < i ? j : j + 1);
    return new IdIndex(null, a);
  }

  /** The numeric external id of dense index {@code i}; only in numeric mode. */
  public long longId(int i) {
    if (identitySize >= 0) {
      return Objects.checkIndex(i, identitySize);
    }
    if (mapped != null && mapped.numeric()) {
      return mapped.longId(i);
    }
    if (longIds == null) {
      throw new IllegalStateException(hashBuckets > 0 ? "a hashed id index holds no ids" : "ids are strings, not longs");
    }
    return longIds[i];
  }

  /** Copy of the numeric ids (numeric mode) for serialisation. */
  public long[] longIds() {
    if (identitySize >= 0) {
      long[] ids = new long[identitySize];
      Arrays.setAll(ids, i -> i);
      return ids;
    }
    if (mapped != null) {
      if (!mapped.numeric()) return null;
      long[] ids = new long[mapped.size()];
      Arrays.setAll(ids, mapped::longId);
      return ids;
    }
    return longIds == null ? null : longIds.clone();
  }

  /** Copy of the string ids (string mode) for serialisation. */
  public List<String> stringIds() {
    if (mapped != null && !mapped.numeric()) {
      String[] ids = new String[mapped.size()];
      Arrays.setAll(ids, mapped::externalId);
      return List.of(ids);
    }
    return stringIds == null ? null : List.of(stringIds);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof IdIndex x)) return false;
    if (hashBuckets > 0 || x.hashBuckets > 0) return hashBuckets == x.hashBuckets;
    if (mapped != null || x.mapped != null) return sameIds(x);
    if (identitySize >= 0 && x.identitySize >= 0) return identitySize == x.identitySize;
    if (identitySize >= 0 || x.identitySize >= 0) return Arrays.equals(x.longIds(), longIds());
    return Arrays.equals(x.longIds, longIds) && Arrays.equals(x.stringIds, stringIds);
  }

  /** As {@code Arrays.hashCode} of the ids, so an identity index hashes like the explicit ids 0..n-1. */
  @Override
  public int hashCode() {
    if (hashBuckets > 0) {
      return Integer.hashCode(hashBuckets) * 0x61C88647;
    }
    if (identitySize >= 0) {
      int h = 1;
      for (long i = 0; i < identitySize; i++) h = 31 * h + Long.hashCode(i);
      return 31 * h;
    }
    if (mapped != null) {
      int h = 1;
      for (int i = 0; i < mapped.size(); i++) {
        h = 31 * h + (mapped.numeric() ? Long.hashCode(mapped.longId(i)) : mapped.externalId(i).hashCode());
      }
      return mapped.numeric() ? 31 * h : h; // as the in-memory index's hash of its arrays
    }
    return 31 * Arrays.hashCode(longIds) + Arrays.hashCode(stringIds);
  }

  /** The same kind of ids (numeric or strings), the same ids in the same order: one at a time, for a mapped index. */
  private boolean sameIds(IdIndex x) {
    if (x.size() != size() || x.isNumeric() != isNumeric()) return false;
    for (int i = 0; i < size(); i++) {
      if (isNumeric() ? x.longId(i) != longId(i) : !x.externalId(i).equals(externalId(i))) return false;
    }
    return true;
  }

  @Override
  public String toString() {
    return "IdIndex[" + size() + (hashBuckets > 0 ? " hashed buckets]" : isNumeric() ? " numeric ids]" : " string ids]");
  }

  static final long NOT_A_LONG = Long.MIN_VALUE;
  private static final String LONG_MIN_STRING = Long.toString(Long.MIN_VALUE);

  /** Parses "-?[1-9][0-9]*" or "0" within long range; returns NOT_A_LONG otherwise. */
  static long parseCanonicalLong(CharSequence s) {
    int n = s.length();
    if (n == 0 || n > 20) {
      return NOT_A_LONG;
    }
    int i = 0;
    boolean neg = s.charAt(0) == '-';
    if (neg) {
      i = 1;
      if (n == 1) {
        return NOT_A_LONG;
      }
    }
    if (s.charAt(i) == '0' && n > i + 1) {
      return NOT_A_LONG; // leading zeros would not round-trip
    }
    if (neg && s.charAt(i) == '0') {
      return NOT_A_LONG; // "-0"
    }
    long v = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return NOT_A_LONG;
      }
      int d = c - '0';
      if (v < (Long.MIN_VALUE + d) / 10) {
        return NOT_A_LONG; // overflow (accumulating negatively covers Long.MIN_VALUE + 1 .. MAX)
      }
      v = v * 10 - d;
    }
    if (!neg) {
      if (v == Long.MIN_VALUE) {
        return NOT_A_LONG;
      }
      return -v;
    }
    return v;
  }

  /**
   * Assigns dense indices in order of first appearance. Starts numeric; the first id that is not a
   * canonical long converts every id seen so far to its string form. Not thread-safe.
   */
  public static final class Builder {
    private long[] longs = new long[1024];
    private Long2IntOpenHashMap longMap = new Long2IntOpenHashMap();
    private ArrayList<String> strings;
    private Object2IntOpenHashMap<String> stringMap;
    private int size;

    public Builder() {
      longMap.defaultReturnValue(-1);
    }

    /** Starts from an existing index, so ids already known keep their indices. */
    public Builder(IdIndex base) {
      this();
      if (base.hashBuckets > 0) {
        throw new IllegalArgumentException("a hashed id index does not grow id by id: it already admits every id");
      }
      if (base.isNumeric()) {
        for (long id : base.longIds()) {
          add(id);
        }
      } else {
        for (String id : base.stringIds()) {
          add(id);
        }
      }
    }

    public int size() {
      return size;
    }

    /** The index of {@code id}, assigning the next one if it is new. */
    public int add(long id) {
      if (strings != null) {
        return add(Long.toString(id));
      }
      if (id == NOT_A_LONG) {
        switchToStrings();
        return add(Long.toString(id));
      }
      int idx = longMap.putIfAbsent(id, size);
      if (idx != -1) {
        return idx;
      }
      if (size == longs.length) {
        longs = Arrays.copyOf(longs, Math.max(16, size * 2));
      }
      longs[size] = id;
      return size++;
    }

    /** The index of {@code id}, assigning the next one if it is new. */
    public int add(String id) {
      if (strings == null) {
        long v = parseCanonicalLong(id);
        if (v != NOT_A_LONG) {
          return add(v);
        }
        switchToStrings();
      }
      int idx = stringMap.putIfAbsent(id, size);
      if (idx != -1) {
        return idx;
      }
      strings.add(id);
      return size++;
    }

    /** The index of {@code id} if already assigned, else -1. */
    public int find(String id) {
      if (strings == null) {
        long v = parseCanonicalLong(id);
        return v == NOT_A_LONG ? -1 : longMap.get(v);
      }
      return stringMap.getInt(id);
    }

    private void switchToStrings() {
      strings = new ArrayList<>(Math.max(16, size));
      stringMap = new Object2IntOpenHashMap<>(Math.max(16, size));
      stringMap.defaultReturnValue(-1);
      for (int i = 0; i < size; i++) {
        String s = Long.toString(longs[i]);
        strings.add(s);
        stringMap.put(s, i);
      }
      longs = null;
      longMap = null;
    }

    /**
     * The index of every id added so far. A numeric index gets no hash map until its first lookup
     * (see {@link IdIndex#IdIndex(long[])}), so once the builder is dropped its map is the only one
     * and goes with it.
     */
    public IdIndex build() {
      return strings == null ? new IdIndex(Arrays.copyOf(longs, size)) : new IdIndex(null, strings.toArray(String[]::new));
    }
  }
}
