package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The codec's rows by hand, the embedding-sum weights, the MODEL.features round trip and its checks. */
class ModelFeaturesTest {

  @TempDir
  Path dir;

  /** genre (values action, drama), year (ranges below 1990 / from 1990), title (hashed into 4 buckets). */
  static FeatureCodec codec() {
    return new FeatureCodec(List.of(
        new FeatureCodec.Field("genre", FeatureCodec.Encoding.VALUE, 0, 2, false, Map.of("action", 0, "drama", 1), null),
        new FeatureCodec.Field("year", FeatureCodec.Encoding.RANGE, 2, 2, false, Map.of(), new double[] {1990}),
        new FeatureCodec.Field("title", FeatureCodec.Encoding.TOKENS, 4, 4, true, Map.of(), null)), true, null);
  }

  @Test
  void rowsCountValuesAndNormalise() {
    FeatureCodec.Row r = codec().encode(Map.of("genre", List.of("action", "western"), "year", List.of("1995"),
        "colour", List.of("red")));
    // western is unseen, colour is no field: action and year[1990,inf) at 1/2 each.
    assertThat(r.indices()).containsExactly(0, 3);
    assertThat(r.weights()).containsExactly(0.5f, 0.5f);
    FeatureCodec.Row t = codec().encode(Map.of("title", List.of("Star Wars")));
    // "star" and "wars" land in the title block (one bucket or two).
    assertThat(t.size()).isBetween(1, 2);
    for (int i : t.indices()) assertThat(i).isBetween(4, 7);
    assertThat(codec().encode(Map.of("genre", List.of("western"))).size()).isZero();
  }

  @Test
  void aSelectionRenumbersAndSpreadsTheDroppedWeight() {
    // Drop genre=drama and the year range below 1990.
    FeatureCodec c = codec().select(new boolean[] {true, false, false, true, true, true, true, true});
    assertThat(c.size()).isEqualTo(6);
    FeatureCodec.Row r = c.encode(Map.of("genre", List.of("action", "drama"), "year", List.of("2001")));
    // action (0) and year[1990,inf) (raw 3 -> 1) keep 1/3 each of the raw row, scaled back to sum 1.
    assertThat(r.indices()).containsExactly(0, 1);
    assertThat(r.weights()[0]).isCloseTo(0.5f, within(1e-6f));
    assertThat(r.weights()[1]).isCloseTo(0.5f, within(1e-6f));
  }

  @Test
  void embeddingSumWeighsSideFeaturesAsBesideAnIdentity() {
    // Two features of dim 2: e0 = (1, 2), e1 = (3, 4); biases 1 and 2.
    float[] emb = {1, 2, 3, 4};
    float[] bias = {1, 2};
    FeatureCodec.Row row = new FeatureCodec.Row(new int[] {0, 1}, new float[] {0.5f, 0.5f});
    float[] v = new float[2];
    float b = new EmbeddingSumEncoder(2, 2, false, emb, bias).encode(row, v);
    assertThat(v).containsExactly(2f, 3f);
    assertThat(b).isEqualTo(1.5f);
    // With identity, n = 2 side features of sum 1: each weighs 0.5 * 2 / 3.
    b = new EmbeddingSumEncoder(2, 2, true, emb, bias).encode(row, v);
    assertThat(v[0]).isCloseTo(4f / 3, within(1e-6f));
    assertThat(v[1]).isCloseTo(2f, within(1e-6f));
    assertThat(b).isCloseTo(1f, within(1e-6f));
  }

  @Test
  void roundTripsThroughTheFileBesideTheModel() throws Exception {
    FeatureCodec selected = codec().select(new boolean[] {true, true, true, true, false, true, true, true});
    ModelFeatures mf = new ModelFeatures(null, new ModelFeatures.Side(selected,
        new EmbeddingSumEncoder(2, 7, true, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14},
            new float[] {1, 2, 3, 4, 5, 6, 7})));
    Path model = dir.resolve("m.kdm");
    mf.write(model);
    assertThat(Files.exists(dir.resolve("m.kdm.features"))).isTrue();
    ModelFeatures back = ModelFeatures.readBeside(model);
    assertThat(back.users()).isNull();
    Map<String, List<String>> item = Map.of("genre", List.of("drama"), "year", List.of("1980"), "title",
        List.of("the big sleep"));
    float[] a = new float[2];
    float[] b = new float[2];
    assertThat(back.items().vector(item, b)).isEqualTo(mf.items().vector(item, a));
    assertThat(b).containsExactly(a);
    assertThat(ModelFeatures.readBeside(dir.resolve("none.kdm"))).isNull();
  }

  @Test
  void aCorruptedOrForeignFileIsRefusedByName() throws Exception {
    Path model = dir.resolve("c.kdm");
    new ModelFeatures(new ModelFeatures.Side(codec(), new EmbeddingSumEncoder(1, 8, false, new float[8], new float[8])),
        null).write(model);
    Path file = ModelFeatures.pathFor(model);
    byte[] bytes = Files.readAllBytes(file);
    bytes[20] ^= 1;
    Files.write(file, bytes);
    assertThatThrownBy(() -> ModelFeatures.readBeside(model)).isInstanceOf(InvalidModelFileException.class)
        .hasMessageContaining("c.kdm.features: checksum mismatch");
    Files.writeString(file, "not a features file at all");
    assertThatThrownBy(() -> ModelFeatures.readBeside(model)).hasMessageContaining("not a Kindred features file");
  }

  @Test
  void anEncoderOfAnotherWidthIsRefused() {
    assertThatThrownBy(() -> new ModelFeatures.Side(codec(), new EmbeddingSumEncoder(1, 3, false, new float[3],
        new float[3]))).hasMessage("the codec encodes 8 features, the encoder takes 3");
  }
}
