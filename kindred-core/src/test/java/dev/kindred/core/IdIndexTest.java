package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IdIndexTest {

  static IdIndex build(String... ids) {
    IdIndex.Builder b = new IdIndex.Builder();
    for (int j = 0; j < ids.length; j++) {
      assertThat(b.add(ids[j])).as("index of first appearance of '%s'", ids[j]).isLessThanOrEqualTo(j);
    }
    return b.build();
  }

  /** Every id maps to its index and back, in both spellings the API offers. */
  static void assertRoundTrip(IdIndex idx, List<String> ids) {
    assertThat(idx.size()).isEqualTo(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      assertThat(idx.externalId(i)).isEqualTo(ids.get(i));
      assertThat(idx.indexOf(ids.get(i))).as("indexOf('%s')", ids.get(i)).isEqualTo(i);
    }
  }

  @Test
  void numericIdsStayNumeric() {
    IdIndex idx = build("42", "7", "-5", "9999999999", "7", "0", "9223372036854775807");
    assertThat(idx.isNumeric()).isTrue();
    assertRoundTrip(idx, List.of("42", "7", "-5", "9999999999", "0", "9223372036854775807"));
    assertThat(idx.longIds()).containsExactly(42, 7, -5, 9_999_999_999L, 0, Long.MAX_VALUE);
    assertThat(idx.longId(3)).isEqualTo(9_999_999_999L);
    assertThat(idx.indexOf(9_999_999_999L)).isEqualTo(3);
    assertThat(idx.indexOf(-5L)).isEqualTo(2);
    assertThat(idx.indexOf(8L)).isEqualTo(-1);
    assertThat(idx.indexOf("abc")).isEqualTo(-1);
    assertThat(idx.indexOf("007")).as("not the canonical spelling of 7").isEqualTo(-1);
    assertThat(idx.stringIds()).isNull();
  }

  @Test
  void nonNumericIdMidwaySwitchesToStringsKeepingIndices() {
    IdIndex.Builder b = new IdIndex.Builder();
    assertThat(b.add("10")).isZero();
    assertThat(b.add(9_999_999_999L)).isEqualTo(1);
    assertThat(b.add("-5")).isEqualTo(2);
    assertThat(b.find("-5")).isEqualTo(2);
    assertThat(b.add("user-a")).isEqualTo(3);
    assertThat(b.add("10")).as("known before the switch").isZero();
    assertThat(b.add(-5L)).as("long form of a known id").isEqualTo(2);
    assertThat(b.add(11L)).isEqualTo(4);
    assertThat(b.find("9999999999")).isEqualTo(1);
    assertThat(b.find("nope")).isEqualTo(-1);
    assertThat(b.size()).isEqualTo(5);
    IdIndex idx = b.build();
    assertThat(idx.isNumeric()).isFalse();
    assertRoundTrip(idx, List.of("10", "9999999999", "-5", "user-a", "11"));
    assertThat(idx.indexOf(9_999_999_999L)).isEqualTo(1);
    assertThat(idx.indexOf(-5L)).isEqualTo(2);
    assertThat(idx.longIds()).isNull();
    assertThatThrownBy(() -> idx.longId(0)).isInstanceOf(IllegalStateException.class)
        .hasMessage("ids are strings, not longs");
  }

  @Test
  void switchAfterTheBuilderHasGrownKeepsEveryIndex() {
    IdIndex.Builder b = new IdIndex.Builder();
    List<String> ids = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(3);
    for (int j = 0; j < 5000; j++) {
      String id = Long.toString(rng.nextLong());
      ids.add(id);
      assertThat(b.add(id)).isEqualTo(j);
    }
    ids.add("x");
    b.add("x");
    IdIndex idx = b.build();
    assertThat(idx.isNumeric()).isFalse();
    assertRoundTrip(idx, ids);
  }

  @Test
  void leadingZerosAndOtherNonCanonicalSpellingsAreStrings() {
    IdIndex idx = build("7", "007", "+1", "-0", "1", "0", "");
    assertThat(idx.isNumeric()).isFalse();
    assertRoundTrip(idx, List.of("7", "007", "+1", "-0", "1", "0", ""));
    assertThat(idx.indexOf("007")).isNotEqualTo(idx.indexOf("7"));
    assertThat(idx.indexOf(7L)).isZero();
  }

  @Test
  void idsBeyondLongRangeAreStrings() {
    IdIndex idx = build("9223372036854775808", "5");
    assertThat(idx.isNumeric()).isFalse();
    assertRoundTrip(idx, List.of("9223372036854775808", "5"));

    // Long.MIN_VALUE is the parser's "not a long" sentinel: it is kept, as a string.
    IdIndex min = build("1", "-9223372036854775808");
    assertRoundTrip(min, List.of("1", "-9223372036854775808"));
    assertThat(min.indexOf(Long.MIN_VALUE)).isEqualTo(1);
    IdIndex.Builder b = new IdIndex.Builder();
    b.add(3L);
    assertThat(b.add(Long.MIN_VALUE)).isEqualTo(1);
    assertRoundTrip(b.build(), List.of("3", "-9223372036854775808"));

    // Regression: a numeric index holding Long.MIN_VALUE (from ofLongs) did not find it by its
    // own external id.
    IdIndex numeric = IdIndex.ofLongs(new long[] {1, Long.MIN_VALUE});
    assertRoundTrip(numeric, List.of("1", "-9223372036854775808"));
    assertThat(numeric.indexOf(Long.MIN_VALUE)).isEqualTo(1);
  }

  @Test
  void parseCanonicalLongAcceptsExactlyTheCanonicalSpellings() {
    assertThat(IdIndex.parseCanonicalLong("0")).isZero();
    assertThat(IdIndex.parseCanonicalLong("-1")).isEqualTo(-1);
    assertThat(IdIndex.parseCanonicalLong("9999999999")).isEqualTo(9_999_999_999L);
    assertThat(IdIndex.parseCanonicalLong("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(IdIndex.parseCanonicalLong("-9223372036854775807")).isEqualTo(-Long.MAX_VALUE);
    for (String s : new String[] {"", "-", "007", "00", "-0", "-01", "+1", "1.0", "1e3", " 1", "1 ", "12a",
        "9223372036854775808", "-9223372036854775809", "99999999999999999999", "123456789012345678901"}) {
      assertThat(IdIndex.parseCanonicalLong(s)).as("'%s'", s).isEqualTo(IdIndex.NOT_A_LONG);
    }
  }

  @Test
  void randomMixedIdsRoundTrip() {
    for (int seed = 0; seed < 20; seed++) {
      SplittableRandom rng = new SplittableRandom(seed);
      IdIndex.Builder b = new IdIndex.Builder();
      List<String> distinct = new ArrayList<>();
      for (int j = 0; j < 300; j++) {
        String id = switch (rng.nextInt(4)) {
          case 0 -> Integer.toString(rng.nextInt(200) - 100);
          case 1 -> "0" + rng.nextInt(50);
          case 2 -> Long.toString(rng.nextLong());
          default -> j > 150 ? "s" + rng.nextInt(100) : Integer.toString(rng.nextInt(100));
        };
        int before = b.size();
        int i = b.add(id);
        if (i == before) distinct.add(id);
        assertThat(distinct.get(i)).isEqualTo(id);
      }
      assertRoundTrip(b.build(), distinct);
    }
  }

  @Test
  void builderFromBaseKeepsIndicesAndAppends() {
    IdIndex numeric = build("5", "3", "9999999999");
    IdIndex.Builder nb = new IdIndex.Builder(numeric);
    assertThat(nb.size()).isEqualTo(3);
    assertThat(nb.add("3")).isEqualTo(1);
    assertThat(nb.add("8")).isEqualTo(3);
    IdIndex grown = nb.build();
    assertThat(grown.isNumeric()).isTrue();
    assertRoundTrip(grown, List.of("5", "3", "9999999999", "8"));

    IdIndex strings = build("1", "alice", "007", "bob");
    IdIndex.Builder sb = new IdIndex.Builder(strings);
    assertThat(sb.add("bob")).isEqualTo(3);
    assertThat(sb.add("1")).isZero();
    assertThat(sb.add("7")).isEqualTo(4);
    assertThat(sb.add(2L)).isEqualTo(5);
    assertRoundTrip(sb.build(), List.of("1", "alice", "007", "bob", "7", "2"));

    IdIndex digitsAsStrings = IdIndex.ofStrings(List.of("4", "2"));
    assertRoundTrip(new IdIndex.Builder(digitsAsStrings).build(), List.of("4", "2"));
  }

  @Test
  void factoriesAndEquality() {
    IdIndex identity = IdIndex.identity(4);
    assertRoundTrip(identity, List.of("0", "1", "2", "3"));
    assertThat(identity).isEqualTo(IdIndex.ofLongs(new long[] {0, 1, 2, 3}))
        .hasSameHashCodeAs(IdIndex.ofLongs(new long[] {0, 1, 2, 3}))
        .isNotEqualTo(IdIndex.ofLongs(new long[] {0, 1, 3, 2}));
    assertThat(identity.toString()).isEqualTo("IdIndex[4 numeric ids]");
    long[] ids = {7, 8};
    IdIndex copy = IdIndex.ofLongs(ids);
    ids[0] = 99;
    assertThat(copy.longId(0)).as("ofLongs copies its argument").isEqualTo(7);
    assertThat(IdIndex.ofStrings(List.of("a", "b")).toString()).isEqualTo("IdIndex[2 string ids]");
  }

  @Test
  void duplicateIdsAreRejectedByTheFactories() {
    assertThatThrownBy(() -> IdIndex.ofLongs(new long[] {1, 5, 5}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate id 5 at index 2");
    assertThatThrownBy(() -> IdIndex.ofStrings(List.of("a", "b", "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate id 'a' at index 2");
  }

  /**
   * The bucket function is part of the model file format: these values (computed independently
   * from the SplitMix64 finaliser, multiply-shift reduction and FNV-1a definitions) must never change.
   */
  @Test
  void bucketsArePinned() {
    assertThat(IdIndex.bucketOf(0L, 1000)).isEqualTo(883);
    assertThat(IdIndex.bucketOf(1L, 1000)).isEqualTo(566);
    assertThat(IdIndex.bucketOf(42L, 1000)).isEqualTo(741);
    assertThat(IdIndex.bucketOf(-7L, 1000)).isEqualTo(422);
    assertThat(IdIndex.bucketOf("alice", 1000)).isEqualTo(101);
    assertThat(IdIndex.bucketOf("42", 1000)).as("a canonical long is hashed as the number").isEqualTo(741);
    assertThat(IdIndex.bucketOf("042", 1000)).as("not canonical: hashed as text")
        .isEqualTo(IdIndex.bucketOf(IdIndex.textHash("042"), 1000));
  }

  @Test
  void hashedIndexAdmitsEveryIdAndStoresNone() {
    IdIndex h = IdIndex.hashed(8);
    assertThat(h.size()).isEqualTo(8);
    assertThat(h.hashBuckets()).isEqualTo(8);
    assertThat(h.isNumeric()).isFalse();
    assertThat(h.indexOf(123456789012L)).isEqualTo(IdIndex.bucketOf(123456789012L, 8));
    assertThat(h.indexOf("123456789012")).isEqualTo(h.indexOf(123456789012L));
    assertThat(h.indexOf("never seen")).isBetween(0, 7);
    assertThat(h.externalId(3)).isEqualTo("#3");
    assertThat(h).isEqualTo(IdIndex.hashed(8)).hasSameHashCodeAs(IdIndex.hashed(8)).isNotEqualTo(IdIndex.hashed(9))
        .isNotEqualTo(IdIndex.identity(8));
    assertThat(h.toString()).isEqualTo("IdIndex[8 hashed buckets]");
    assertThatThrownBy(() -> h.without(3)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bucket 3 is shared");
    assertThatThrownBy(() -> new IdIndex.Builder(h)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hashed");
    assertThatThrownBy(() -> IdIndex.hashed(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hashed ids need at least 1 bucket, got 0");
  }

  /** Consecutive ids (the usual case) spread evenly: every bucket within 6 standard deviations of its mean. */
  @Test
  void consecutiveIdsSpreadEvenlyOverTheBuckets() {
    int buckets = 1000;
    int[] count = new int[buckets];
    for (long id = 1; id <= 100_000; id++) count[IdIndex.bucketOf(id, buckets)]++;
    for (int b = 0; b < buckets; b++) {
      assertThat(count[b]).as("bucket %d (mean 100, sd 10)", b).isBetween(40, 160);
    }
  }

  /** A built numeric index makes its map on first lookup; the builder goes on without changing it. */
  @Test
  void anIndexBuiltFromABuilderIsIndependentOfIt() {
    IdIndex.Builder b = new IdIndex.Builder();
    for (long id = 0; id < 3000; id++) b.add(id * 7919 - 5);
    IdIndex first = b.build();
    assertThat(b.add(-1_000_000L)).isEqualTo(3000);
    IdIndex second = b.build();
    assertThat(first.size()).isEqualTo(3000);
    assertThat(first.indexOf(-1_000_000L)).isEqualTo(-1);
    assertThat(second.indexOf(-1_000_000L)).isEqualTo(3000);
    for (int i = 0; i < 3000; i++) {
      assertThat(first.indexOf(i * 7919L - 5)).isEqualTo(i);
      assertThat(second.indexOf(Long.toString(i * 7919L - 5))).isEqualTo(i);
    }
    assertThat(first).isEqualTo(IdIndex.ofLongs(first.longIds()));
  }
}
