package dev.kindred.data;

import static dev.kindred.data.TestFiles.identical;
import static dev.kindred.data.TestFiles.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionWriterTest {

  @TempDir
  Path dir;

  private static Interactions small(IdIndex users, IdIndex items, long[] ts) {
    return Interactions.fromCoo(users, items, users.size(), items.size(), new int[] {0, 0, 1, 2},
        new int[] {0, 2, 1, 0}, new float[] {4f, 0.1f, 3.5f, -2.75e-5f}, ts, 4, DuplicatePolicy.LAST);
  }

  @Test
  void writesCompactValuesAndReadsBackEqual() throws IOException {
    Interactions data = small(IdIndex.ofLongs(new long[] {9999999999L, 2, 3}), IdIndex.ofLongs(new long[] {10, 20, 30}),
        new long[] {5, 6, 7, 8});
    Path out = dir.resolve("out.tsv");
    InteractionWriter.writeTsv(data, out);
    assertThat(Files.readAllLines(out)).containsExactly("9999999999\t10\t4\t5", "9999999999\t30\t0.1\t6",
        "2\t20\t3.5\t7", "3\t10\t-2.75E-5\t8");
    Interactions back = InteractionReader.read(out, InteractionFormat.TSV, ReadOptions.DEFAULTS).data();
    assertThat(rows(back)).isEqualTo(rows(data));
  }

  @Test
  void roundTripKeepsIndicesWhenIdsAppearInIndexOrder() throws IOException {
    Interactions data = new SyntheticGenerator(SyntheticConfig.of(40, 30, 500, 3)).generateInMemory();
    Path out = dir.resolve("gen.tsv");
    InteractionWriter.writeTsv(data, out);
    Interactions back = InteractionReader.read(out, InteractionFormat.TSV, ReadOptions.DEFAULTS).data();
    // Generated ids first appear in index order, also in the CSR order the writer uses.
    assertThat(identical(back, data)).isTrue();
  }

  @Test
  void stringIdsWithoutTimestamps() throws IOException {
    Interactions data = small(IdIndex.ofStrings(List.of("ann", "bo b", "c-3")),
        IdIndex.ofStrings(List.of("x", "y", "007")), null);
    Path out = dir.resolve("s.tsv");
    InteractionWriter.writeTsv(data, out);
    assertThat(Files.readAllLines(out).getFirst()).isEqualTo("ann\tx\t4");
    Interactions back = InteractionReader.read(out, InteractionFormat.TSV, ReadOptions.DEFAULTS).data();
    assertThat(back.hasTimestamps()).isFalse();
    assertThat(rows(back)).isEqualTo(rows(data));
    assertThat(back.itemIndex().stringIds()).as("first appearance in the file").containsExactly("x", "007", "y");
  }

  @Test
  void writesAtomicallyAndReplacesAnOldFile() throws IOException {
    Path out = dir.resolve("replace.tsv");
    Files.writeString(out, "old content\n");
    Interactions data = small(IdIndex.identity(3), IdIndex.identity(3), null);
    InteractionWriter.writeTsv(data, out);
    assertThat(Files.readString(out)).startsWith("0\t0\t4\n");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("replace.tsv");
    }
  }

  @Test
  void refusesIdsThatWouldNotReadBackAndKeepsTheOldFile() throws IOException {
    Path out = dir.resolve("keep.tsv");
    Files.writeString(out, "old\n");
    Interactions tab = small(IdIndex.ofStrings(List.of("a\tb", "c", "d")), IdIndex.identity(3), null);
    assertThatThrownBy(() -> InteractionWriter.writeTsv(tab, out)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("user id 'a\\tb' (index 0) cannot be written as TSV");
    Interactions hash = small(IdIndex.identity(3), IdIndex.ofStrings(List.of("#1", "b", "c")), null);
    assertThatThrownBy(() -> InteractionWriter.writeTsv(hash, out)).hasMessageStartingWith("item id '#1'");
    assertThat(Files.readString(out)).isEqualTo("old\n");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(1);
    }
  }
}
