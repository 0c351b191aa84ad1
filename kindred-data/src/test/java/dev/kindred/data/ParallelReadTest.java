package dev.kindred.data;

import static dev.kindred.data.TestFiles.identical;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.kindred.core.DuplicatePolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Results must not depend on threads, ranges or block size: tiny tuning values push every line
 * across range and block boundaries, and lines go through both the fast and the general path.
 */
class ParallelReadTest {

  @TempDir
  Path dir;

  /** About 3,000 lines: numeric and string ids, duplicates, comments, blanks, CRLF, odd numbers. */
  private static String messyTsv(long seed, int badLine) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder s = new StringBuilder();
    for (int line = 1; line <= 3000; line++) {
      if (line == badLine) {
        s.append("7\t8\toops\t9\n");
        continue;
      }
      switch (r.nextInt(20)) {
        case 0 -> s.append("# comment ").append(line).append('\n');
        case 1 -> s.append('\n');
        case 2 -> s.append("u").append(r.nextInt(50)).append("\t").append(r.nextInt(300)).append("\t3.5\t")
            .append(line).append("\r\n");
        case 3 -> s.append(' ').append(r.nextInt(200)).append("\t").append(r.nextInt(300)).append("\t2e0\t")
            .append(line).append('\n');
        default -> s.append(r.nextInt(200)).append('\t').append(r.nextInt(300)).append('\t').append(r.nextInt(10) / 2.0)
            .append('\t').append(r.nextInt(5000)).append('\n');
      }
    }
    return s.toString();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void anyThreadCountRangeAndBlockSizeGivesTheSameData(int threads) throws IOException {
    Path f = TestFiles.write(dir, "messy.tsv", messyTsv(11, -1));
    Path gz = TestFiles.writeGzip(dir, "messy.gz", messyTsv(11, -1).getBytes(StandardCharsets.UTF_8));
    for (DuplicatePolicy policy : DuplicatePolicy.values()) {
      ReadOptions base = ReadOptions.DEFAULTS.withDuplicates(policy).withThreads(1);
      LoadResult reference = InteractionReader.read(f, InteractionFormat.TSV, base);
      for (InteractionReader.Tuning t : List.of(new InteractionReader.Tuning(37, 500),
          new InteractionReader.Tuning(4096, 1000), new InteractionReader.Tuning(1, 1))) {
        for (Path file : List.of(f, gz)) {
          LoadResult r = InteractionReader.readShared(List.of(file), InteractionFormat.TSV, base.withThreads(threads), t)
              .getFirst();
          assertThat(identical(r.data(), reference.data())).as("%s %s %s", policy, t, file.getFileName()).isTrue();
          assertThat(r.rowsRead()).isEqualTo(reference.rowsRead());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void errorLineNumbersAreGlobalWhateverTheRange(int threads) throws IOException {
    Path f = TestFiles.write(dir, "bad.tsv", messyTsv(5, 2345));
    for (InteractionReader.Tuning t : List.of(new InteractionReader.Tuning(37, 500),
        InteractionReader.Tuning.DEFAULT)) {
      DataFormatException e = catchThrowableOfType(DataFormatException.class,
          () -> InteractionReader.readShared(List.of(f), InteractionFormat.TSV,
              ReadOptions.DEFAULTS.withThreads(threads), t));
      assertThat(e).hasMessage(f + ":2345: rating 'oops' is not a number");
      List<LoadResult> skipped = InteractionReader.readShared(List.of(f), InteractionFormat.TSV,
          ReadOptions.DEFAULTS.withThreads(threads).withSkipInvalid(true), t);
      assertThat(skipped.getFirst().skippedExamples()).containsExactly(f + ":2345: rating 'oops' is not a number");
    }
  }

  @Test
  void aLineLongerThanTheBlockGrowsTheBuffer() throws IOException {
    StringBuilder s = new StringBuilder("0");
    for (int i = 0; i < 5000; i++) {
      s.append(' ').append(i);
    }
    s.append("\n1 5 6\n");
    Path f = TestFiles.write(dir, "long.txt", s.toString());
    LoadResult r = InteractionReader.readShared(List.of(f), InteractionFormat.LIGHTGCN,
        ReadOptions.DEFAULTS.withThreads(2), new InteractionReader.Tuning(64, 100)).getFirst();
    assertThat(r.rowsRead()).isEqualTo(5002);
    assertThat(r.data().userDegree(0)).isEqualTo(5000);
  }
}
