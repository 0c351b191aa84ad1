package dev.kindred.cli;

import dev.kindred.core.Trainer;
import dev.kindred.train.als.AlsConfig;
import dev.kindred.train.als.AlsSolver;
import dev.kindred.train.als.AlsTrainer;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.als.ImplicitAlsTrainer;
import dev.kindred.train.baseline.EaseConfig;
import dev.kindred.train.baseline.EaseTrainer;
import dev.kindred.train.baseline.ItemKnnConfig;
import dev.kindred.train.baseline.ItemKnnTrainer;
import dev.kindred.train.baseline.PopularityConfig;
import dev.kindred.train.baseline.PopularityTrainer;
import dev.kindred.train.bpr.BprConfig;
import dev.kindred.train.bpr.BprTrainer;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.mf.MfSgdTrainer;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Training options shared by {@code demo}, {@code train} and {@code evaluate}. A flag left unset
 * keeps the model's own default (defaults live in each config record, nowhere else); a flag that
 * does not apply to the chosen model is an error, not silently ignored.
 */
final class ModelOptions {

  static final List<String> MODELS = List.of(MfSgdTrainer.NAME, AlsTrainer.NAME, ImplicitAlsTrainer.NAME,
      BprTrainer.NAME, PopularityTrainer.NAME, ItemKnnTrainer.NAME, EaseTrainer.NAME);

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "mf-sgd",
      description = "Algorithm: mf-sgd, als, ials, bpr, pop, itemknn, ease. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--factors", paramLabel = "K", description = "Latent dimension (mf-sgd, als, ials, bpr).")
  Integer factors;

  @Option(names = {"--epochs", "--iterations"}, paramLabel = "N", description = "Epochs / iterations (mf-sgd, als, ials, bpr).")
  Integer epochs;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: available cores).")
  Integer threads;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (same seed and threads give the same model; bpr: threads = 1).")
  Long seed;

  @Option(names = "--learning-rate", paramLabel = "ETA", description = "SGD step size (mf-sgd, bpr).")
  Float learningRate;

  @Option(names = "--lr-decay", paramLabel = "D", description = "Step size multiplier per epoch, in (0, 1] (mf-sgd, bpr).")
  Float learningRateDecay;

  @Option(names = "--regularization", paramLabel = "L",
      description = "L2 penalty lambda (mf-sgd, als, ials, bpr; ease: the lambda added to the Gram diagonal).")
  Float regularization;

  @Option(names = "--bias-regularization", paramLabel = "L", description = "L2 penalty on biases (mf-sgd, bpr).")
  Float biasRegularization;

  @Option(names = "--no-biases", description = "mf-sgd: score by p.q only; bpr: no item bias.")
  boolean noBiases;

  @Option(names = "--adaptive", description = "mf-sgd: per-row AdaGrad step sizes (as LibMF).")
  boolean adaptive;

  @Option(names = "--init-std", paramLabel = "S", description = "Std. deviation of the factor initialisation.")
  Float initStd;

  @Option(names = "--bins", paramLabel = "B", description = "mf-sgd: grid blocks per side (0 = 2 x threads).")
  Integer bins;

  @Option(names = "--early-stopping", paramLabel = "P",
      description = "mf-sgd: stop after P epochs without improvement on --test and keep the best epoch (0 = off).")
  Integer earlyStopping;

  @Option(names = "--alpha", paramLabel = "A", description = "ials: confidence c = 1 + alpha * value.")
  Float alpha;

  @Option(names = "--solver", paramLabel = "S", description = "als, ials: cg or cholesky.")
  String solver;

  @Option(names = "--cg-steps", paramLabel = "N", description = "als, ials: conjugate-gradient steps per solve.")
  Integer cgSteps;

  @Option(names = "--weighted-lambda", paramLabel = "BOOL", arity = "1",
      description = "als, ials: scale lambda by each row's interaction count (ALS-WR).")
  Boolean weightedLambda;

  @Option(names = "--sampling", paramLabel = "S", description = "bpr: negative sampling, uniform or popularity.")
  String sampling;

  @Option(names = "--popularity-exponent", paramLabel = "E", description = "bpr: negatives drawn proportionally to degree^E.")
  Float popularityExponent;

  @Option(names = "--neighbours", paramLabel = "N", description = "itemknn: neighbours kept per item.")
  Integer neighbours;

  @Option(names = "--weighting", paramLabel = "W", description = "itemknn: none, tfidf or bm25.")
  String weighting;

  @Option(names = "--max-items", paramLabel = "N", description = "ease: largest catalog accepted (memory: 4 N^2 bytes).")
  Integer maxItems;

  int threadsOrDefault() {
    return threads != null ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** Builds the trainer named by {@code --model} from the flags. */
  Trainer<?> trainer() {
    int t = threadsOrDefault();
    return switch (model) {
      case MfSgdTrainer.NAME -> {
        allow("mf-sgd", "--factors", "--epochs", "--learning-rate", "--lr-decay", "--regularization", "--bias-regularization", "--no-biases", "--adaptive", "--init-std", "--bins", "--early-stopping");
        MfSgdConfig c = MfSgdConfig.DEFAULTS.withThreads(t);
        if (factors != null) c = c.withFactors(factors);
        if (epochs != null) c = c.withEpochs(epochs);
        if (seed != null) c = c.withSeed(seed);
        if (learningRate != null) c = c.withLearningRate(learningRate);
        if (learningRateDecay != null) c = c.withLearningRateDecay(learningRateDecay);
        if (regularization != null) c = c.withRegularization(regularization);
        if (biasRegularization != null) c = c.withBiasRegularization(biasRegularization);
        if (noBiases) c = c.withBiases(false);
        if (adaptive) c = c.withAdaptive(true);
        if (initStd != null) c = c.withInitStd(initStd);
        if (bins != null) c = c.withBins(bins);
        if (earlyStopping != null) c = c.withEarlyStoppingPatience(earlyStopping);
        yield new MfSgdTrainer(c);
      }
      case AlsTrainer.NAME -> {
        allow("als", "--factors", "--epochs", "--regularization", "--weighted-lambda", "--solver", "--cg-steps", "--init-std");
        AlsConfig c = AlsConfig.DEFAULTS.withThreads(t);
        if (factors != null) c = c.withFactors(factors);
        if (epochs != null) c = c.withIterations(epochs);
        if (seed != null) c = c.withSeed(seed);
        if (regularization != null) c = c.withRegularization(regularization);
        if (weightedLambda != null) c = c.withWeightedLambda(weightedLambda);
        if (solver != null) c = c.withSolver(solver());
        if (cgSteps != null) c = c.withCgSteps(cgSteps);
        if (initStd != null) c = c.withInitStd(initStd);
        yield new AlsTrainer(c);
      }
      case ImplicitAlsTrainer.NAME -> {
        allow("ials", "--factors", "--epochs", "--regularization", "--alpha", "--weighted-lambda", "--solver", "--cg-steps", "--init-std");
        ImplicitAlsConfig c = ImplicitAlsConfig.DEFAULTS.withThreads(t);
        if (factors != null) c = c.withFactors(factors);
        if (epochs != null) c = c.withIterations(epochs);
        if (seed != null) c = c.withSeed(seed);
        if (regularization != null) c = c.withRegularization(regularization);
        if (alpha != null) c = c.withAlpha(alpha);
        if (weightedLambda != null) c = c.withWeightedLambda(weightedLambda);
        if (solver != null) c = c.withSolver(solver());
        if (cgSteps != null) c = c.withCgSteps(cgSteps);
        if (initStd != null) c = c.withInitStd(initStd);
        yield new ImplicitAlsTrainer(c);
      }
      case BprTrainer.NAME -> {
        allow("bpr", "--factors", "--epochs", "--learning-rate", "--lr-decay", "--regularization", "--bias-regularization", "--no-biases", "--sampling", "--popularity-exponent", "--init-std");
        BprConfig c = BprConfig.DEFAULTS.withThreads(t);
        if (factors != null) c = c.withFactors(factors);
        if (epochs != null) c = c.withEpochs(epochs);
        if (seed != null) c = c.withSeed(seed);
        if (learningRate != null) c = c.withLearningRate(learningRate);
        if (learningRateDecay != null) c = c.withLearningRateDecay(learningRateDecay);
        if (regularization != null) c = c.withRegularization(regularization).withNegativeRegularization(regularization);
        if (biasRegularization != null) c = c.withBiasRegularization(biasRegularization);
        if (noBiases) c = c.withItemBias(false);
        if (sampling != null) c = c.withSampling(enumValue(BprConfig.Sampling.class, sampling, "--sampling"));
        if (popularityExponent != null) c = c.withPopularityExponent(popularityExponent);
        if (initStd != null) c = c.withInitStd(initStd);
        yield new BprTrainer(c);
      }
      case PopularityTrainer.NAME -> {
        allow("pop");
        yield new PopularityTrainer(PopularityConfig.DEFAULTS);
      }
      case ItemKnnTrainer.NAME -> {
        allow("itemknn", "--neighbours", "--weighting");
        ItemKnnConfig c = ItemKnnConfig.DEFAULTS.withThreads(t);
        if (neighbours != null) c = c.withNeighbours(neighbours);
        if (weighting != null) c = c.withWeighting(enumValue(ItemKnnConfig.Weighting.class, weighting, "--weighting"));
        yield new ItemKnnTrainer(c);
      }
      case EaseTrainer.NAME -> {
        allow("ease", "--regularization", "--max-items");
        EaseConfig c = EaseConfig.DEFAULTS.withThreads(t);
        if (regularization != null) c = c.withLambda(regularization);
        if (maxItems != null) c = c.withMaxItems(maxItems);
        yield new EaseTrainer(c);
      }
      default -> throw new IllegalArgumentException("unknown --model '" + model + "': expected one of "
          + String.join(", ", MODELS));
    };
  }

  private AlsSolver solver() {
    return enumValue(AlsSolver.class, solver, "--solver");
  }

  /** The model flags given on the command line (threads and seed apply to every model). */
  private java.util.Map<String, Object> given() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    Object[] pairs = {"--factors", factors, "--epochs", epochs, "--learning-rate", learningRate, "--lr-decay",
        learningRateDecay, "--regularization", regularization, "--bias-regularization", biasRegularization,
        "--no-biases", noBiases ? Boolean.TRUE : null, "--adaptive", adaptive ? Boolean.TRUE : null, "--init-std",
        initStd, "--bins", bins, "--early-stopping", earlyStopping, "--alpha", alpha, "--solver", solver,
        "--cg-steps", cgSteps, "--weighted-lambda", weightedLambda, "--sampling", sampling, "--popularity-exponent",
        popularityExponent, "--neighbours", neighbours, "--weighting", weighting, "--max-items", maxItems};
    for (int j = 0; j < pairs.length; j += 2) {
      if (pairs[j + 1] != null) m.put((String) pairs[j], pairs[j + 1]);
    }
    return m;
  }

  /** Fails when a flag meant for another model was given: silently ignoring it would mislead. */
  private void allow(String name, String... allowed) {
    List<String> ok = List.of(allowed);
    for (String flag : given().keySet()) {
      if (!ok.contains(flag)) {
        throw new IllegalArgumentException(flag + " does not apply to --model " + name
            + (ok.isEmpty() ? " (it takes no model flags)" : " (its flags: " + String.join(", ", ok) + ")"));
      }
    }
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, String s, String flag) {
    try {
      return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      StringBuilder names = new StringBuilder();
      for (E v : type.getEnumConstants()) names.append(names.isEmpty() ? "" : ", ").append(v.name().toLowerCase(Locale.ROOT));
      throw new IllegalArgumentException("unknown " + flag + " '" + s + "': expected " + names);
    }
  }

  /** Epochs the trainer will run at most, for the progress bar. */
  static int plannedEpochs(Trainer<?> trainer) {
    return switch (trainer) {
      case MfSgdTrainer m -> m.config().epochs();
      case BprTrainer b -> b.config().epochs();
      case AlsTrainer a -> a.config().iterations();
      case ImplicitAlsTrainer a -> a.config().iterations();
      default -> 1;
    };
  }

  boolean wantsValidation() {
    return earlyStopping != null && earlyStopping > 0;
  }
}
