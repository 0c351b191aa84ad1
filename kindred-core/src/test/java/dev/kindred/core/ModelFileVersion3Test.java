package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.math.FactorMatrix;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 3 of the model file: id indices stored as mapped sections ({@link MappedIds}) and looked
 * up in place; version 2 files (a fixture written by the version 2 build, and the retained writer)
 * still read.
 */
class ModelFileVersion3Test {

  @TempDir
  Path dir;

  /** Every id finds its index, and ids the model does not know (in either spelling) find -1. */
  static void assertLookups(IdIndex read, IdIndex want) {
    assertThat(read.size()).isEqualTo(want.size());
    assertThat(read.isNumeric()).isEqualTo(want.isNumeric());
    for (int i = 0; i < want.size(); i++) {
      String id = want.externalId(i);
      assertThat(read.externalId(i)).isEqualTo(id);
      assertThat(read.indexOf(id)).as("indexOf('%s')", id).isEqualTo(i);
      if (want.isNumeric()) {
        assertThat(read.longId(i)).isEqualTo(want.longId(i));
        assertThat(read.indexOf(want.longId(i))).isEqualTo(i);
      }
      assertThat(read.indexOf(id + "x")).isEqualTo(want.indexOf(id + "x"));
    }
  }

  @Test
  void numericAndStringIdsAreMappedSectionsAndLookUpEveryId() throws IOException {
    for (LatentFactorModel m : List.of(ModelFileTest.numericModel(), ModelFileTest.stringModel())) {
      Path file = dir.resolve("model.kindred");
      ModelFile.write(m, file);
      assertThat(Files.readAllBytes(file)[8]).isEqualTo((byte) ModelFile.FORMAT_VERSION);
      LatentFactorModel read = (LatentFactorModel) ModelFile.read(file);
      ModelFileTest.assertSameModel(read, m);
      assertThat(read.userIndex().isMapped()).isTrue();
      assertThat(read.itemIndex().isMapped()).isTrue();
      assertLookups(read.userIndex(), m.userIndex());
      assertLookups(read.itemIndex(), m.itemIndex());
      assertThat(read.userIndex().hashCode()).isEqualTo(m.userIndex().hashCode());
      assertThat(read.itemIndex().hashCode()).isEqualTo(m.itemIndex().hashCode());
    }
  }

  @Test
  void unknownIdsAreNotFound() throws IOException {
    Path file = dir.resolve("model.kindred");
    ModelFile.write(ModelFileTest.numericModel(), file); // users 9999999999, -5, 0, 42
    IdIndex users = ((LatentFactorModel) ModelFile.read(file)).userIndex();
    assertThat(users.indexOf("-5")).isEqualTo(1);
    assertThat(users.indexOf("007")).as("not the canonical spelling of 7").isEqualTo(-1);
    assertThat(users.indexOf("-0")).isEqualTo(-1);
    assertThat(users.indexOf("alice")).isEqualTo(-1);
    assertThat(users.indexOf(43L)).isEqualTo(-1);
    assertThat(users.indexOf(Long.MIN_VALUE)).isEqualTo(-1);
    assertThat(users.indexOf(Long.toString(Long.MIN_VALUE))).isEqualTo(-1);

    ModelFile.write(ModelFileTest.stringModel(), file); // users alice, 007, 7, bob, ユーザー
    IdIndex strings = ((LatentFactorModel) ModelFile.read(file)).userIndex();
    assertThat(strings.indexOf(7L)).isEqualTo(2);
    assertThat(strings.indexOf("ユーザー")).isEqualTo(4);
    assertThat(strings.indexOf("ユーザ")).isEqualTo(-1);
    assertThat(strings.indexOf("")).isEqualTo(-1);
    assertThat(strings.indexOf(8L)).isEqualTo(-1);
    assertThat(strings.indexOf("Alice")).isEqualTo(-1);
  }

  /** A mapped index written again (a model read and saved, in any version) keeps its ids. */
  @Test
  void mappedIndicesWriteAgainInEveryVersion() throws IOException {
    for (LatentFactorModel m : List.of(ModelFileTest.numericModel(), ModelFileTest.stringModel())) {
      Path first = dir.resolve("first.kindred");
      ModelFile.write(m, first);
      Model read = ModelFile.read(first);
      Path v3 = dir.resolve("again.kindred");
      ModelFile.write(read, v3);
      ModelFileTest.assertSameModel(ModelFile.read(v3), m);
      Path v2 = dir.resolve("again-v2.kindred");
      ModelFile.writeVersion2(read, v2);
      Path v1 = dir.resolve("again-v1.kindred");
      ModelFile.writeVersion1(read, v1);
      for (Path old : List.of(v1, v2)) {
        LatentFactorModel back = (LatentFactorModel) ModelFile.read(old);
        ModelFileTest.assertSameModel(back, m);
        assertThat(back.userIndex().isMapped()).as(old.toString()).isFalse();
      }
      IdIndex users = ((LatentFactorModel) read).userIndex();
      assertThat(users.without(1)).isEqualTo(m.userIndex().without(1));
      IdIndex.Builder grown = new IdIndex.Builder(users);
      assertThat(grown.add("a new id")).isEqualTo(users.size());
    }
  }

