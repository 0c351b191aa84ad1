package dev.kindred.data;

import static dev.kindred.data.TestFiles.rows;
import static dev.kindred.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.Interactions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every format, and the input quirks every format must survive. */
class InteractionReaderTest {

  @TempDir
  Path dir;

  private static LoadResult read(Path file, InteractionFormat format) throws IOException {
    return InteractionReader.read(file, format, ReadOptions.DEFAULTS);
  }

  @Test
  void ml100kTabSeparatedFourFields() throws IOException {
    Path f = write(dir, "u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t377\t1\t878887116\n");
    LoadResult r = read(f, InteractionFormat.ML_100K);
    Interactions d = r.data();
    assertThat(r.rowsRead()).isEqualTo(3);
    assertThat(r.rowsSkipped()).isZero();
    assertThat(r.file()).isEqualTo(f);
    assertThat(d.numUsers()).isEqualTo(2);
    assertThat(d.numItems()).isEqualTo(3);
    assertThat(d.userIndex().longId(0)).as("first appearance order").isEqualTo(196);
    assertThat(d.itemIndex().longId(2)).isEqualTo(377);
    assertThat(rows(d)).containsExactly("196 242 3.0 881250949", "196 377 1.0 878887116", "186 302 3.0 891717742");
  }

  @Test
  void mlDatDoubleColonSeparated() throws IOException {
    Path f = write(dir, "ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
    Interactions d = read(f, InteractionFormat.ML_DAT).data();
    assertThat(rows(d)).containsExactly("1 1193 5.0 978300760", "1 661 3.0 978302109", "2 1193 4.0 978298413");
  }

  @Test
  void mlCsvSkipsHeaderAndUnquotesFields() throws IOException {
    Path f = write(dir, "ratings.csv",
        "userId,movieId,rating,timestamp\n1,\"31\",2.5,1260759144\n\"1\",1029,3.0,1260759179\n");
    Interactions d = read(f, InteractionFormat.ML_CSV).data();
    assertThat(d.userIndex().isNumeric()).as("quoted \"1\" is still the number 1").isTrue();
    assertThat(rows(d)).containsExactly("1 31 2.5 1260759144", "1 1029 3.0 1260759179");
  }

  @Test
  void csvDetectsHeaderAndHandlesQuotedDelimitersAndEscapes() throws IOException {
    Path f = write(dir, "x.csv", "user,item,rating\n\"Smith, J.\",\"The \"\"Best\"\" Item\",4\nbob,hat,2.5\n");
    LoadResult r = read(f, InteractionFormat.CSV);
    assertThat(r.rowsRead()).isEqualTo(2);
    assertThat(r.data().hasTimestamps()).isFalse();
    assertThat(rows(r.data())).containsExactly("Smith, J. The \"Best\" Item 4.0", "bob hat 2.5");
  }

  @Test
  void csvWithoutHeaderReadsFirstLineAsData() throws IOException {
    Path f = write(dir, "x.csv", "1,2,3.5,100\n1,3,4,101\n");
    assertThat(rows(read(f, InteractionFormat.CSV).data())).containsExactly("1 2 3.5 100", "1 3 4.0 101");
  }

  @Test
  void tsvTakesColumnCountFromFirstLineAndSkipsCommentsAndBlankLines() throws IOException {
    Path pairs = write(dir, "pairs.tsv", "# user item\nu1\ti1\n\n   \nu2\ti1\nu1\ti2\n");
    Interactions d = read(pairs, InteractionFormat.TSV).data();
    assertThat(d.hasTimestamps()).isFalse();
    assertThat(rows(d)).containsExactly("u1 i1 1.0", "u1 i2 1.0", "u2 i1 1.0");

    Path rated = write(dir, "rated.tsv", "1\t2\t4.5\n3\t2\t1\n");
    assertThat(rows(read(rated, InteractionFormat.TSV).data())).containsExactly("1 2 4.5", "3 2 1.0");
  }

  @Test
  void lightgcnOneLinePerUserKeepsUsersWithoutItems() throws IOException {
    Path f = write(dir, "train.txt", "0 1 2 3\n1 2  7 \n2\n");
    LoadResult r = read(f, InteractionFormat.LIGHTGCN);
    Interactions d = r.data();
    assertThat(r.rowsRead()).as("pairs, not lines").isEqualTo(5);
    assertThat(d.numUsers()).isEqualTo(3);
    assertThat(d.userDegree(2)).isZero();
    assertThat(d.hasTimestamps()).isFalse();
    assertThat(rows(d)).containsExactly("0 1 1.0", "0 2 1.0", "0 3 1.0", "1 2 1.0", "1 7 1.0");
  }

  @Test
  void byteOrderMarkIsDropped() throws IOException {
    Path f = write(dir, "bom.tsv", "\uFEFF1\t2\t3\t4\n5\t6\t7\t8\n");
    Interactions d = read(f, InteractionFormat.TSV).data();
    assertThat(d.userIndex().isNumeric()).isTrue();
    assertThat(rows(d)).containsExactly("1 2 3.0 4", "5 6 7.0 8");
    Path csv = write(dir, "bom.csv", "\uFEFFuserId,movieId,rating,timestamp\n1,2,3,4\n");
    assertThat(rows(read(csv, InteractionFormat.ML_CSV).data())).containsExactly("1 2 3.0 4");
  }

  @Test
  void crlfLineEndsAreAccepted() throws IOException {
    Path f = write(dir, "crlf.tsv", "1\t2\t3\t4\r\n5\t6\t7\t8\r\n\r\nu\tv\t1.5\t9\r\n");
    assertThat(rows(read(f, InteractionFormat.ML_100K).data())).containsExactly("1 2 3.0 4", "5 6 7.0 8",
        "u v 1.5 9");
    Path last = write(dir, "crlf-last.tsv", "1\t2\t3\t4\r\n5\t6\t7\t8\r");
    assertThat(rows(read(last, InteractionFormat.ML_100K).data())).containsExactly("1 2 3.0 4", "5 6 7.0 8");
  }

  @Test
  void lastLineWithoutNewlineIsRead() throws IOException {
    Path f = write(dir, "nonl.tsv", "1\t2\t3\t4\n5\t6\t7\t8");
    assertThat(read(f, InteractionFormat.ML_100K).data().size()).isEqualTo(2);
  }

  @Test
  void emptyFilesGiveEmptyInteractions() throws IOException {
    for (InteractionFormat format : InteractionFormat.values()) {
      for (String content : new String[] {"", "\n\n", "\uFEFF"}) {
        LoadResult r = read(write(dir, "empty", content), format);
        assertThat(r.data().size()).as("%s '%s'", format, content).isZero();
        assertThat(r.data().numUsers()).isZero();
        assertThat(r.rowsRead()).isZero();
      }
    }
    assertThat(read(write(dir, "comments.tsv", "# nothing\n"), InteractionFormat.TSV).data().size()).isZero();
    assertThat(read(write(dir, "header.csv", "userId,movieId,rating,timestamp\n"), InteractionFormat.ML_CSV)
        .data().size()).isZero();
  }

  @Test
  void gzipIsDetectedByMagicBytesNotByName() throws IOException {
    byte[] content = "1\t2\t3\t4\n5\t6\t7\t8\n".getBytes(StandardCharsets.UTF_8);
    Path f = TestFiles.writeGzip(dir, "plain-name.tsv", content);
    assertThat(rows(read(f, InteractionFormat.TSV).data())).containsExactly("1 2 3.0 4", "5 6 7.0 8");
    Path bom = TestFiles.writeGzip(dir, "bom.gz", "\uFEFFa,b,1\n".getBytes(StandardCharsets.UTF_8));
    assertThat(rows(read(bom, InteractionFormat.CSV).data())).containsExactly("a b 1.0");
  }

  @Test
  void idsBeyondIntRangeAndStringIds() throws IOException {
    Path f = write(dir, "big.tsv", "9999999999\t-5\t1\t1\n9223372036854775807\t7\t2\t2\n");
    Interactions d = read(f, InteractionFormat.TSV).data();
    assertThat(d.userIndex().isNumeric()).isTrue();
    assertThat(d.userIndex().longId(0)).isEqualTo(9_999_999_999L);
    assertThat(d.userIndex().longId(1)).isEqualTo(Long.MAX_VALUE);
    assertThat(d.itemIndex().longId(0)).isEqualTo(-5);

    Path mixed = write(dir, "mixed.tsv", "9999999999\tA12\t1\t1\nuser-7\t007\t2\t2\n42\tA12\t3\t3\n");
    Interactions m = read(mixed, InteractionFormat.TSV).data();
    assertThat(m.userIndex().isNumeric()).isFalse();
    assertThat(m.userIndex().indexOf("9999999999")).isZero();
    assertThat(m.userIndex().indexOf("user-7")).isEqualTo(1);
    assertThat(m.itemIndex().indexOf("007")).as("leading zeros stay text").isEqualTo(1);
    assertThat(rows(m)).containsExactly("9999999999 A12 1.0 1", "user-7 007 2.0 2", "42 A12 3.0 3");
  }

  @Test
  void duplicatePolicies() throws IOException {
    Path f = write(dir, "dup.tsv", "1\t10\t3\t100\n1\t10\t5\t50\n2\t10\t1\t1\n1\t10\t4\t200\n1\t11\t2\t7\n");
    ReadOptions o = ReadOptions.DEFAULTS;
    assertThat(rows(InteractionReader.read(f, InteractionFormat.TSV, o).data()))
        .as("last = latest timestamp").containsExactly("1 10 4.0 200", "1 11 2.0 7", "2 10 1.0 1");
    assertThat(rows(InteractionReader.read(f, InteractionFormat.TSV, o.withDuplicates(DuplicatePolicy.SUM)).data()))
        .containsExactly("1 10 12.0 200", "1 11 2.0 7", "2 10 1.0 1");
    assertThat(rows(InteractionReader.read(f, InteractionFormat.TSV, o.withDuplicates(DuplicatePolicy.MAX)).data()))
        .containsExactly("1 10 5.0 50", "1 11 2.0 7", "2 10 1.0 1");
    LoadResult r = InteractionReader.read(f, InteractionFormat.TSV, o);
    assertThat(r.rowsRead()).isEqualTo(5);
    assertThat(r.data().size()).isEqualTo(3);

    Path noTs = write(dir, "dup3.tsv", "1\t10\t3\n1\t10\t5\n1\t10\t4\n");
    assertThat(rows(read(noTs, InteractionFormat.TSV).data())).as("last in file order").containsExactly("1 10 4.0");
  }

  @Test
  void implicitIgnoresTheRatingColumn() throws IOException {
    Path f = write(dir, "r.tsv", "1\t2\t4.5\t9\n1\t3\tn/a\t10\n");
    LoadResult r = InteractionReader.read(f, InteractionFormat.TSV, ReadOptions.DEFAULTS.withImplicit(true));
    assertThat(rows(r.data())).containsExactly("1 2 1.0 9", "1 3 1.0 10");
  }

  @Test
  void columnMappingReadsAnyLayoutAndIgnoresExtraFields() throws IOException {
    Path f = write(dir, "custom.txt", "x;10;u1;3.5;extra\ny;11;u2;4;more;and more\n");
    ColumnMapping m = ColumnMapping.parse("item=1,user=2,rating=3", ";", false);
    LoadResult r = InteractionReader.read(f, m, ReadOptions.DEFAULTS);
    assertThat(rows(r.data())).containsExactly("u1 10 3.5", "u2 11 4.0");

    Path header = write(dir, "h.tsv", "ts\tuser\titem\n5\tu\ti\n");
    ColumnMapping mh = ColumnMapping.parse("user=1,item=2,ts=0", "tab", true);
    assertThat(rows(InteractionReader.read(header, mh, ReadOptions.DEFAULTS).data())).containsExactly("u i 1.0 5");
  }

  @Test
  void fieldsWithSurroundingSpacesAndUnusualNumbersTakeTheGeneralPath() throws IOException {
    Path f = write(dir, "odd.tsv", " 1 \t2\t+3\t4\n1\t3\t3e0\t+5\n1\t4\t 0.25 \t-6\n1\t5\t12345678.5\t7\n");
    assertThat(rows(read(f, InteractionFormat.ML_100K).data())).containsExactly("1 2 3.0 4", "1 3 3.0 5",
        "1 4 0.25 -6", "1 5 1.2345678E7 7");
  }

  @Test
  void readSharedPutsAllFilesOnOneIndexPair() throws IOException {
    Path train = write(dir, "train.tsv", "1\t10\t5\t1\n2\t20\t3\t2\n");
    Path test = write(dir, "test.tsv", "3\t10\t4\t3\n1\t30\t2\t4\n");
    List<LoadResult> rs = InteractionReader.readShared(List.of(train, test), InteractionFormat.TSV,
        ReadOptions.DEFAULTS);
    Interactions a = rs.get(0).data();
    Interactions b = rs.get(1).data();
    assertThat(a.userIndex()).isSameAs(b.userIndex());
    assertThat(a.itemIndex()).isSameAs(b.itemIndex());
    assertThat(a.numUsers()).isEqualTo(3).isEqualTo(b.numUsers());
    assertThat(a.numItems()).isEqualTo(3).isEqualTo(b.numItems());
    assertThat(a.userIndex().indexOf(3)).as("new in the second file: next index").isEqualTo(2);
    assertThat(a.itemIndex().indexOf(30)).isEqualTo(2);
    assertThat(a.userDegree(2)).isZero();
    assertThat(rows(b)).containsExactly("1 30 2.0 4", "3 10 4.0 3");
    assertThat(rs.get(1).file()).isEqualTo(test);
  }

  @Test
  void formatNamesParseAndListTheValidOnes() {
    assertThat(InteractionFormat.parse("ml-100k")).isEqualTo(InteractionFormat.ML_100K);
    assertThat(InteractionFormat.parse(" LightGCN ")).isEqualTo(InteractionFormat.LIGHTGCN);
    assertThat(InteractionFormat.ML_CSV).hasToString("ml-csv");
    assertThatThrownBy(() -> InteractionFormat.parse("parquet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown interaction format 'parquet': expected one of ml-100k, ml-dat, ml-csv, tsv, csv, lightgcn");
  }

  @Test
  void readOptionsDefaultsAndWithers() {
    assertThat(ReadOptions.DEFAULTS.duplicates()).isEqualTo(DuplicatePolicy.LAST);
    assertThat(ReadOptions.DEFAULTS.skipInvalid()).isFalse();
    assertThat(ReadOptions.DEFAULTS.implicit()).isFalse();
    assertThat(new ReadOptions(DuplicatePolicy.SUM, true, true)).isEqualTo(
        ReadOptions.DEFAULTS.withDuplicates(DuplicatePolicy.SUM).withSkipInvalid(true).withImplicit(true));
    assertThatThrownBy(() -> ReadOptions.DEFAULTS.withThreads(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threads must be >= 0");
  }

  /**
   * Hashed user ids: the user index is the hashed one, every row sits at its id's bucket, and the
   * collision count (distinct ids minus occupied buckets, over both files) matches a count made
   * here independently; numeric and text ids, and a text id spelling a number, agree.
   */
  @Test
  void hashedUserIdsLandInTheirBucketsAndCollisionsAreCounted() throws IOException {
    int buckets = 16;
    StringBuilder train = new StringBuilder();
    java.util.Set<Integer> used = new java.util.HashSet<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int u = 1; u <= 40; u++) {
      String id = u % 3 == 0 ? "user" + u : Integer.toString(u);
      train.append(id).append('\t').append(u % 7).append("\t1\n");
      ids.add(id);
      used.add(dev.kindred.core.IdIndex.bucketOf(id, buckets));
    }
    Path a = write(dir, "train.tsv", train.toString());
    Path b = write(dir, "test.tsv", "41\t2\t1\n5\t3\t1\n");
    ids.add("41");
    used.add(dev.kindred.core.IdIndex.bucketOf(41L, buckets));
    List<LoadResult> r = InteractionReader.readShared(List.of(a, b), InteractionFormat.TSV,
        ReadOptions.DEFAULTS.withHashUserBuckets(buckets));
    Interactions d = r.get(0).data();
    assertThat(d.userIndex()).isEqualTo(dev.kindred.core.IdIndex.hashed(buckets));
    assertThat(d.numUsers()).isEqualTo(buckets);
    assertThat(r.get(0).userIdCollisions()).isEqualTo(ids.size() - used.size()).isPositive();
    assertThat(r.get(1).userIdCollisions()).isEqualTo(r.get(0).userIdCollisions());
    assertThat(d.contains(dev.kindred.core.IdIndex.bucketOf("user3", buckets), d.itemIndex().indexOf(3L))).isTrue();
    assertThat(d.contains(dev.kindred.core.IdIndex.bucketOf(8L, buckets), d.itemIndex().indexOf(1L))).isTrue();
    assertThat(r.get(1).data().contains(d.userIndex().indexOf("41"), d.itemIndex().indexOf(2L))).isTrue();
    assertThat(read(a, InteractionFormat.TSV).userIdCollisions()).as("not hashed").isEqualTo(-1);
  }
}
