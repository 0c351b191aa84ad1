package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserRowsTest {

  @TempDir
  Path dir;

  @Test
  void tsvRowsOfTheUserGoAndEveryOtherLineStaysByteForByte() throws Exception {
    Path f = dir.resolve("d.tsv");
    Files.writeString(f, "# export of 42's shop\n42\t7\t1\t100\n420\t7\t1\t101\n1\t42\t2\t102\n42\t9\t5\t103\n7\t1\t1\t104");
    assertThat(UserRows.remove(f, InteractionFormat.TSV, "42")).isEqualTo(3);
    assertThat(Files.readString(f)).isEqualTo("420\t7\t1\t101\n1\t42\t2\t102\n7\t1\t1\t104");
    // Nothing of the user left: a second pass finds nothing and leaves the file as it is.
    assertThat(UserRows.remove(f, InteractionFormat.TSV, "42")).isZero();
  }

  @Test
  void quotedCsvFieldsAndColumnMappingsAreSplitAsTheReaderSplitsThem() throws Exception {
    Path f = dir.resolve("d.csv");
    Files.writeString(f, "item,user,rating\r\n5,\"ann, b\",1\r\n6,bob,2\r\n7,ann,3\r\n");
    ColumnMapping m = ColumnMapping.parse("item=0,user=1,rating=2", ",", true);
    assertThat(UserRows.remove(f, m, "ann, b")).isEqualTo(1);
    assertThat(Files.readString(f)).isEqualTo("item,user,rating\r\n6,bob,2\r\n7,ann,3\r\n");
    assertThat(UserRows.remove(f, InteractionFormat.ML_DAT, "x")).isZero();
  }

  @Test
  void gzipAndDirectoriesAreRefusedByName() throws Exception {
    Path gz = dir.resolve("d.tsv.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("1\t2\n".getBytes());
    }
    assertThatThrownBy(() -> UserRows.remove(gz, InteractionFormat.TSV, "1")).hasMessageContaining(gz + ": a gzip file");
    assertThatThrownBy(() -> UserRows.remove(dir, InteractionFormat.TSV, "1")).hasMessageContaining("not a regular file");
  }
}
