package dev.kindred.data.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.data.DataFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each side-data layout on a small hand-written file, and the errors of bad lines. */
class FeatureReaderTest {

  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.ISO_8859_1);
    return p;
  }

  private static FeatureTable.Value v(String field, String value) {
    return new FeatureTable.Value(field, value);
  }

  @Test
  void ml100kItemGenresYearAndTitle() throws IOException {
    String flags = "|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0";
    Path f = write("u.item", "1|Toy Story (1995)|01-Jan-1995||http://x" + flags + "\n"
        + "267|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
    FeatureTable t = FeatureReader.read(f, FeatureFormat.ML_100K_ITEM);
    assertThat(t.fields()).containsEntry("genre", FieldKind.MULTI).containsEntry("year", FieldKind.NUMERIC)
        .containsEntry("title", FieldKind.TEXT);
    assertThat(t.valuesOf("1")).containsExactly(v("title", "Toy Story"), v("year", "1995"), v("genre", "Animation"),
        v("genre", "Children's"), v("genre", "Comedy"));
    // "unknown" has no release date: the year is missing, not an error.
    assertThat(t.valuesOf("267")).containsExactly(v("title", "unknown"), v("genre", "unknown"));
  }

  @Test
  void ml100kUser() throws IOException {
    Path f = write("u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n");
    FeatureTable t = FeatureReader.read(f, FeatureFormat.ML_100K_USER);
    assertThat(t.valuesOf("2")).containsExactly(v("age", "53"), v("gender", "F"), v("occupation", "other"),
        v("zip", "94"));
  }

  @Test
  void datMoviesAndUsers() throws IOException {
    FeatureTable m = FeatureReader.read(write("movies.dat", "2::Jumanji (1995)::Adventure|Children's|Fantasy\n"),
        FeatureFormat.ML_DAT_MOVIES);
    assertThat(m.valuesOf("2")).containsExactly(v("title", "Jumanji"), v("year", "1995"), v("genre", "Adventure"),
        v("genre", "Children's"), v("genre", "Fantasy"));
    FeatureTable u = FeatureReader.read(write("users.dat", "1::F::1::10::48067\n"), FeatureFormat.ML_DAT_USERS);
    assertThat(u.fields()).containsEntry("age", FieldKind.CATEGORICAL);
    assertThat(u.valuesOf("1")).containsExactly(v("age", "1"), v("gender", "F"), v("occupation", "10"),
        v("zip", "48"));
  }

  @Test
  void csvMoviesWithQuotedCommasAndNoGenres() throws IOException {
    Path f = write("movies.csv", "movieId,title,genres\n"
        + "11,\"American President, The (1995)\",Comedy|Drama|Romance\n"
        + "99,\"Say \"\"Hi\"\" (2001)\",(no genres listed)\n");
    FeatureTable t = FeatureReader.read(f, FeatureFormat.ML_CSV_MOVIES);
    assertThat(t.valuesOf("11")).containsExactly(v("title", "American President, The"), v("year", "1995"),
        v("genre", "Comedy"), v("genre", "Drama"), v("genre", "Romance"));
    assertThat(t.valuesOf("99")).containsExactly(v("title", "Say \"Hi\""), v("year", "2001"));
  }

  @Test
  void tagFiles() throws IOException {
    FeatureTable lastfm = FeatureReader.read(write("user_taggedartists.dat",
        "userID\tartistID\ttagID\tday\tmonth\tyear\r\n2\t52\t13\t1\t4\t2009\r\n2\t52\t15\t1\t4\t2009\r\n"
            + "3\t60\t13\t1\t4\t2009\r\n"), FeatureFormat.LASTFM_TAGS);
    assertThat(lastfm.valuesOf("52")).containsExactly(v("tag", "13"), v("tag", "15"));
    assertThat(lastfm.size()).isEqualTo(2);
    FeatureTable csv = FeatureReader.read(write("tags.csv", "userId,movieId,tag,timestamp\n2,60756,Funny,1445714994\n"),
        FeatureFormat.ML_CSV_TAGS);
    assertThat(csv.valuesOf("60756")).containsExactly(v("tag", "funny"));
  }

  @Test
  void genericDeclaredAndInferredKinds() throws IOException {
    Path f = write("items.tsv", "# a comment\n#field blurb text\n"
        + "a\tprice\t9.5\na\tcolour\tred\na\tlabel\tx\na\tlabel\ty\na\tblurb\tA red hat\n"
        + "b\tprice\t12\nb\tcolour\tblue\n\n");
    FeatureTable t = FeatureReader.read(f, FeatureFormat.GENERIC);
    assertThat(t.fields()).containsEntry("blurb", FieldKind.TEXT).containsEntry("price", FieldKind.NUMERIC)
        .containsEntry("colour", FieldKind.CATEGORICAL).containsEntry("label", FieldKind.MULTI);
    assertThat(t.valuesOf("b")).containsExactly(v("price", "12"), v("colour", "blue"));
  }

  @Test
  void badLinesNameFileAndLine() throws IOException {
    Path item = write("bad.item", "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|2|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n");
    assertThatThrownBy(() -> FeatureReader.read(item, FeatureFormat.ML_100K_ITEM))
        .isInstanceOf(DataFormatException.class)
        .hasMessage(item + ":1: genre flag 3 (Adventure) must be 0 or 1, got '2'");
    Path user = write("bad.user", "1|24|M|technician|85711\n2|old|F|other|94043\n");
    assertThatThrownBy(() -> FeatureReader.read(user, FeatureFormat.ML_100K_USER))
        .hasMessage(user + ":2: age 'old' is not a number");
    Path dup = write("dup.user", "1|24|M|technician|85711\n1|25|M|technician|85711\n");
    assertThatThrownBy(() -> FeatureReader.read(dup, FeatureFormat.ML_100K_USER))
        .hasMessage(dup + ":2: id 1 appears twice");
    Path shortLine = write("short.tsv", "a\tcolour\n");
    assertThatThrownBy(() -> FeatureReader.read(shortLine, FeatureFormat.GENERIC))
        .hasMessage(shortLine + ":1: expected 3 '\\t'-separated fields, got 2");
    Path twice = write("twice.tsv", "#field colour categorical\na\tcolour\tred\na\tcolour\tblue\n");
    assertThatThrownBy(() -> FeatureReader.read(twice, FeatureFormat.GENERIC))
        .hasMessage(twice + ":3: id a has a second value of categorical field 'colour'");
    Path quote = write("q.csv", "movieId,title,genres\n1,\"Open (1995),Drama\n");
    assertThatThrownBy(() -> FeatureReader.read(quote, FeatureFormat.ML_CSV_MOVIES))
        .hasMessage(quote + ":2: unterminated quoted field");
  }

  @Test
  void formatNames() {
    assertThat(FeatureFormat.parse("ml-100k-item")).isEqualTo(FeatureFormat.ML_100K_ITEM);
    assertThatThrownBy(() -> FeatureFormat.parse("xml")).hasMessageStartingWith(
        "unknown --features-format 'xml': expected one of ml-100k-item, ml-100k-user");
    assertThat(List.of(FeatureFormat.values())).hasSize(8);
  }
}
