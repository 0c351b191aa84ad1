package dev.kindred.data.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.Interactions;
import dev.kindred.data.DataFormatException;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.InteractionWriter;
import dev.kindred.data.LoadResult;
import dev.kindred.data.NamedColumns;
import dev.kindred.data.ReadOptions;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetInteractionReaderTest {

  @TempDir
  Path dir;

  private static final String INT_IDS = "message m { required int32 uid; required int64 iid; optional double stars; }";

  /** Same indices, pairs, values (fingerprint) and timestamps. */
  private static void assertSameData(Interactions actual, Interactions expected) {
    assertThat(actual.userIndex()).isEqualTo(expected.userIndex());
    assertThat(actual.itemIndex()).isEqualTo(expected.itemIndex());
    assertThat(actual.fingerprint()).isEqualTo(expected.fingerprint());
    assertThat(actual.timestamps()).isEqualTo(expected.timestamps());
  }

  @Test
  void generatedParquetReadsAsTheGeneratedTsv() throws IOException {
    for (boolean implicit : new boolean[] {false, true}) {
      SyntheticGenerator g = new SyntheticGenerator(SyntheticConfig.of(120, 90, 2500, 5).withImplicit(implicit));
      Path tsv = dir.resolve("g" + implicit + ".tsv");
      Path parquet = dir.resolve("g" + implicit + ".parquet");
      g.generate(tsv);
      ParquetInteractionWriter.writeGenerated(g, parquet);
      LoadResult fromTsv = InteractionReader.read(tsv, InteractionFormat.TSV, ReadOptions.DEFAULTS);
      LoadResult fromParquet = ParquetInteractionReader.read(parquet, NamedColumns.DEFAULTS, ReadOptions.DEFAULTS);
      assertSameData(fromParquet.data(), fromTsv.data());
      assertThat(fromParquet.rowsRead()).isEqualTo(2500);
      assertThat(fromParquet.rowsSkipped()).isZero();
      assertThat(fromParquet.file()).isEqualTo(parquet);
    }
  }

  /**
   * Gowalla (LightGCN split, from ../shared/datasets; skipped when absent) written as TSV and as
   * Parquet from the same interactions reads back identically through both readers, train and
   * test on one index: the same indices, pairs and values, hence the same trained models.
   */
  @Test
  void gowallaReadsTheSameThroughParquetAndTsv() throws IOException {
    Path train = sharedDataset("gowalla-lightgcn/train.txt");
    Path test = sharedDataset("gowalla-lightgcn/test.txt");
    List<LoadResult> original = InteractionReader.readShared(List.of(train, test), InteractionFormat.LIGHTGCN,
        ReadOptions.DEFAULTS);
    List<Path> tsvs = List.of(dir.resolve("train.tsv"), dir.resolve("test.tsv"));
    List<Path> parquets = List.of(dir.resolve("train.parquet"), dir.resolve("test.parquet"));
    for (int f = 0; f < 2; f++) {
      InteractionWriter.writeTsv(original.get(f).data(), tsvs.get(f));
      ParquetInteractionWriter.write(original.get(f).data(), parquets.get(f));
    }
    ReadOptions opts = ReadOptions.DEFAULTS.withImplicit(true).withThreads(2);
    List<LoadResult> fromTsv = InteractionReader.readShared(tsvs, InteractionFormat.TSV, opts);
    List<LoadResult> fromParquet = ParquetInteractionReader.readShared(parquets, NamedColumns.DEFAULTS, opts);
    for (int f = 0; f < 2; f++) {
      assertSameData(fromParquet.get(f).data(), fromTsv.get(f).data());
      assertThat(fromParquet.get(f).data().size()).isEqualTo(original.get(f).data().size());
    }
    assertThat(fromParquet.get(0).data().size()).isEqualTo(810_128);
  }

  /** A file under ../shared/datasets above the working directory; skips the test when there is none. */
  private static Path sharedDataset(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared").resolve("datasets").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(false, "shared data set '" + relative
        + "' not found in any ../shared/datasets above " + Path.of("").toAbsolutePath() + "; skipping");
    return null;
  }

  @Test
  void writtenInteractionsReadBackWithStringAndLongIds() throws IOException {
    Path tsv = Files.writeString(dir.resolve("s.tsv"),
        "alice\t9999999999\t4\t10\nbob\t7\t2.5\t11\nalice\t7\t1\t12\n42\tx-1\t0.125\t13\n");
    Interactions data = InteractionReader.read(tsv, InteractionFormat.TSV, ReadOptions.DEFAULTS).data();
    Path out = dir.resolve("s.parquet");
    ParquetInteractionWriter.write(data, out);
    Interactions back = ParquetInteractionReader.read(out, NamedColumns.DEFAULTS, ReadOptions.DEFAULTS).data();
    assertSameData(back, data);
    // "42" was written as text and reads back as the number it spells, as in TSV.
    assertThat(back.userIndex().indexOf(42L)).isEqualTo(data.userIndex().indexOf(42L)).isGreaterThanOrEqualTo(0);
    assertThat(back.itemIndex().indexOf(9999999999L)).isEqualTo(0);
  }

  @Test
  void noTimestampsAndThreadsDoNotChangeTheResult() throws IOException {
    Interactions data = new SyntheticGenerator(SyntheticConfig.of(60, 40, 700, 9)).generateInMemory();
    Interactions noTs = Interactions.fromCoo(data.userIndex(), data.itemIndex(), data.numUsers(), data.numItems(),
        data.userIdx(), data.itemIdx(), data.values(), null, data.size(), DuplicatePolicy.LAST);
    Path out = dir.resolve("nots.parquet");
    Path tsv = dir.resolve("nots.tsv");
    ParquetInteractionWriter.write(noTs, out);
    InteractionWriter.writeTsv(noTs, tsv);
    Interactions expected = InteractionReader.read(tsv, InteractionFormat.TSV, ReadOptions.DEFAULTS).data();
    for (int threads : new int[] {1, 3}) {
      Interactions back = ParquetInteractionReader.read(out, NamedColumns.DEFAULTS,
          ReadOptions.DEFAULTS.withThreads(threads)).data();
      assertThat(back.hasTimestamps()).isFalse();
      assertSameData(back, expected);
    }
  }

  @Test
  void manyRowGroupsGiveFirstAppearanceOrderAndMergeDuplicates() throws IOException {
    StringBuilder tsv = new StringBuilder();
    Object[][] rows = new Object[3000][];
    for (int r = 0; r < rows.length; r++) {
      int u = (r * 7919) % 301;
      long i = 5_000_000_000L + (r * 104729L) % 97; // beyond int range
      double v = (r % 9) / 2.0;
      rows[r] = new Object[] {u, i, v};
      tsv.append(u).append('\t').append(i).append('\t').append(v).append('\n');
    }
    Path parquet = ParquetFiles.write(dir, "groups.parquet", INT_IDS, 4096, rows);
    Path text = Files.writeString(dir.resolve("groups.tsv"), tsv);
    for (DuplicatePolicy p : DuplicatePolicy.values()) {
      for (int threads : new int[] {1, 3}) {
        ReadOptions opts = ReadOptions.DEFAULTS.withDuplicates(p).withThreads(threads);
        Interactions expected = InteractionReader.read(text, InteractionFormat.TSV, opts).data();
        LoadResult got = ParquetInteractionReader.read(parquet, NamedColumns.parse("user=uid,item=iid,rating=stars"), opts);
        assertSameData(got.data(), expected);
        assertThat(got.rowsRead()).isEqualTo(3000);
      }
    }
  }

  @Test
  void defaultColumnsWithoutValueOrTimestampAreImplicit() throws IOException {
    Path f = ParquetFiles.write(dir, "pairs.parquet", "message m { required binary user (STRING); required binary item (STRING); }",
        new Object[] {"u1", "i1"}, new Object[] {"u2", "i1"}, new Object[] {"u1", "i2"});
    Interactions d = ParquetInteractionReader.read(f, NamedColumns.DEFAULTS, ReadOptions.DEFAULTS).data();
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.values()).containsOnly(1f);
    assertThat(d.hasTimestamps()).isFalse();
    assertThat(d.userIndex().externalId(0)).isEqualTo("u1");
  }

  @Test
  void implicitIgnoresTheValueColumn() throws IOException {
    Path f = ParquetFiles.write(dir, "v.parquet", INT_IDS, new Object[] {1, 2L, 4.5}, new Object[] {2, 2L, null});
    ReadOptions implicit = ReadOptions.DEFAULTS.withImplicit(true);
    Interactions d = ParquetInteractionReader.read(f, NamedColumns.parse("user=uid,item=iid,value=stars"), implicit).data();
    assertThat(d.values()).containsExactly(1f, 1f);
  }

  @Test
  void sharedReadGivesOneIndexAcrossFiles() throws IOException {
    Path a = ParquetFiles.write(dir, "a.parquet", INT_IDS, new Object[] {1, 10L, 1.0}, new Object[] {2, 11L, 2.0});
    Path b = ParquetFiles.write(dir, "b.parquet", INT_IDS, new Object[] {3, 10L, 3.0}, new Object[] {1, 12L, 4.0});
    List<LoadResult> both = ParquetInteractionReader.readShared(List.of(a, b), NamedColumns.parse("user=uid,item=iid"),
        ReadOptions.DEFAULTS);
    assertThat(both.get(0).data().numUsers()).isEqualTo(3).isEqualTo(both.get(1).data().numUsers());
    assertThat(both.get(1).data().userIndex()).isSameAs(both.get(0).data().userIndex());
    assertThat(both.get(1).data().itemIndex().indexOf(12L)).isEqualTo(2);
  }

  @Test
  void missingNamedColumnNamesFileColumnAndWhatTheFileHas() throws IOException {
    Path f = ParquetFiles.write(dir, "m.parquet", INT_IDS, new Object[] {1, 2L, 3.0});
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, NamedColumns.parse("user=uid,item=iid,ts=when"),
        ReadOptions.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(f + ": no column 'when' for the timestamp; the file has columns uid (INT32), iid (INT64), stars (DOUBLE)");
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, NamedColumns.DEFAULTS, ReadOptions.DEFAULTS))
        .hasMessageStartingWith(f + ": no column 'user' for the user id;");
  }

  @Test
  void wrongTypeNamesColumnAndExpectedTypes() throws IOException {
    Path f = ParquetFiles.write(dir, "t.parquet",
        "message m { required int32 uid; required int32 iid; required binary stars (STRING); required double when; }",
        new Object[] {1, 2, "five", 1.5});
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, NamedColumns.parse("user=uid,item=iid,value=stars"),
        ReadOptions.DEFAULTS))
        .hasMessage(f + ": column 'stars' (value) is BINARY STRING; expected FLOAT, DOUBLE, INT32, INT64");
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, NamedColumns.parse("user=uid,item=iid,ts=when"),
        ReadOptions.DEFAULTS))
        .hasMessage(f + ": column 'when' (timestamp) is DOUBLE; expected INT32, INT64");
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, NamedColumns.parse("user=when,item=iid"),
        ReadOptions.DEFAULTS))
        .hasMessage(f + ": column 'when' (user id) is DOUBLE; expected INT32, INT64, BINARY (UTF-8 text)");
  }

  @Test
  void repeatedColumnIsRefused() throws IOException {
    Path f = ParquetFiles.write(dir, "r.parquet", "message m { required int32 uid; repeated int32 iid; }",
        new Object[] {1, 2});
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, NamedColumns.parse("user=uid,item=iid"),
        ReadOptions.DEFAULTS))
        .hasMessage(f + ": column 'iid' (item id) is repeated; expected a flat column of INT32, INT64, BINARY");
  }

  @Test
  void nullsFailWithTheRowOrAreSkippedAndCounted() throws IOException {
    String schema = "message m { optional binary uid (STRING); optional int64 iid; optional float stars; }";
    Path f = ParquetFiles.write(dir, "n.parquet", schema, new Object[] {"a", 1L, 2f}, new Object[] {"b", null, 3f},
        new Object[] {null, 2L, 1f}, new Object[] {"c", 3L, Float.NaN}, new Object[] {"d", 4L, 5f});
    NamedColumns cols = NamedColumns.parse("user=uid,item=iid,value=stars");
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, cols, ReadOptions.DEFAULTS))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(f + ": row 2: item id column 'iid' is null")
        .satisfies(e -> assertThat(((DataFormatException) e).line()).isEqualTo(2));
    LoadResult r = ParquetInteractionReader.read(f, cols, ReadOptions.DEFAULTS.withSkipInvalid(true));
    assertThat(r.skippedExamples()).hasSize(3);
    assertThat(r.rowsSkipped()).isEqualTo(3);
    assertThat(r.rowsRead()).isEqualTo(2);
    assertThat(r.skippedExamples()).containsExactly(f + ": row 2: item id column 'iid' is null",
        f + ": row 3: user id column 'uid' is null", f + ": row 4: value column 'stars' is NaN, not a finite number");
    assertThat(Arrays.asList(r.data().userIndex().externalId(0), r.data().userIndex().externalId(1)))
        .containsExactly("a", "d");
    // Values stay aligned with their rows after skipped rows.
    assertThat(r.data().values()).containsExactly(2f, 5f);
  }

  @Test
  void theFirstBadRowInFileOrderIsReportedWhateverTheThreadsAndPageVersion() throws IOException {
    Object[][] rows = new Object[2000][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = new Object[] {r % 50, (long) (r % 70), r == 1500 || r == 1900 ? null : 1.0 + r % 4};
    }
    Path v1 = ParquetFiles.write(dir, "late.parquet", INT_IDS, 2048, rows);
    Path v2 = ParquetFiles.write(dir, "late2.parquet", INT_IDS, 2048, WriterVersion.PARQUET_2_0, rows);
    NamedColumns cols = NamedColumns.parse("user=uid,item=iid,value=stars");
    ReadOptions skip = ReadOptions.DEFAULTS.withSkipInvalid(true);
    assertSameData(ParquetInteractionReader.read(v2, cols, skip).data(), ParquetInteractionReader.read(v1, cols, skip).data());
    for (int threads : new int[] {1, 2, 4}) {
      Path f = threads == 2 ? v2 : v1;
      ReadOptions opts = ReadOptions.DEFAULTS.withThreads(threads);
      assertThatThrownBy(() -> ParquetInteractionReader.read(f, cols, opts))
          .hasMessage(f + ": row 1501: value column 'stars' is null");
      LoadResult r = ParquetInteractionReader.read(f, cols, opts.withSkipInvalid(true));
      assertThat(r.skippedExamples()).containsExactly(f + ": row 1501: value column 'stars' is null",
          f + ": row 1901: value column 'stars' is null");
      assertThat(r.rowsRead()).isEqualTo(1998);
    }
  }

  @Test
  void notAParquetFileFailsWithAnIoError() throws IOException {
    Path f = Files.writeString(dir.resolve("x.parquet"), "1\t2\t3\n");
    assertThatThrownBy(() -> ParquetInteractionReader.read(f, NamedColumns.DEFAULTS, ReadOptions.DEFAULTS))
        .isInstanceOf(IOException.class).hasMessage(f + ": not a readable Parquet file (is not a Parquet file (length is too low: 6))");
  }
}
