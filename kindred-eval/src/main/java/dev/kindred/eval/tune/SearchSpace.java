package dev.kindred.eval.tune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The hyper-parameters a search draws: one {@link Param} per flag, in a fixed order (draws
 * depend on the order, so the same space and seed give the same trials).
 *
 * @param params at most one per flag
 */
public record SearchSpace(List<Param> params) {

  public SearchSpace {
    params = List.copyOf(params);
    for (int i = 0; i < params.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (params.get(i).flag().equals(params.get(j).flag())) {
          throw new IllegalArgumentException(params.get(i).flag() + " appears twice in the search space");
        }
      }
    }
  }

  /** Flag -> value text, one draw per parameter in order. */
  public Map<String, String> sample(SplittableRandom r) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Param p : params) out.put(p.flag(), p.sample(r));
    return out;
  }

  /** This space with {@code p} replacing the parameter of the same flag, or appended. */
  public SearchSpace with(Param p) {
    List<Param> out = new ArrayList<>();
    boolean replaced = false;
    for (Param q : params) {
      if (q.flag().equals(p.flag())) {
        out.add(p);
        replaced = true;
      } else {
        out.add(q);
      }
    }
    if (!replaced) out.add(p);
    return new SearchSpace(out);
  }

  /** This space without the parameter of {@code flag} (e.g. the epochs, when successive halving sets them). */
  public SearchSpace without(String flag) {
    return new SearchSpace(params.stream().filter(p -> !p.flag().equals(flag)).toList());
  }

  /** The parameter of {@code flag}, or null. */
  public Param get(String flag) {
    return params.stream().filter(p -> p.flag().equals(flag)).findFirst().orElse(null);
  }
}
