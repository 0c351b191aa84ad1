package dev.kindred.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The ids of an {@link IdIndex} as one packed section of a model file, looked up where the file is
 * mapped: opening allocates nothing per id, so open time and heap do not grow with the id count.
 *
 * <p>Layout of a section over {@code n} ids with {@code 2^bits} slots, little-endian (the invariants
 * {@link #MappedIds} checks; the slot contents are covered by the section's checksum):
 * <ol>
 *   <li>Slots: {@code 2^bits} int32, an open-addressing table with linear probing. A slot holds 0
 *       (empty) or {@code index + 1}; the id at dense index {@code index} starts its probe at slot
 *       {@code hash(id) & (2^bits - 1)}. {@code 2^bits >= 2n}, so at most half the slots are taken and
 *       a lookup reads about 1.5 slots for a known id, 2.5 for an unknown one.
 *   <li>Numeric ids: {@code n} int64, the id of each dense index in index order.
 *   <li>String ids instead: {@code n + 1} int64 offsets into the bytes that follow (the first 0, each
 *       at most the next), then the UTF-8 bytes of every id in index order.
 * </ol>
 * The hash of a numeric id is SplitMix64's finaliser ({@link IdIndex#mix64}); of a string id, the
 * finaliser of the 64-bit FNV-1a hash of its UTF-8 bytes. Both are part of the format.
 *
 * <p>A lookup costs two or three cache misses into the mapping (a slot, then the id it names); on a
 * cold page each is a page fault, served from the page cache after the first touch. Thread-safe:
 * nothing is written after construction. A corrupt section (a slot naming an index past {@code n})
 * fails the lookup with an {@link IllegalStateException}; the section checksum, verified at open or
 * in the background, reports it with the file's name.
 */
final class MappedIds {

  private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  /** Largest table: 2^32 slots (16 GiB) for up to 2^31 - 1 ids. */
  static final int MAX_BITS = 32;

  private final MemorySegment section;
  private final int size;
  private final int bits;
  private final boolean numeric;
  private final long mask;
  private final long idsAt; // numeric: the int64 ids; strings: the int64 offsets
  private final long bytesAt; // strings: the UTF-8 bytes; numeric: unused

  /**
   * A view of {@code section} (read, never written) holding {@code size} ids in {@code 2^bits} slots.
   *
   * @throws IllegalArgumentException if the counts are out of range or the section's length is not
   *     what the layout needs
   */
  MappedIds(MemorySegment section, int size, int bits, boolean numeric) {
    this.section = Objects.requireNonNull(section, "section");
    if (size < 0 || bits < 1 || bits > MAX_BITS || (1L << bits) < 2L * size) {
      throw new IllegalArgumentException("id table of " + size + " ids in 2^" + bits + " slots (need 2^bits >= 2 ids, bits 1.."
          + MAX_BITS + ")");
    }
    this.size = size;
    this.bits = bits;
    this.numeric = numeric;
    this.mask = (1L << bits) - 1;
    this.idsAt = 4L << bits;
    if (numeric) {
      this.bytesAt = -1;
      expectLength(idsAt + 8L * size);
    } else {
      this.bytesAt = idsAt + 8L * (size + 1);
      if (section.byteSize() < bytesAt) expectLength(bytesAt);
      long total = section.get(I64, bytesAt - 8);
      if (section.get(I64, idsAt) != 0 || total < 0) {
        throw new IllegalArgumentException("id table's string offsets start at " + section.get(I64, idsAt)
            + " and end at " + total);
      }
      expectLength(bytesAt + total);
    }
  }

  private void expectLength(long want) {
    if (section.byteSize() != want) {
      throw new IllegalArgumentException("id table of " + size + (numeric ? " numeric" : " string") + " ids in 2^" + bits
          + " slots needs " + want + " bytes, the section holds " + section.byteSize());
    }
  }

  int size() {
    return size;
  }

  boolean numeric() {
    return numeric;
  }

  /** The dense index of a numeric id, or -1 (numeric tables only). */
  int indexOf(long id) {
    long slot = IdIndex.mix64(id) & mask;
    for (long probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask) {
      int i = entry(slot);
      if (i < 0) return -1;
      if (section.get(I64, idsAt + 8L * i) == id) return i;
    }
    return -1;
  }

  /** The dense index of a string id, or -1 (string tables only). */
  int indexOf(String id) {
    byte[] b = id.getBytes(StandardCharsets.UTF_8);
    MemorySegment key = MemorySegment.ofArray(b);
    long slot = IdIndex.mix64(fnv1a(b)) & mask;
    for (long probes = 0; probes <= mask; probes++, slot = (slot + 1) & mask) {
      int i = entry(slot);
      if (i < 0) return -1;
      long from = bytesAt + offset(i);
      long to = bytesAt + offset(i + 1);
      if (to - from == b.length && MemorySegment.mismatch(section, from, to, key, 0, b.length) < 0) return i;
    }
    return -1;
  }

  /** The index a slot names, or -1 when it is empty. */
  private int entry(long slot) {
    int v = section.get(I32, 4 * slot);
    if (v == 0) return -1;
    if (v < 0 || v > size) {
      throw new IllegalStateException("corrupt id table: slot " + slot + " names index " + (v - 1) + " of " + size);
    }
    return v - 1;
  }

  private long offset(int i) {
    return section.get(I64, idsAt + 8L * i);
  }

  /** The numeric id at dense index {@code i} (numeric tables only). */
  long longId(int i) {
    Objects.checkIndex(i, size);
    return section.get(I64, idsAt + 8L * i);
  }

  /** The id at dense index {@code i} as text. */
  String externalId(int i) {
    Objects.checkIndex(i, size);
    if (numeric) return Long.toString(longId(i));
    long from = offset(i);
    long len = offset(i + 1) - from;
    if (len < 0 || len > Integer.MAX_VALUE) throw new IllegalStateException("corrupt id table: id " + i + " of " + len + " bytes");
    return new String(section.asSlice(bytesAt + from, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
  }

  /** 64-bit FNV-1a of bytes: the string hash of the format (before {@link IdIndex#mix64}). */
  static long fnv1a(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) h = (h ^ (x & 0xff)) * 0x100000001b3L;
    return h;
  }

  /** The smallest {@code bits} with {@code 2^bits >= 2 n} (at least 1). */
  static int bitsFor(int n) {
    return n <= 1 ? 1 : 64 - Long.numberOfLeadingZeros(2L * n - 1);
  }

  /**
   * Writes {@code idx} (numeric or string ids, not identity or hashed) as a section in the layout
   * above, through {@code out}. The slot table is built off heap first ({@code 4 * 2^bits} bytes,
   * 8 to 16 bytes per id), then streamed with the ids; returns {@code bits}.
   */
  static int write(IdIndex idx, ModelFile.Output out) throws IOException {
    int n = idx.size();
    boolean numeric = idx.isNumeric();
    int bits = bitsFor(n);
    long mask = (1L << bits) - 1;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment slots = arena.allocate(4L << bits, 8);
      for (int i = 0; i < n; i++) {
        long h = numeric ? IdIndex.mix64(idx.longId(i)) : IdIndex.mix64(fnv1a(utf8(idx, i)));
        long slot = h & mask;
        while (slots.get(I32, 4 * slot) != 0) slot = (slot + 1) & mask;
        slots.set(I32, 4 * slot, i + 1);
      }
      out.segment(slots);
    }
    if (numeric) {
      for (int i = 0; i < n; i++) out.i64(idx.longId(i));
      return bits;
    }
    long at = 0;
    out.i64(0);
    for (int i = 0; i < n; i++) {
      at += utf8(idx, i).length;
      out.i64(at);
    }
    for (int i = 0; i < n; i++) out.bytes(utf8(idx, i));
    return bits;
  }

  private static byte[] utf8(IdIndex idx, int i) {
    return idx.externalId(i).getBytes(StandardCharsets.UTF_8);
  }
}
