package dev.kindred.cli;

import dev.kindred.core.Trainer;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.mf.MfSgdTrainer;
import picocli.CommandLine.Option;

/**
 * Training options shared by {@code demo} and {@code train}. A flag left unset keeps the model's own
 * default (defaults live in each config record, nowhere else).
 */
final class ModelOptions {

  static final String MODELS = "mf-sgd";

  @Option(names = "--model", paramLabel = "NAME", defaultValue = "mf-sgd",
      description = "Algorithm: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.", completionCandidates = ModelNames.class)
  String model;

  @Option(names = "--factors", paramLabel = "K", description = "Latent dimension.")
  Integer factors;

  @Option(names = "--epochs", paramLabel = "N", description = "Training epochs (iterations).")
  Integer epochs;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: available cores).")
  Integer threads;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (same seed and threads give the same model).")
  Long seed;

  @Option(names = "--learning-rate", paramLabel = "ETA", description = "SGD step size.")
  Float learningRate;

  @Option(names = "--lr-decay", paramLabel = "D", description = "Step size multiplier per epoch, in (0, 1].")
  Float learningRateDecay;

  @Option(names = "--regularization", paramLabel = "L", description = "L2 penalty on factors.")
  Float regularization;

  @Option(names = "--bias-regularization", paramLabel = "L", description = "L2 penalty on biases.")
  Float biasRegularization;

  @Option(names = "--no-biases", description = "Score by p.q only (no global mean and biases).")
  boolean noBiases;

  @Option(names = "--adaptive", description = "Per-row AdaGrad step sizes (as LibMF).")
  boolean adaptive;

  @Option(names = "--init-std", paramLabel = "S", description = "Std. deviation of the factor initialisation.")
  Float initStd;

  @Option(names = "--bins", paramLabel = "B", description = "SGD grid blocks per side (0 = automatic).")
  Integer bins;

  @Option(names = "--early-stopping", paramLabel = "P",
      description = "Stop after P epochs without improvement on --test and keep the best epoch (0 = off).")
  Integer earlyStopping;

  static final class ModelNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.List.of(MODELS.split(",")).iterator();
    }
  }

  int threadsOrDefault() {
    return threads != null ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** Builds the trainer named by {@code --model} from the flags. */
  Trainer<?> trainer() {
    switch (model) {
      case MfSgdTrainer.NAME -> {
        MfSgdConfig c = MfSgdConfig.DEFAULTS.withThreads(threadsOrDefault());
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
        return new MfSgdTrainer(c);
      }
      default -> throw new IllegalArgumentException("unknown --model '" + model + "': expected one of " + MODELS);
    }
  }

  /** Epochs the trainer will run at most, for the progress bar. */
  static int plannedEpochs(Trainer<?> trainer) {
    return trainer instanceof MfSgdTrainer m ? m.config().epochs() : 1;
  }

  boolean wantsValidation() {
    return earlyStopping != null && earlyStopping > 0;
  }
}