  /** Version 2 files written by the version 2 build (before id sections) still read. */
  @Test
  void versionTwoFixturesStillRead() throws IOException {
    Object[][] fixtures = {{"v2-numeric.kindred", ModelFileTest.numericModel()},
        {"v2-strings.kindred", ModelFileTest.stringModel()}};
    for (Object[] f : fixtures) {
      Path file = dir.resolve((String) f[0]);
      try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream((String) f[0]), (String) f[0])) {
        Files.copy(in, file);
      }
      assertThat(Files.readAllBytes(file)[8]).isEqualTo((byte) 2);
      LatentFactorModel read = (LatentFactorModel) ModelFile.read(file);
      ModelFileTest.assertSameModel(read, (LatentFactorModel) f[1]);
      assertThat(read.userIndex().isMapped()).isFalse();
      assertLookups(read.userIndex(), ((LatentFactorModel) f[1]).userIndex());
    }
  }

  @Test
  void aFlippedIdByteNamesTheIdSection() throws IOException {
    Path file = dir.resolve("model.kindred");
    LatentFactorModel m = ModelFileTest.stringModel();
    ModelFile.write(m, file);
    byte[] bytes = Files.readAllBytes(file);
    int at = indexOf(bytes, "ユーザー".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    bytes[at] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> ModelFile.read(file)).isInstanceOf(InvalidModelFileException.class)
        .hasMessage(file + ": corrupted model file: checksum mismatch in section 'ids-1'");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }

  /**
   * Two million sparse numeric user ids (not 0..n-1, so not the identity form): written with
   * generated factors, opened, and looked up in place. Costs about 50 MB of heap for the index
   * being written and 40 MB of temporary disk.
   */
  @Test
  void twoMillionIdsOpenWithoutParsingAndEveryIdIsFound() throws IOException {
    int users = 2_000_000;
    long[] ids = new long[users];
    for (int u = 0; u < users; u++) ids[u] = 1_000_003L * u - 7_777_777_777L;
    FactorMatrix items = new FactorMatrix(3, 4);
    items.set(1, 2, 1f);
    LatentFactorModel m = new LatentFactorModel(Fixtures.provenance("generated"), IdIndex.ofLongs(ids),
        IdIndex.identity(3), 0f, null, null, new ModelFileVersion2Test.GeneratedFactors(users, 4), items);
    Path file = dir.resolve("many-ids.kindred");
    ModelFile.write(m, file);
    ModelFile.Opened opened = ModelFile.open(file, ModelFile.Verification.DEFERRED);
    IdIndex read = ((LatentFactorModel) opened.model()).userIndex();
    assertThat(read.isMapped()).isTrue();
    assertThat(read.size()).isEqualTo(users);
    for (int u = 0; u < users; u++) {
      if (read.indexOf(ids[u]) != u) throw new AssertionError("id " + ids[u] + " found at " + read.indexOf(ids[u]));
    }
    for (int u = 0; u < users; u += 1009) {
      assertThat(read.indexOf(ids[u] + 1)).isEqualTo(-1);
      assertThat(read.indexOf(Long.toString(ids[u]))).isEqualTo(u);
      assertThat(((LatentFactorModel) opened.model()).score(u, 1)).isEqualTo(ModelFileVersion2Test.GeneratedFactors.value(u, 2));
    }
    opened.verified().join();
  }

  /** The table's layout invariants: at most half the slots taken, each id once, each reachable from its home slot. */
  @Test
  void tableHoldsEveryIdOnceAtMostHalfFull() throws IOException {
    for (int n : new int[] {0, 1, 7, 13, 64, 207, 702}) {
      long[] ids = new long[n];
      for (int i = 0; i < n; i++) ids[i] = (long) i * i * 31 - 500;
      Path file = dir.resolve("ids-" + n + ".kindred");
      FactorMatrix f = new FactorMatrix(n, 2);
      ModelFile.write(new LatentFactorModel(Fixtures.provenance("t"), IdIndex.ofLongs(ids), IdIndex.identity(1), 0f,
          null, null, f, new FactorMatrix(1, 2)), file);
      IdIndex read = ((LatentFactorModel) ModelFile.read(file)).userIndex();
      assertThat(read.isMapped()).as("n = %d", n).isTrue();
      assertLookups(read, IdIndex.ofLongs(ids));
      int bits = MappedIds.bitsFor(n);
      assertThat(1L << bits).isGreaterThanOrEqualTo(2L * n).isLessThanOrEqualTo(Math.max(2, 4L * n));
    }
  }

  @Test
  void aCorruptSlotFailsTheLookupAndABadLengthTheOpen() {
    try (Arena arena = Arena.ofConfined()) {
      ValueLayout.OfLong i64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
      MemorySegment seg = arena.allocate(4 * 4 + 8);
      seg.set(i64, 16, 42L);
      for (int s = 0; s < 4; s++) seg.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * s, 9);
      MappedIds ids = new MappedIds(seg, 1, 2, true);
      assertThatThrownBy(() -> ids.indexOf(42L)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("corrupt id table: slot").hasMessageContaining("names index 8 of 1");
      assertThatThrownBy(() -> new MappedIds(seg, 2, 2, true)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("id table of 2 numeric ids in 2^2 slots needs 32 bytes, the section holds 24");
      assertThatThrownBy(() -> new MappedIds(seg, 3, 2, true)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("need 2^bits >= 2 ids");
    }
  }
}
