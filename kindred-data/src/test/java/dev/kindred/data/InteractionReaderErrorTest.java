package dev.kindred.data;

import static dev.kindred.data.TestFiles.rows;
import static dev.kindred.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: one clear line naming file, line and problem; or skipped and counted. */
class InteractionReaderErrorTest {

  @TempDir
  Path dir;

  private DataFormatException failure(Path f, InteractionFormat format) {
    return catchThrowableOfType(DataFormatException.class,
        () -> InteractionReader.read(f, format, ReadOptions.DEFAULTS));
  }

  @Test
  void nonNumericRatingNamesFileLineAndValue() throws IOException {
    Path f = write(dir, "bad.tsv", "1\t2\t3\t4\n# fine\n5\t6\tabc\t8\n");
    DataFormatException e = failure(f, InteractionFormat.TSV);
    assertThat(e).hasMessage(f + ":3: rating 'abc' is not a number");
    assertThat(e.file()).isEqualTo(f);
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.problem()).isEqualTo("rating 'abc' is not a number");
    assertThat(e).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wrongFieldCount() throws IOException {
    Path f = write(dir, "u.data", "1\t2\t3\t4\n1\t2\n");
    assertThat(failure(f, InteractionFormat.ML_100K))
        .hasMessage(f + ":2: expected 4 fields separated by '\\t', found 2");
    Path dat = write(dir, "ratings.dat", "1::2::3\n");
    assertThat(failure(dat, InteractionFormat.ML_DAT))
        .hasMessage(dat + ":1: expected 4 fields separated by '::', found 3");
    Path tsv = write(dir, "x.tsv", "1\t2\t3\n1\t2\t3\t4\n");
    assertThat(failure(tsv, InteractionFormat.TSV)).as("column count fixed by the first line")
        .hasMessage(tsv + ":2: expected 3 fields separated by '\\t', found 4");
    Path one = write(dir, "one.tsv", "\n17\n");
    assertThat(failure(one, InteractionFormat.TSV))
        .hasMessage(one + ":2: expected 2 to 4 fields separated by '\\t', found 1");
  }

  @Test
  void otherProblems() throws IOException {
    Path ts = write(dir, "ts.tsv", "1\t2\t3\t12.5\n");
    assertThat(failure(ts, InteractionFormat.TSV)).hasMessage(ts + ":1: timestamp '12.5' is not an integer");
    Path inf = write(dir, "inf.tsv", "1\t2\t1e99\n");
    assertThat(failure(inf, InteractionFormat.TSV)).hasMessage(inf + ":1: rating '1e99' is not a finite number");
    Path nan = write(dir, "nan.tsv", "1\t2\tNaN\n");
    assertThat(failure(nan, InteractionFormat.TSV)).hasMessage(nan + ":1: rating 'NaN' is not a number");
    Path empty = write(dir, "empty-id.csv", "1,2,3\n,2,3\n");
    assertThat(failure(empty, InteractionFormat.CSV)).hasMessage(empty + ":2: empty user id");
    Path quote = write(dir, "q.csv", "1,2,3\n1,\"2,3\n");
    assertThat(failure(quote, InteractionFormat.CSV)).hasMessage(quote + ":2: unterminated quoted field 2");
    Path after = write(dir, "a.csv", "1,\"2\"x,3\n");
    assertThat(failure(after, InteractionFormat.CSV))
        .hasMessage(after + ":1: unexpected text after the closing quote of field 2");
    ColumnMapping m = ColumnMapping.parse("user=0,item=1,rating=3", ";", false);
    Path few = write(dir, "few.txt", "a;b;c;4\na;b\n");
    assertThat(catchThrowableOfType(DataFormatException.class,
        () -> InteractionReader.read(few, m, ReadOptions.DEFAULTS)))
        .hasMessage(few + ":2: expected at least 4 fields separated by ';', found 2");
  }

