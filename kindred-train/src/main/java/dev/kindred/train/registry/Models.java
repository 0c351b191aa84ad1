package dev.kindred.train.registry;

import dev.kindred.math.FactorPrecision;
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
import dev.kindred.train.graph.GraphFilterConfig;
import dev.kindred.train.graph.GraphFilterTrainer;
import dev.kindred.train.graph.LightGcnConfig;
import dev.kindred.train.graph.LightGcnTrainer;
import dev.kindred.train.hybrid.FeaturePopularityTrainer;
import dev.kindred.train.hybrid.HybridConfig;
import dev.kindred.train.hybrid.HybridTrainer;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.mf.MfSgdTrainer;
import dev.kindred.train.nn.OptimizerConfig;
import dev.kindred.train.nn.TripleSampler;
import dev.kindred.train.tower.TwoTowerConfig;
import dev.kindred.train.tower.TwoTowerTrainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model registry: every model Kindred trains, with its flags, in one place. The CLI
 * ({@code train}, {@code demo}, {@code evaluate}, {@code spark-train}) and the Java API read it; a
 * new model is one entry here plus its trainer.
 *
 * <pre>{@code
 * Trainer<?> t = Models.get("ials").configure(Map.of("--factors", "128"), 2, 42L).trainer();
 * }</pre>
 *
 * <p>A flag name means the same thing, with the same value type, for every model that takes it
 * (checked when this class loads); which models take it is derived from the entries.
 */
public final class Models {

  private static final FlagType<Integer> K = FlagType.INT.labelled("K");
  private static final FlagType<Float> ETA = FlagType.FLOAT.labelled("ETA");
  private static final FlagType<Float> LAMBDA = FlagType.FLOAT.labelled("L");
  private static final FlagType<Float> STD = FlagType.FLOAT.labelled("S");

  private static final String FACTORS = "Latent dimension.";
  private static final String EPOCHS = "Passes over the training data.";
  private static final String ITERATIONS = "ALS iterations (a user and an item half-step each).";
  private static final String LEARNING_RATE = "SGD step size.";
  private static final String LR_DECAY = "Step size multiplier per epoch, in (0, 1].";
  private static final String REGULARIZATION = "L2 penalty lambda.";
  private static final String BIAS_REG = "L2 penalty on biases.";
  private static final String INIT_STD = "Std. deviation of the factor initialisation.";
  private static final String SOLVER = "Per-row solver: conjugate gradient or exact Cholesky.";
  private static final String CG_STEPS = "Conjugate-gradient steps per row solve.";
  private static final String WEIGHTED = "Scale lambda by each row's interaction count (ALS-WR).";

