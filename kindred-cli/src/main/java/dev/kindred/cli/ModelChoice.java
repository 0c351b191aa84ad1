package dev.kindred.cli;

import dev.kindred.train.registry.ModelSpec;
import dev.kindred.train.registry.Models;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code --model} value of {@code kindred compare}: a registry model name followed by that
 * model's own flags, e.g. {@code "ials --factors 64 --alpha 20"} or {@code "bpr --no-biases"}.
 * Tokens are separated by white space; {@code --flag=value} works too. Which flags take a value
 * comes from {@link Models#flags()}; the registry validates every flag and value
 * ({@link ModelSpec#configure}), so a bad value fails here, before any training.
 *
 * @param label the value with its white space collapsed: how the model is named in the output
 * @param configured the registry entry with the flags applied
 */
record ModelChoice(String label, ModelSpec.Configured<?> configured) {

  static ModelChoice parse(String text, int threads, Long seed) {
    List<String> tokens = List.of(text.trim().split("\\s+"));
    if (tokens.get(0).isEmpty()) throw new IllegalArgumentException("--model needs a model name, got '" + text + "'");
    ModelSpec<?> spec = Models.get(tokens.get(0));
    Map<String, String> flags = new LinkedHashMap<>();
    for (int t = 1; t < tokens.size(); t++) {
      String token = tokens.get(t);
      int eq = token.indexOf('=');
      String flag = eq < 0 ? token : token.substring(0, eq);
      Models.FlagInfo info = Models.flags().get(flag);
      if (info == null) {
        throw flag.startsWith("--") ? spec.notApplicable(flag)
            : new IllegalArgumentException("--model '" + text + "': expected a flag, got '" + token + "'");
      }
      if (eq >= 0) {
        flags.put(flag, token.substring(eq + 1));
      } else if (info.isSwitch()) {
        flags.put(flag, "true");
      } else if (t + 1 < tokens.size()) {
        flags.put(flag, tokens.get(++t));
      } else {
        throw new IllegalArgumentException("--model '" + text + "': " + flag + " needs a value");
      }
    }
    try {
      return new ModelChoice(String.join(" ", tokens), spec.configure(flags, threads, seed));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--model '" + text + "': " + e.getMessage(), e);
    }
  }

  String name() {
    return configured.name();
  }
}