  @Test
  void skipInvalidCountsAndKeepsTheFirstExamples() throws IOException {
    StringBuilder s = new StringBuilder("1\t2\t3\t4\n");
    for (int k = 0; k < 7; k++) {
      s.append("1\tx\tbad\t4\n");
    }
    s.append("2\t3\t4\t5\n1\t2\n");
    Path f = write(dir, "skip.tsv", s.toString());
    LoadResult r = InteractionReader.read(f, InteractionFormat.TSV, ReadOptions.DEFAULTS.withSkipInvalid(true));
    assertThat(r.rowsRead()).isEqualTo(2);
    assertThat(r.rowsSkipped()).isEqualTo(8);
    assertThat(r.skippedExamples()).hasSize(LoadResult.MAX_EXAMPLES);
    assertThat(r.skippedExamples().getFirst()).isEqualTo(f + ":2: rating 'bad' is not a number");
    assertThat(r.skippedExamples().getLast()).isEqualTo(f + ":6: rating 'bad' is not a number");
    assertThat(rows(r.data())).as("a skipped row leaves no id behind").containsExactly("1 2 3.0 4", "2 3 4.0 5");
  }

  @Test
  void skipInvalidAlsoPassesOverAnUnusableFirstLine() throws IOException {
    Path f = write(dir, "first.tsv", "garbage\n1\t2\t3\n");
    LoadResult r = InteractionReader.read(f, InteractionFormat.TSV, ReadOptions.DEFAULTS.withSkipInvalid(true));
    assertThat(r.rowsSkipped()).isEqualTo(1);
    assertThat(r.skippedExamples()).containsExactly(f + ":1: expected 3 fields separated by '\\t', found 1");
    assertThat(rows(r.data())).containsExactly("1 2 3.0");
  }

  @Test
  void missingFileIsAnIoError() {
    assertThatThrownBy(() -> InteractionReader.read(dir.resolve("nope.tsv"), InteractionFormat.TSV,
        ReadOptions.DEFAULTS)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void truncatedGzipIsAnIoErrorWithOneOrTwoThreads() throws IOException {
    StringBuilder s = new StringBuilder();
    for (int k = 0; k < 20_000; k++) {
      s.append(k % 97).append('\t').append(k % 89).append('\t').append(k % 5).append('\t').append(k).append('\n');
    }
    Path gz = TestFiles.writeGzip(dir, "whole.gz", s.toString().getBytes(StandardCharsets.UTF_8));
    byte[] bytes = Files.readAllBytes(gz);
    Path cut = TestFiles.write(dir, "cut.gz", Arrays.copyOf(bytes, bytes.length / 2));
    for (int threads = 1; threads <= 2; threads++) {
      ReadOptions o = ReadOptions.DEFAULTS.withThreads(threads);
      assertThat(InteractionReader.read(gz, InteractionFormat.TSV, o).rowsRead()).isEqualTo(20_000);
      assertThatThrownBy(() -> InteractionReader.read(cut, InteractionFormat.TSV, o)).isInstanceOf(IOException.class)
          .hasMessageStartingWith(cut + ": corrupt or truncated gzip data");
    }
  }

  @Test
  void columnMappingSpecErrors() {
    assertThat(ColumnMapping.parse("user=0,item=1,rating=2,ts=3", "\\t", true))
        .isEqualTo(new ColumnMapping("\t", 0, 1, 2, 3, true));
    assertThat(ColumnMapping.parse("item=0, user=3", ",", false).minFields()).isEqualTo(4);
    assertThatThrownBy(() -> ColumnMapping.parse("user=0", ",", false))
        .hasMessage("bad column spec 'user=0': user and item columns are required");
    assertThatThrownBy(() -> ColumnMapping.parse("user=0,item=x", ",", false))
        .hasMessage("bad column spec 'user=0,item=x': column of item must be an integer, got 'x'");
    assertThatThrownBy(() -> ColumnMapping.parse("user=0,item=1,score=2", ",", false))
        .hasMessage("bad column spec 'user=0,item=1,score=2': unknown key 'score', expected user, item, rating or ts");
    assertThatThrownBy(() -> ColumnMapping.parse("user=0,item=0", ",", false))
        .hasMessageContaining("columns must be distinct");
    assertThatThrownBy(() -> new ColumnMapping("", 0, 1, -1, -1, false)).hasMessageContaining("delimiter");
  }
}
