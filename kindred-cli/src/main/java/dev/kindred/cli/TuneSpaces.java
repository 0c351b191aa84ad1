package dev.kindred.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindred.eval.tune.Param;
import dev.kindred.eval.tune.SearchSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The search space {@code kindred tune} uses per model when no {@code --space} file is given:
 * log-uniform for learning rates, regularisation and confidence weights, integers (log-spaced)
 * for factors and neighbours, integers for epochs. Ranges bracket each model's defaults by about
 * a decade on either side. A {@code --space} file replaces the whole space; {@code --param} flags
 * then replace or add single parameters.
 */
final class TuneSpaces {

  private static final Map<String, SearchSpace> DEFAULTS = Map.of(
      "ials", new SearchSpace(List.of(Param.logIntegers("--factors", 16, 256), Param.logUniform("--regularization", 1, 1000),
          Param.logUniform("--alpha", 1, 200), Param.integers("--iterations", 5, 30))),
      "als", new SearchSpace(List.of(Param.logIntegers("--factors", 8, 256), Param.logUniform("--regularization", 0.01, 1),
          Param.integers("--iterations", 5, 30))),
      "mf-sgd", new SearchSpace(List.of(Param.logIntegers("--factors", 16, 256),
          Param.logUniform("--learning-rate", 0.002, 0.05), Param.logUniform("--regularization", 0.005, 0.5),
          Param.integers("--epochs", 10, 100))),
      "bpr", new SearchSpace(List.of(Param.logIntegers("--factors", 16, 256),
          Param.logUniform("--learning-rate", 0.005, 0.2), Param.logUniform("--regularization", 0.001, 0.1),
          Param.integers("--epochs", 20, 300))),
      "itemknn", new SearchSpace(List.of(Param.logIntegers("--neighbours", 10, 1000))),
      "ease", new SearchSpace(List.of(Param.logUniform("--regularization", 10, 10000))));

  private static final ObjectMapper JSON = new ObjectMapper();

  private TuneSpaces() {}

  /** The declared space of {@code model}. */
  static SearchSpace of(String model) {
    SearchSpace s = DEFAULTS.get(model);
    if (s == null) {
      throw new IllegalArgumentException("no built-in search space for --model " + model + " (built in: "
          + String.join(", ", new java.util.TreeSet<>(DEFAULTS.keySet())) + "); give --space FILE or --param flags");
    }
    return s;
  }

  static boolean hasDefault(String model) {
    return DEFAULTS.containsKey(model);
  }

  /**
   * A space from a JSON file: an object from parameter name to {@code "lo:hi[:log][:int]"}, e.g.
   * {@code {"factors": "16:256:log:int", "regularization": "1:1000:log"}}.
   */
  static SearchSpace read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not JSON: "
          + e.getOriginalMessage());
    }
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new IllegalArgumentException(file + ": expected a JSON object of name: \"lo:hi[:log][:int]\", e.g. "
          + "{\"factors\": \"16:256:log:int\"}");
    }
    List<Param> params = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        params.add(Param.parse(e.getKey() + "=" + e.getValue().asText()));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(file + ": " + ex.getMessage(), ex);
      }
    }
    return new SearchSpace(params);
  }
}
