package dev.kindred.eval.tune;

import dev.kindred.core.ModelFitException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hyper-parameter search over a {@link SearchSpace}: random search, successive halving or a
 * Tree-structured Parzen Estimator ({@link TuneConfig.Search}), scored by an {@link Objective} the caller supplies (in
 * {@code kindred tune}: train on the training data less a validation split, rank-evaluate on that
 * split; the test set is never an input here).
 *
 * <ol>
 *   <li>All {@code trials} configurations are drawn first, in order, from one
 *       {@link SplittableRandom} seeded by the config, so a resumed search draws the same ones.
 *   <li>Random search: configuration {@code c} is trial {@code (c, rung 0)}, trained with the
 *       space's values (its epochs too, if the space has them).
 *   <li>Successive halving over the resource flag (epochs or iterations): with
 *       {@code S = min(floor(log_eta trials), floor(log_eta maxResource))} rungs after the first,
 *       rung {@code k} gives {@code max(1, round(maxResource / eta^(S - k)))} epochs to the best
 *       {@code max(1, floor(n_(k-1) / eta))} configurations of rung {@code k - 1} (ties to the
 *       lower configuration index); rung 0 takes them all. A model without epochs (resource flag
 *       null) falls back to random search.
 *   <li>TPE: configurations below {@code startupTrials} are random search's; each later one is
 *       proposed by {@link ParzenEstimator} from every trial finished before it, with a random
 *       stream of its own ({@code seed} and the configuration index), so a resumed search, whose
 *       finished trials keep their recorded flags and scores, proposes what the first run would have.
 *   <li>A trial already in {@code finished} (resumed state, keyed by {@link Trial#key}) is not
 *       run again; its recorded score is used. A NaN score (a fit that diverged) ranks last.
 *   <li>With a time budget, no trial starts once the budget is spent (except the first, so that
 *       there is a best); the result says so.
 *   <li>The best trial is the highest-scoring one among those with the largest resource reached
 *       (for random search: among all).
 * </ol>
 * Single-threaded orchestration (the objective may use threads); not thread-safe.
 */
public final class Tuner {

  private static final Logger LOG = LoggerFactory.getLogger(Tuner.class);

  /** Scores a configuration: higher is better; NaN when it could not be scored. */
  @FunctionalInterface
  public interface Objective {
    /**
     * @param flags the model flags to train with (for successive halving including the resource flag)
     */
    double score(Map<String, String> flags);
  }

  /** Told about each trial as it finishes (or is taken from the resumed state). */
  @FunctionalInterface
  public interface Listener {
    void onTrial(Trial trial, boolean resumed, Trial bestSoFar, int done, int planned);
  }

  /**
   * One training and evaluation.
   *
   * @param config index of the configuration drawn
   * @param rung successive-halving rung (0 for random search)
   * @param resource epochs given by the search (0 when the search does not set them)
   * @param flags every flag the model was trained with
   * @param score the objective, NaN if not scored
   * @param seconds wall time of training and scoring
   */
  public record Trial(int config, int rung, int resource, Map<String, String> flags, double score, double seconds) {
    public Trial {
      flags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(flags));
    }

    public String key() {
      return key(config, rung);
    }

    public static String key(int config, int rung) {
      return config + "/" + rung;
    }
  }

  /**
   * The search's outcome.
   *
   * @param trials every trial in the order run
   * @param best the best trial (see the class comment)
   * @param outOfTime true when the time budget stopped the search early
   * @param planned trainings the search would run without a time budget
   */
  public record Result(List<Trial> trials, Trial best, boolean outOfTime, int planned) {}

  private static final Comparator<Trial> BY_SCORE = Comparator
      .comparingDouble((Trial t) -> Double.isNaN(t.score()) ? Double.NEGATIVE_INFINITY : t.score()).reversed()
      .thenComparingInt(Trial::config);

  private Tuner() {}

  /**
   * Runs the search.
   *
   * @param resourceFlag the epochs flag successive halving sets, or null when the model has none
   * @param finished trials of an earlier run of the same search, by {@link Trial#key}
   */
  public static Result run(SearchSpace space, TuneConfig config, String resourceFlag, Objective objective,
      Map<String, Trial> finished, Listener listener) {
    boolean halving = config.search() == TuneConfig.Search.HALVING && resourceFlag != null;
    SearchSpace drawn = halving ? space.without(resourceFlag) : space;
    SplittableRandom random = new SplittableRandom(config.seed());
    List<Map<String, String>> configs = new ArrayList<>();
    for (int c = 0; c < config.trials(); c++) configs.add(drawn.sample(random));
    boolean tpe = config.search() == TuneConfig.Search.TPE;
    int[] resources = halving ? rungResources(config) : new int[] {0};
    int planned = 0;
    for (int k = 0, n = config.trials(); k < resources.length; k++, n = Math.max(1, n / config.eta())) planned += n;

    long start = System.nanoTime();
    List<Trial> all = new ArrayList<>();
    List<Integer> alive = new ArrayList<>();
    for (int c = 0; c < configs.size(); c++) alive.add(c);
    boolean outOfTime = false;
    Trial best = null;
    int lastRung = 0;
    search:
    for (int k = 0; k < resources.length; k++) {
      List<Trial> rung = new ArrayList<>();
      for (int c : alive) {
        Trial done = finished.get(Trial.key(c, k));
        boolean resumed = done != null;
        if (!resumed) {
          if (best != null && config.timeBudgetNanos() > 0 && System.nanoTime() - start > config.timeBudgetNanos()) {
            outOfTime = true;
            break search;
          }
          Map<String, String> flags = new LinkedHashMap<>(tpe && c >= config.startupTrials()
              ? ParzenEstimator.propose(drawn, all, proposalRandom(config.seed(), c)) : configs.get(c));
          if (halving) flags.put(resourceFlag, Integer.toString(resources[k]));
          done = trial(c, k, resources[k], flags, objective);
        }
        rung.add(done);
        all.add(done);
        lastRung = k;
        if (best == null || k > best.rung() || (k == best.rung() && BY_SCORE.compare(done, best) < 0)) best = done;
        listener.onTrial(done, resumed, best, all.size(), planned);
      }
      rung.sort(BY_SCORE);
      int keep = Math.max(1, rung.size() / config.eta());
      alive = rung.subList(0, Math.min(keep, rung.size())).stream().map(Trial::config).sorted().toList();
    }
    LOG.info("tune: {} trainings of {} planned, last rung {}{}", all.size(), planned, lastRung,
        outOfTime ? " (time budget spent)" : "");
    return new Result(all, best, outOfTime, planned);
  }

  /** TPE's random stream for configuration {@code c}: independent of how many proposals ran before. */
  private static SplittableRandom proposalRandom(long seed, int c) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c);
  }

  /** Epochs per rung: rung k gets max(1, round(maxResource / eta^(S - k))). */
  static int[] rungResources(TuneConfig config) {
    int s = 0;
    while (Math.pow(config.eta(), s + 1) <= config.trials() && Math.pow(config.eta(), s + 1) <= config.maxResource()) {
      s++;
    }
    int[] r = new int[s + 1];
    for (int k = 0; k <= s; k++) {
      r[k] = (int) Math.max(1, Math.round(config.maxResource() / Math.pow(config.eta(), s - k)));
    }
    return r;
  }

  private static Trial trial(int c, int rung, int resource, Map<String, String> flags, Objective objective) {
    long t0 = System.nanoTime();
    double score;
    try {
      score = objective.score(flags);
    } catch (ModelFitException e) {
      LOG.warn("trial {}/{} {}: the fit diverged ({}); scored NaN", c, rung, flags, e.getMessage());
      score = Double.NaN;
    }
    return new Trial(c, rung, resource, flags, score, (System.nanoTime() - t0) / 1e9);
  }
}
