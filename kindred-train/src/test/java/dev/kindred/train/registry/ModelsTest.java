package dev.kindred.train.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.train.als.AlsSolver;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.bpr.BprConfig;
import dev.kindred.train.mf.MfSgdConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The registry: every flag parses its own default back, applies to its model only, and says why not. */
class ModelsTest {

  static Stream<String> models() {
    return Models.names().stream();
  }

  /** Giving every flag its default value leaves the config equal to the defaults: getters, setters and parsers agree. */
  @ParameterizedTest
  @MethodSource("models")
  void everyFlagRoundTripsItsDefault(String name) {
    roundTrip(Models.get(name));
  }

  private static <C> void roundTrip(ModelSpec<C> spec) {
    Map<String, String> given = new LinkedHashMap<>();
    for (ModelFlag<C, ?> f : spec.flags()) {
      String d = f.defaultText(spec.defaults());
      if (d != null) given.put(f.name(), d);
    }
    C expected = spec.withThreads().apply(spec.defaults(), 3);
    assertThat(spec.configure(given, 3, null).config()).isEqualTo(expected);
  }

  static Stream<Arguments> inapplicable() {
    return Models.all().stream().flatMap(s -> Models.flags().keySet().stream()
        .filter(f -> s.flag(f).isEmpty())
        .map(f -> Arguments.of(s.name(), f)));
  }

  @ParameterizedTest(name = "{1} refused by {0}")
  @MethodSource("inapplicable")
  void aFlagOfAnotherModelIsRefused(String model, String flag) {
    String value = Models.flags().get(flag).isSwitch() ? "true" : "1";
    assertThatThrownBy(() -> Models.get(model).configure(Map.of(flag, value), 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(flag + " does not apply to --model " + model);
  }

  @Test
  void everyModelIsRefusedSomething() {
    // Otherwise the parameterised refusal test could pass with no case for a model.
    for (ModelSpec<?> s : Models.all()) {
      assertThat(inapplicable().filter(a -> a.get()[0].equals(s.name()))).as(s.name()).isNotEmpty();
    }
  }

  @Test
  void autoValuesParseShowInHelpAndRefuseOtherWords() {
    ModelSpec<?> ials = Models.get("ials");
    var c = (ImplicitAlsConfig) ials.configure(Map.of("--alpha", "auto"), 2, null).config();
    assertThat(c.alpha()).isNaN();
    assertThat(defaultText(ials, "--alpha")).isEqualTo("auto");
    assertThat(defaultText(Models.get("mf-sgd"), "--regularization")).isEqualTo("auto");
    assertThat(defaultText(Models.get("als"), "--regularization")).isNotEqualTo("auto");
    assertThatThrownBy(() -> ials.configure(Map.of("--alpha", "automatic"), 2, null))
        .hasMessageContaining("--alpha: expected a finite number or auto, got 'automatic'");
  }

  private static <C> String defaultText(ModelSpec<C> spec, String flag) {
    return spec.flag(flag).orElseThrow().defaultText(spec.defaults());
  }

  @Test
  void flagsReachTheTypedConfig() {
    var ials = (ImplicitAlsConfig) Models.get("ials").configure(
        Map.of("--factors", "48", "--alpha", "7.5", "--solver", "cholesky", "--weighted-lambda", "false"), 2, 9L)
        .config();
    assertThat(ials.factors()).isEqualTo(48);
    assertThat(ials.alpha()).isEqualTo(7.5f);
    assertThat(ials.solver()).isEqualTo(AlsSolver.CHOLESKY);
    assertThat(ials.weightedLambda()).isFalse();
    assertThat(ials.threads()).isEqualTo(2);
    assertThat(ials.seed()).isEqualTo(9L);

    var bpr = (BprConfig) Models.get("bpr").configure(Map.of("--regularization", "0.5", "--no-biases", "true",
        "--sampling", "popularity"), 1, null).config();
    assertThat(bpr.regularization()).isEqualTo(0.5f);
    assertThat(bpr.negativeRegularization()).isEqualTo(0.5f);
    assertThat(bpr.itemBias()).isFalse();
    assertThat(bpr.sampling()).isEqualTo(BprConfig.Sampling.POPULARITY);
    assertThat(bpr.seed()).isEqualTo(BprConfig.DEFAULTS.seed());
  }

  @Test
  void epochsAndIterationsAreSynonyms() {
    var mf = (MfSgdConfig) Models.get("mf-sgd").configure(Map.of("--iterations", "7"), 1, null).config();
    assertThat(mf.epochs()).isEqualTo(7);
    var ials = (ImplicitAlsConfig) Models.get("ials").configure(Map.of("--epochs", "4"), 1, null).config();
    assertThat(ials.iterations()).isEqualTo(4);
    assertThat(Models.get("ials").configure(Map.of(), 1, null).plannedEpochs())
        .isEqualTo(ImplicitAlsConfig.DEFAULTS.iterations());
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> Models.get("als").configure(Map.of("--factors", "many"), 1, null))
        .hasMessage("--factors: expected an integer, got 'many'");
    assertThatThrownBy(() -> Models.get("als").configure(Map.of("--solver", "lu"), 1, null))
        .hasMessage("--solver: expected one of cholesky, cg, got 'lu'");
    // Range checks stay in the config record; the message says which flag set the value.
    assertThatThrownBy(() -> Models.get("als").configure(Map.of("--factors", "0"), 1, null))
        .hasMessageStartingWith("--factors: ");
    assertThatThrownBy(() -> Models.get("nope"))
        .hasMessageStartingWith("unknown --model 'nope': expected one of mf-sgd, als, ials");
  }

  @Test
  void theFlagUnionListsWhichModelsTakeEachFlag() {
    assertThat(Models.flags().get("--alpha").models()).containsExactly("ials");
    assertThat(Models.flags().get("--factors").models()).contains("mf-sgd", "als", "ials", "bpr")
        .doesNotContain("pop", "itemknn", "ease");
    assertThat(Models.flags().get("--no-biases").isSwitch()).isTrue();
    assertThat(Models.flags().get("--factors").description()).contains("(mf-sgd, als, ials, bpr");
    assertThat(Models.get("pop").flags()).isEmpty();
    assertThat(Models.names()).containsAll(List.of("mf-sgd", "als", "ials", "bpr", "pop", "itemknn", "ease"));
  }
}