  private static final List<ModelSpec<?>> ALL = List.of(
      ModelSpec.builder(MfSgdTrainer.NAME, "biased matrix factorisation by lock-free parallel SGD on a block grid",
              MfSgdConfig.DEFAULTS, MfSgdTrainer::new)
          .flag("--factors", K, FACTORS, MfSgdConfig::factors, MfSgdConfig::withFactors)
          .flag("--epochs", FlagType.INT, EPOCHS, MfSgdConfig::epochs, MfSgdConfig::withEpochs)
          .flag("--learning-rate", ETA, LEARNING_RATE, MfSgdConfig::learningRate, MfSgdConfig::withLearningRate)
          .flag("--lr-decay", FlagType.FLOAT, LR_DECAY, MfSgdConfig::learningRateDecay,
              MfSgdConfig::withLearningRateDecay)
          .flag("--regularization", FlagType.FLOAT_OR_AUTO.labelled("L|auto"), REGULARIZATION + " mf-sgd: per rating, "
                  + "and auto (its default) = " + MfSgdConfig.AUTO_REGULARIZATION_SCALE
                  + " / (interactions / items)^(1/4).",
              MfSgdConfig::regularization, MfSgdConfig::withRegularization)
          .flag("--bias-regularization", LAMBDA, BIAS_REG, MfSgdConfig::biasRegularization,
              MfSgdConfig::withBiasRegularization)
          .flag("--no-biases", FlagType.SWITCH, "Score by p.q only (no global mean, user or item bias).", null,
              (c, v) -> c.withBiases(!v))
          .flag("--adaptive", FlagType.SWITCH, "Per-row AdaGrad step sizes (as LibMF).", null, MfSgdConfig::withAdaptive)
          .flag("--init-std", STD, INIT_STD, MfSgdConfig::initStd, MfSgdConfig::withInitStd)
          .flag("--bins", FlagType.INT.labelled("B"), "Grid blocks per side (0 = 2 x threads).", MfSgdConfig::bins,
              MfSgdConfig::withBins)
          .flag("--early-stopping", FlagType.INT.labelled("P"),
              "Stop after P epochs without improvement on a validation set (10% of each user's training rows, "
                  + "seeded) and keep the best epoch (0 = off).",
              MfSgdConfig::earlyStoppingPatience, MfSgdConfig::withEarlyStoppingPatience)
          .threads(MfSgdConfig::withThreads).seed(MfSgdConfig::withSeed).epochs(MfSgdConfig::epochs)
          .warmStart(MfSgdTrainer::new)
          .usesValidation(c -> c.earlyStoppingPatience() > 0)
          .valueUse(ModelSpec.ValueUse.RATINGS)
          .build(),
      ModelSpec.builder(AlsTrainer.NAME, "explicit ALS with weighted-lambda regularisation", AlsConfig.DEFAULTS,
              AlsTrainer::new)
          .flag("--factors", K, FACTORS, AlsConfig::factors, AlsConfig::withFactors)
          .flag("--iterations", FlagType.INT, ITERATIONS, AlsConfig::iterations, AlsConfig::withIterations)
          .flag("--regularization", LAMBDA, REGULARIZATION, AlsConfig::regularization, AlsConfig::withRegularization)
          .flag("--weighted-lambda", FlagType.BOOLEAN, WEIGHTED, AlsConfig::weightedLambda,
              AlsConfig::withWeightedLambda)
          .flag("--solver", FlagType.of(AlsSolver.class), SOLVER, AlsConfig::solver, AlsConfig::withSolver)
          .flag("--cg-steps", FlagType.INT, CG_STEPS, AlsConfig::cgSteps, AlsConfig::withCgSteps)
          .flag("--init-std", STD, INIT_STD, AlsConfig::initStd, AlsConfig::withInitStd)
          .threads(AlsConfig::withThreads).seed(AlsConfig::withSeed).epochs(AlsConfig::iterations)
          .warmStart(AlsTrainer::new)
          .valueUse(ModelSpec.ValueUse.RATINGS)
          .build(),
      ModelSpec.builder(ImplicitAlsTrainer.NAME, "implicit-feedback ALS (Hu, Koren, Volinsky) with a CG or "
              + "Cholesky solver", ImplicitAlsConfig.DEFAULTS, ImplicitAlsTrainer::new)
          .flag("--factors", K, FACTORS, ImplicitAlsConfig::factors, ImplicitAlsConfig::withFactors)
          .flag("--iterations", FlagType.INT, ITERATIONS, ImplicitAlsConfig::iterations,
              ImplicitAlsConfig::withIterations)
          .flag("--regularization", LAMBDA, REGULARIZATION, ImplicitAlsConfig::regularization,
              ImplicitAlsConfig::withRegularization)
          .flag("--alpha", FlagType.FLOAT_OR_AUTO.labelled("A|auto"), "Confidence c = 1 + alpha * value; auto: "
              + ImplicitAlsConfig.AUTO_ALPHA_SCALE + " x sqrt(users x items / interactions) / mean value, at most "
              + ImplicitAlsConfig.AUTO_ALPHA_CAP + ".",
              ImplicitAlsConfig::alpha, ImplicitAlsConfig::withAlpha)
          .flag("--weighted-lambda", FlagType.BOOLEAN, WEIGHTED, ImplicitAlsConfig::weightedLambda,
              ImplicitAlsConfig::withWeightedLambda)
          .flag("--solver", FlagType.of(AlsSolver.class), SOLVER, ImplicitAlsConfig::solver,
              ImplicitAlsConfig::withSolver)
          .flag("--cg-steps", FlagType.INT, CG_STEPS, ImplicitAlsConfig::cgSteps, ImplicitAlsConfig::withCgSteps)
          .flag("--init-std", STD, INIT_STD, ImplicitAlsConfig::initStd, ImplicitAlsConfig::withInitStd)
          .flag("--user-storage", FlagType.of(FactorPrecision.class), "Precision of the user factors while training: "
              + "bf16 halves their memory (50M users x 64: 6.4 GB, not 12.8) and rounds each user row as it is solved.",
              ImplicitAlsConfig::userStorage, ImplicitAlsConfig::withUserStorage)
          .threads(ImplicitAlsConfig::withThreads).seed(ImplicitAlsConfig::withSeed)
          .epochs(ImplicitAlsConfig::iterations)
          .warmStart(ImplicitAlsTrainer::new)
          .valueUse(ModelSpec.ValueUse.CONFIDENCE)
          .build(),
      ModelSpec.builder(BprTrainer.NAME, "Bayesian personalised ranking by Hogwild SGD", BprConfig.DEFAULTS,
              BprTrainer::new)
          .flag("--factors", K, FACTORS, BprConfig::factors, BprConfig::withFactors)
          .flag("--epochs", FlagType.INT, EPOCHS, BprConfig::epochs, BprConfig::withEpochs)
          .flag("--learning-rate", ETA, LEARNING_RATE, BprConfig::learningRate, BprConfig::withLearningRate)
          .flag("--lr-decay", FlagType.FLOAT, LR_DECAY, BprConfig::learningRateDecay,
              BprConfig::withLearningRateDecay)
          .flag("--regularization", LAMBDA, REGULARIZATION + " (user, positive and negative item factors)",
              BprConfig::regularization, (c, v) -> c.withRegularization(v).withNegativeRegularization(v))
          .flag("--bias-regularization", LAMBDA, BIAS_REG, BprConfig::biasRegularization,
              BprConfig::withBiasRegularization)
          .flag("--no-biases", FlagType.SWITCH, "No item bias.", null, (c, v) -> c.withItemBias(!v))
          .flag("--sampling", FlagType.of(BprConfig.Sampling.class), "Negative sampling.", BprConfig::sampling,
              BprConfig::withSampling)
          .flag("--popularity-exponent", FlagType.FLOAT.labelled("E"),
              "With --sampling popularity: negatives drawn proportionally to degree^E.",
              BprConfig::popularityExponent, BprConfig::withPopularityExponent)
          .flag("--init-std", STD, INIT_STD, BprConfig::initStd, BprConfig::withInitStd)
          .threads(BprConfig::withThreads).seed(BprConfig::withSeed).epochs(BprConfig::epochs)
          .warmStart(BprTrainer::new)
          .valueUse(ModelSpec.ValueUse.IGNORED)
          .build(),
      ModelSpec.builder(PopularityTrainer.NAME, "most popular items (the baseline every comparison needs)",
              PopularityConfig.DEFAULTS, PopularityTrainer::new)
          .build(),
      ModelSpec.builder(ItemKnnTrainer.NAME, "item-based k nearest neighbours (cosine with TF-IDF or BM25 weighting)",
              ItemKnnConfig.DEFAULTS, ItemKnnTrainer::new)
          .flag("--neighbours", FlagType.INT, "Neighbours kept per item.", ItemKnnConfig::neighbours,
              ItemKnnConfig::withNeighbours)
          .flag("--weighting", FlagType.of(ItemKnnConfig.Weighting.class), "Interaction weighting.",
              ItemKnnConfig::weighting, ItemKnnConfig::withWeighting)
          .threads(ItemKnnConfig::withThreads)
          .build(),
      ModelSpec.builder(EaseTrainer.NAME, "EASE: closed-form item-item linear model (Steck 2019)", EaseConfig.DEFAULTS,
              EaseTrainer::new)
          .flag("--regularization", LAMBDA, "Lambda added to the Gram diagonal.", EaseConfig::lambda,
              EaseConfig::withLambda)
          .flag("--max-items", FlagType.INT, "Largest catalogue accepted (memory: 4 N^2 bytes).",
              EaseConfig::maxItems, EaseConfig::withMaxItems)
          .threads(EaseConfig::withThreads)
          .build(),
      ModelSpec.builder(GraphFilterTrainer.NAME, "training-free graph filter GF-CF (Shen et al. 2021): linear plus "
              + "ideal low-pass filter of the normalised item graph", GraphFilterConfig.DEFAULTS, GraphFilterTrainer::new)
          .flag("--rank", K, "Singular vectors in the ideal low-pass filter; 0 chooses round(1.5 sqrt(items)) in [16, 256].", GraphFilterConfig::rank,
              GraphFilterConfig::withRank)
          .flag("--ideal-weight", FlagType.FLOAT.labelled("A"), "Weight alpha of the ideal low-pass filter.",
              GraphFilterConfig::idealWeight, GraphFilterConfig::withIdealWeight)
          .threads(GraphFilterConfig::withThreads).seed(GraphFilterConfig::withSeed)
          .build(),
      ModelSpec.builder(LightGcnTrainer.NAME, "LightGCN: linear graph propagation of id embeddings, trained by BPR "
              + "with Adam (He et al. 2020)", LightGcnConfig.DEFAULTS, LightGcnTrainer::new)
          .flag("--layers", FlagType.INT, "Propagation layers K (0 = BPR matrix factorisation).", LightGcnConfig::layers,
              LightGcnConfig::withLayers)
          .flag("--factors", K, FACTORS, LightGcnConfig::factors, LightGcnConfig::withFactors)
          .flag("--batch-size", FlagType.INT.labelled("B"), "Triples per optimiser step.", LightGcnConfig::batchSize,
              LightGcnConfig::withBatchSize)
          .flag("--epochs", FlagType.INT, EPOCHS, LightGcnConfig::epochs, LightGcnConfig::withEpochs)
          .flag("--learning-rate", ETA, "Optimiser step size.", LightGcnConfig::learningRate,
              LightGcnConfig::withLearningRate)
          .flag("--lr-decay", FlagType.FLOAT, LR_DECAY, LightGcnConfig::learningRateDecay,
              LightGcnConfig::withLearningRateDecay)
          .flag("--regularization", LAMBDA, "L2 penalty lambda on the batch's layer-0 embeddings.",
              LightGcnConfig::regularization, LightGcnConfig::withRegularization)
          .flag("--optimizer", FlagType.of(OptimizerConfig.Kind.class), "Update rule.", LightGcnConfig::optimizer,
              LightGcnConfig::withOptimizer)
          .flag("--weight-decay", FlagType.FLOAT, "Decoupled weight decay of adamw and sgd.",
              LightGcnConfig::weightDecay, LightGcnConfig::withWeightDecay)
          .flag("--triples", FlagType.of(TripleSampler.Scheme.class),
              "Which pairs an epoch visits: users (uniform user, as the reference code) or interactions.",
              LightGcnConfig::sampling, LightGcnConfig::withSampling)
          .flag("--init-std", STD, INIT_STD, LightGcnConfig::initStd, LightGcnConfig::withInitStd)
          .flag("--loss", FlagType.of(LightGcnConfig.Loss.class),
              "Batch loss: bpr (the paper's) or softmax (sampled softmax over a shared pool of negatives).",
              LightGcnConfig::loss, LightGcnConfig::withLoss)
          .flag("--temperature", FlagType.FLOAT.labelled("TAU"), "Temperature of the softmax loss.",
              LightGcnConfig::temperature, LightGcnConfig::withTemperature)
          .flag("--pool-size", FlagType.INT, "Sampled negatives a batch shares under the softmax loss.",
              LightGcnConfig::poolSize, LightGcnConfig::withPoolSize)
          .threads(LightGcnConfig::withThreads).seed(LightGcnConfig::withSeed).epochs(LightGcnConfig::epochs)
          .build(),
      ModelSpec.builder(HybridTrainer.NAME, "hybrid factorisation over id and side-feature embeddings (LightFM's "
              + "model, Kula 2015) with WARP, k-OS WARP, BPR or logistic loss", HybridConfig.DEFAULTS, HybridTrainer::new)
          .flag("--loss", FlagType.of(HybridConfig.Loss.class), "Ranking loss.", HybridConfig::loss,
              HybridConfig::withLoss)
          .flag("--factors", K, FACTORS, HybridConfig::factors, HybridConfig::withFactors)
          .flag("--epochs", FlagType.INT, EPOCHS, HybridConfig::epochs, HybridConfig::withEpochs)
          .flag("--learning-rate", ETA, "Step size of the learning schedule.", HybridConfig::learningRate,
              HybridConfig::withLearningRate)
          .flag("--learning-schedule", FlagType.of(HybridConfig.Schedule.class), "Per-parameter step rule.",
              HybridConfig::schedule, HybridConfig::withSchedule)
          .flag("--max-sampled", FlagType.INT, "WARP: negatives drawn per positive at most.", HybridConfig::maxSampled,
              HybridConfig::withMaxSampled)
          .flag("--kos-k", FlagType.INT, "k-OS WARP: use the k-th best scored of the drawn positives.",
              HybridConfig::kosK, HybridConfig::withKosK)
          .flag("--kos-n", FlagType.INT, "k-OS WARP: positives drawn per user.", HybridConfig::kosN,
              HybridConfig::withKosN)
          .flag("--user-alpha", LAMBDA, "L2 penalty on user feature embeddings.", HybridConfig::userAlpha,
              HybridConfig::withUserAlpha)
          .flag("--item-alpha", LAMBDA, "L2 penalty on item feature embeddings.", HybridConfig::itemAlpha,
              HybridConfig::withItemAlpha)
          .flag("--no-identity", FlagType.SWITCH, "A side with side features uses them only (no per-entity id feature; for cold start).", null,
              (c, v) -> c.withIdentity(!v))
          .threads(HybridConfig::withThreads).seed(HybridConfig::withSeed).epochs(HybridConfig::epochs)
          .build(),
      ModelSpec.builder(TwoTowerTrainer.NAME, "two-tower network: id and side-feature embeddings through an MLP per "
              + "side, in-batch softmax with log-Q correction and mixed negatives (Yi et al. 2019), Adam",
              TwoTowerConfig.DEFAULTS, TwoTowerTrainer::new)
          .flag("--factors", K, "Output dimension of both towers (the latent dimension).", TwoTowerConfig::factors,
              TwoTowerConfig::withFactors)
          .flag("--embedding-dim", FlagType.INT, "Width of the id embedding and of the feature bag.",
              TwoTowerConfig::embeddingDim, TwoTowerConfig::withEmbeddingDim)
          .flag("--hidden", new FlagType<>("H1,H2", false, TwoTowerConfig::parseHidden),
              "Hidden layer widths (ReLU), comma-separated, or none.", TwoTowerConfig::hiddenText,
              TwoTowerConfig::withHidden)
          .flag("--epochs", FlagType.INT, EPOCHS, TwoTowerConfig::epochs, TwoTowerConfig::withEpochs)
          .flag("--batch-size", FlagType.INT.labelled("B"), "Pairs per optimiser step (the in-batch negatives).",
              TwoTowerConfig::batchSize, TwoTowerConfig::withBatchSize)
          .flag("--learning-rate", ETA, "Adam step size.", TwoTowerConfig::learningRate,
              TwoTowerConfig::withLearningRate)
          .flag("--temperature", FlagType.FLOAT.labelled("TAU"), "Softmax temperature (logits are cosines / TAU).",
              TwoTowerConfig::temperature, TwoTowerConfig::withTemperature)
          .flag("--mixed-negatives", FlagType.INT, "Uniform extra negatives shared by a batch (0 = in-batch only).",
              TwoTowerConfig::negatives, TwoTowerConfig::withNegatives)
          .flag("--l2", LAMBDA, "L2 penalty on the batch's embedding rows and the dense weights.", TwoTowerConfig::l2,
              TwoTowerConfig::withL2)
          .flag("--no-identity", FlagType.SWITCH, "A side with side features uses them only (no id embedding).", null,
              (c, v) -> c.withIdentity(!v))
          .flag("--id-dropout", FlagType.FLOAT.labelled("P"),
              "Probability that a training row's id embedding is dropped (learns cold-start placement).",
              TwoTowerConfig::idDropout, TwoTowerConfig::withIdDropout)
          .flag("--no-normalize", FlagType.SWITCH, "Raw tower outputs (no L2 normalisation before the dot product).",
              null, (c, v) -> c.withNormalize(!v))
          .flag("--no-logq", FlagType.SWITCH, "No log-Q correction of the in-batch logits.", null,
              (c, v) -> c.withLogQ(!v))
          .threads(TwoTowerConfig::withThreads).seed(TwoTowerConfig::withSeed).epochs(TwoTowerConfig::epochs)
          .build(),
      ModelSpec.builder(FeaturePopularityTrainer.NAME, "cold-start baseline: items by the user's share of history "
              + "with their features (e.g. genre), users by popularity within their segments",
              FeaturePopularityTrainer.Config.DEFAULTS, FeaturePopularityTrainer::new)
          .build());

