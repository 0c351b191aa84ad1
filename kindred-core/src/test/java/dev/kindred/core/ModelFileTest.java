package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.math.FactorMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

  @TempDir
  Path dir;

  static LatentFactorModel numericModel() {
    IdIndex.Builder users = new IdIndex.Builder();
    for (String id : new String[] {"9999999999", "-5", "0", "42"}) users.add(id);
    IdIndex items = IdIndex.ofLongs(new long[] {7, Long.MAX_VALUE, -1, 100, 3, 8, 9});
    SplittableRandom rng = new SplittableRandom(17);
    FactorMatrix p = new FactorMatrix(4, 13);
    FactorMatrix q = new FactorMatrix(7, 13);
    p.fillGaussian(rng, 0.5f);
    q.fillGaussian(rng, 0.5f);
    q.set(2, 3, -0.0f);
    q.set(4, 0, Float.MIN_VALUE);
    q.set(5, 1, -Float.MAX_VALUE);
    Provenance prov = Provenance.builder("mf-sgd")
        .config(Map.of("factors", "13", "learningRate", "0.007", "ünïcode", "värde"))
        .dataFingerprint(0xFEDC_BA98_7654_3210L).seed(1234L).threads(2).size(4, 7, 21).trainSeconds(3.75)
        .createdAtMillis(1_700_000_000_000L).kindredVersion("0.1.0-test").build();
    return new LatentFactorModel(prov, users.build(), items, 3.6f, Fixtures.gaussian(rng, 4, 0.3),
        Fixtures.gaussian(rng, 7, 0.3), p, q, 0.5f, 5f);
  }

  static LatentFactorModel stringModel() {
    IdIndex users = IdIndex.ofStrings(List.of("alice", "007", "7", "bob", "ユーザー"));
    IdIndex items = IdIndex.ofStrings(List.of("item:1", "", "item with spaces"));
    SplittableRandom rng = new SplittableRandom(5);
    FactorMatrix p = new FactorMatrix(5, 3);
    FactorMatrix q = new FactorMatrix(3, 3);
    p.fillGaussian(rng, 1f);
    q.fillGaussian(rng, 1f);
    return new LatentFactorModel(Fixtures.provenance("als"), users, items, 0f, null, null, p, q);
  }

  static void assertSameModel(Model read, LatentFactorModel expected) {
    assertThat(read).isInstanceOf(LatentFactorModel.class);
    LatentFactorModel m = (LatentFactorModel) read;
    assertThat(m.provenance()).isEqualTo(expected.provenance());
    assertThat(m.userIndex()).isEqualTo(expected.userIndex());
    assertThat(m.itemIndex()).isEqualTo(expected.itemIndex());
    assertThat(m.userIndex().isNumeric()).isEqualTo(expected.userIndex().isNumeric());
    assertThat(Float.floatToRawIntBits(m.globalMean())).isEqualTo(Float.floatToRawIntBits(expected.globalMean()));
    assertThat(m.scoreMin()).isEqualTo(expected.scoreMin());
    assertThat(m.scoreMax()).isEqualTo(expected.scoreMax());
    assertThat(m.hasBiases()).isEqualTo(expected.hasBiases());
    // Bit-exact: FactorMatrix.equals and Arrays.equals compare floats by their bits.
    assertThat(Arrays.equals(m.userBiases(), expected.userBiases())).isTrue();
    assertThat(Arrays.equals(m.itemBiases(), expected.itemBiases())).isTrue();
    assertThat(m.userFactors()).isEqualTo(expected.userFactors());
    assertThat(m.itemFactors()).isEqualTo(expected.itemFactors());
  }

  @Test
  void roundTripWithNumericIdsAndBiases() throws IOException {
    LatentFactorModel model = numericModel();
    Path file = dir.resolve("model.kindred");
    ModelFile.write(model, file);
    Model read = ModelFile.read(file);
    assertSameModel(read, model);
    assertThat(read.userIndex().indexOf(9_999_999_999L)).isZero();
    assertThat(read.itemIndex().externalId(1)).isEqualTo(Long.toString(Long.MAX_VALUE));
    assertThat(read.provenance().config()).containsEntry("ünïcode", "värde");

    byte[] bytes = Files.readAllBytes(file);
    assertThat(Arrays.copyOf(bytes, 8)).isEqualTo("KINDRED\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 8, bytes.length))
        .isEqualTo("KNDR-END".getBytes(StandardCharsets.US_ASCII));
    assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(bytes.length - ModelFile.TRAILER + 8))
        .as("declared length").isEqualTo(bytes.length);
  }

  @Test
  void roundTripWithStringIdsWithoutBiases() throws IOException {
    LatentFactorModel model = stringModel();
    Path file = dir.resolve("strings.kindred");
    ModelFile.write(model, file);
    Model read = ModelFile.read(file);
    assertSameModel(read, model);
    assertThat(((LatentFactorModel) read).userBiases()).isNull();
    assertThat(read.userIndex().indexOf("007")).isEqualTo(1);
    assertThat(read.userIndex().indexOf("7")).isEqualTo(2);
    assertThat(read.itemIndex().indexOf("")).isEqualTo(1);
  }

  @Test
  void roundTripOfAModelWithNoUsersOrItems() throws IOException {
    LatentFactorModel model = new LatentFactorModel(Fixtures.provenance("als"), IdIndex.identity(0), IdIndex.identity(0),
        0f, new float[0], new float[0], new FactorMatrix(0, 4), new FactorMatrix(0, 4));
    Path file = dir.resolve("empty.kindred");
    ModelFile.write(model, file);
    assertSameModel(ModelFile.read(file), model);
  }

  @Test
  void largerModelSpansSeveralWriteBuffers() throws IOException {
    // 3 MiB of factors: the writer's 1 MiB buffer is flushed several times mid-matrix.
    LatentFactorModel model = Fixtures.model(3, 3000, 2000, 160, true);
    Path file = dir.resolve("big.kindred");
    ModelFile.write(model, file);
    assertSameModel(ModelFile.read(file), model);
  }

  @Test
  void truncatedFilesAreRefused() throws IOException {
    Path file = dir.resolve("model.kindred");
    ModelFile.write(numericModel(), file);
    byte[] bytes = Files.readAllBytes(file);
    int n = bytes.length;
    for (int cut : new int[] {5, 8, 9, 12, 20, 31, 32, 40, 100, n / 2, n - 21, n - 20, n - 12, n - 9, n - 8, n - 1}) {
      Path cutFile = dir.resolve("cut-" + cut + ".kindred");
      Files.write(cutFile, Arrays.copyOf(bytes, cut));
      assertThatThrownBy(() -> ModelFile.read(cutFile)).as("cut at %d of %d bytes", cut, n)
          .isInstanceOf(InvalidModelFileException.class)
          .hasMessageStartingWith(cutFile.toString())
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void aFlippedByteFailsTheChecksum() throws IOException {
    Path file = dir.resolve("model.kindred");
    ModelFile.write(numericModel(), file);
    byte[] bytes = Files.readAllBytes(file);
    int n = bytes.length;
    // Kind, provenance, id indices, padding, user and item factors, the section table.
    for (int pos : new int[] {14, 60, 400, 2000, 4096 + 10, 2 * 4096 + 10, n - ModelFile.TRAILER - 1}) {
      byte[] bad = bytes.clone();
      bad[pos] ^= 0x10;
      Path badFile = dir.resolve("flip-" + pos + ".kindred");
      Files.write(badFile, bad);
      assertThatThrownBy(() -> ModelFile.read(badFile)).as("byte %d of %d flipped", pos, n)
          .isInstanceOf(InvalidModelFileException.class)
          .hasMessageStartingWith(badFile + ": corrupted model file: ");
    }
    byte[] badVersion = bytes.clone();
    badVersion[9] ^= 0x10;
    Path badVersionFile = dir.resolve("flip-version.kindred");
    Files.write(badVersionFile, badVersion);
    assertThatThrownBy(() -> ModelFile.read(badVersionFile)).isInstanceOf(InvalidModelFileException.class)
        .hasMessageContaining("model format version " + (ModelFile.FORMAT_VERSION ^ 0x1000) + " is not readable");
    byte[] badCrc = bytes.clone();
    badCrc[n - 12] ^= 1;
    Path badCrcFile = dir.resolve("flip-crc.kindred");
    Files.write(badCrcFile, badCrc);
    assertThatThrownBy(() -> ModelFile.read(badCrcFile)).isInstanceOf(InvalidModelFileException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void otherFilesAreNotKindredModels() throws IOException {
    Path csv = dir.resolve("ratings.csv");
    Files.writeString(csv, "user,item,rating\n1,10,4.5\n2,10,3.0\n3,11,5.0\n4,12,1.0\n5,13,2.5\n");
    assertThatThrownBy(() -> ModelFile.read(csv)).isInstanceOf(InvalidModelFileException.class)
        .hasMessage(csv + ": not a Kindred model file (bad magic)");
    Path tiny = dir.resolve("tiny");
    Files.writeString(tiny, "hi");
    assertThatThrownBy(() -> ModelFile.read(tiny)).isInstanceOf(InvalidModelFileException.class)
        .hasMessage(tiny + ": not a Kindred model file (only 2 bytes)");
    Path empty = dir.resolve("empty");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> ModelFile.read(empty)).isInstanceOf(InvalidModelFileException.class)
        .hasMessageContaining("not a Kindred model");
  }

  /** A version 1 file whose body is {@code body} with a valid trailer (length, CRC32C, end marker). */
  static byte[] withTrailer(byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    ByteBuffer b = ByteBuffer.allocate(body.length + ModelFile.TRAILER_V1).order(ByteOrder.LITTLE_ENDIAN);
    b.put(body).putLong(body.length + ModelFile.TRAILER_V1).putInt((int) crc.getValue()).put(ModelFile.END);
    return b.array();
  }

  static byte[] body(byte[] file) {
    return Arrays.copyOf(file, file.length - ModelFile.TRAILER_V1);
  }

  /** Version 1 files (written by the retained version 1 writer), edited and given a valid trailer. */
  @Test
  void wellFormedButUnreadableFilesSayWhy() throws IOException {
    Path file = dir.resolve("model.kindred");
    ModelFile.writeVersion1(stringModel(), file);
    byte[] body = body(Files.readAllBytes(file));

    byte[] v4 = body.clone();
    ByteBuffer.wrap(v4).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 4);
    Path v4File = dir.resolve("v4.kindred");
    Files.write(v4File, withTrailer(v4));
    assertThatThrownBy(() -> ModelFile.read(v4File)).isInstanceOf(InvalidModelFileException.class)
        .hasMessage(v4File + ": model format version 4 is not readable by this build (reads versions 1 to 3)");

    // The kind string follows the version: int32 length, then "latent-factor".
    byte[] kind = body.clone();
    assertThat(new String(kind, 16, 13, StandardCharsets.UTF_8)).isEqualTo("latent-factor");
    kind[16 + 12] = 'x';
    Path kindFile = dir.resolve("kind.kindred");
    Files.write(kindFile, withTrailer(kind));
    assertThatThrownBy(() -> ModelFile.read(kindFile)).isInstanceOf(InvalidModelFileException.class)
        .hasMessageStartingWith(kindFile + ": unknown model kind 'latent-factox' (this build reads latent-factor");

    byte[] extra = Arrays.copyOf(body, body.length + 4);
    Path extraFile = dir.resolve("extra.kindred");
    Files.write(extraFile, withTrailer(extra));
    assertThatThrownBy(() -> ModelFile.read(extraFile)).isInstanceOf(InvalidModelFileException.class)
        .hasMessage(extraFile + ": 4 unexpected bytes after the model");

    byte[] short4 = Arrays.copyOf(body, body.length - 4);
    Path shortFile = dir.resolve("short.kindred");
    Files.write(shortFile, withTrailer(short4));
    assertThatThrownBy(() -> ModelFile.read(shortFile)).isInstanceOf(InvalidModelFileException.class)
        .hasMessageStartingWith(shortFile + ": malformed model file");
  }

  static List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A model of a kind no codec writes; the header is already out when the write fails. */
  static Model unknownKind() {
    return new Model() {
      @Override
      public String kind() {
        return "mystery";
      }

      @Override
      public Provenance provenance() {
        return Fixtures.provenance("mystery");
      }

      @Override
      public IdIndex userIndex() {
        return IdIndex.identity(1);
      }

      @Override
      public IdIndex itemIndex() {
        return IdIndex.identity(1);
      }

      @Override
      public float score(int user, int item) {
        return 0;
      }
    };
  }

  @Test
  void writesReplaceAtomicallyAndLeaveNoTemporaryFiles() throws IOException {
    Path file = dir.resolve("model.kindred");
    LatentFactorModel first = numericModel();
    ModelFile.write(first, file);
    assertThat(listing(dir)).containsExactly("model.kindred");

    LatentFactorModel second = stringModel();
    ModelFile.write(second, file);
    assertThat(listing(dir)).containsExactly("model.kindred");
    assertSameModel(ModelFile.read(file), second);

    // A write that fails midway leaves the existing file as it was, and no temporary file.
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> ModelFile.write(unknownKind(), file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no codec for model kind 'mystery'");
    assertThat(listing(dir)).containsExactly("model.kindred");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertSameModel(ModelFile.read(file), second);
  }

  @Test
  void writeCreatesMissingDirectories() throws IOException {
    Path file = dir.resolve("a/b/model.kindred");
    ModelFile.write(stringModel(), file);
    assertSameModel(ModelFile.read(file), stringModel());
    assertThat(listing(dir.resolve("a/b"))).containsExactly("model.kindred");
  }
}