  private static final Map<String, ModelSpec<?>> BY_NAME = index(ALL);
  private static final Map<String, FlagInfo> FLAGS = unionOfFlags(ALL);

  private Models() {}

  /** Every registered model, in help order. */
  public static List<ModelSpec<?>> all() {
    return ALL;
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * The entry named {@code name}.
   *
   * @throws IllegalArgumentException listing the known names when there is none
   */
  public static ModelSpec<?> get(String name) {
    ModelSpec<?> s = BY_NAME.get(name);
    if (s == null) {
      throw new IllegalArgumentException("unknown --model '" + name + "': expected one of "
          + String.join(", ", BY_NAME.keySet()));
    }
    return s;
  }

  /** The models that can start from an earlier model's factors ({@code train --init-from}), in registry order. */
  public static List<String> warmStartNames() {
    return ALL.stream().filter(ModelSpec::warmStarts).map(ModelSpec::name).toList();
  }

  /** Every model flag of every model, once, with the models that take it: what a front end declares. */
  public static Map<String, FlagInfo> flags() {
    return FLAGS;
  }

  /**
   * A flag as a front end declares it: one option for all the models that take it.
   *
   * @param name the flag
   * @param label value label in help
   * @param isSwitch takes no value
   * @param help the first model's help line
   * @param models the models that take it, in registry order
   */
  public record FlagInfo(String name, String label, boolean isSwitch, String help, List<String> models) {

    /** Help with the models that take it, e.g. {@code "Latent dimension. (mf-sgd, als)"}. */
    public String description() {
      return help + " (" + String.join(", ", models) + ")";
    }
  }

  private static Map<String, ModelSpec<?>> index(List<ModelSpec<?>> all) {
    Map<String, ModelSpec<?>> m = new LinkedHashMap<>();
    for (ModelSpec<?> s : all) {
      if (m.put(s.name(), s) != null) throw new IllegalStateException("two models named " + s.name());
    }
    return m;
  }

  private static Map<String, FlagInfo> unionOfFlags(List<ModelSpec<?>> all) {
    Map<String, FlagInfo> m = new LinkedHashMap<>();
    for (ModelSpec<?> s : all) {
      for (ModelFlag<?, ?> f : s.flags()) {
        FlagInfo old = m.get(f.name());
        if (old == null) {
          m.put(f.name(), new FlagInfo(f.name(), f.type().label(), f.type().isSwitch(), f.help(),
              List.of(s.name())));
        } else {
          if (old.isSwitch() != f.type().isSwitch()) {
            throw new IllegalStateException(f.name() + " is a switch for some models and takes a value for "
                + s.name());
          }
          List<String> models = new ArrayList<>(old.models());
          models.add(s.name());
          m.put(f.name(), new FlagInfo(old.name(), old.label(), old.isSwitch(), old.help(), List.copyOf(models)));
        }
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
