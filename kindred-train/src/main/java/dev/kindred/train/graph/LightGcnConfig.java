package dev.kindred.train.graph;

import dev.kindred.train.nn.OptimizerConfig;
import dev.kindred.train.nn.TripleSampler;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters of LightGCN ({@link LightGcnTrainer}). {@link #PAPER} holds the paper's (and its
 * reference code's) Gowalla settings; {@link #DEFAULTS} holds Kindred's own, which reach the paper's
 * accuracy in far fewer epochs (docs/benchmarks.md, "LightGCN").
 *
 * @param layers propagation layers {@code K} ({@code --layers}); 0 is matrix factorisation by BPR
 * @param factors embedding dimension ({@code --factors})
 * @param batchSize triples per optimiser step ({@code --batch-size})
 * @param epochs passes; one epoch draws as many triples as there are training pairs ({@code --epochs})
 * @param learningRate optimiser step ({@code --learning-rate})
 * @param learningRateDecay factor applied to the step after every epoch, in (0, 1]
 * @param regularization {@code lambda} of the loss term
 *     {@code lambda / 2 * (|e_u^0|^2 + |e_i^0|^2 + |e_j^0|^2) / batch} ({@code --regularization})
 * @param optimizer update rule ({@code --optimizer adam|adamw|sgd})
 * @param weightDecay decoupled decay of AdamW and SGD (ignored by Adam)
 * @param sampling which pairs an epoch visits
 * @param initStd standard deviation of the Gaussian layer-0 embeddings
 * @param loss the batch loss ({@code --loss bpr|softmax})
 * @param temperature {@code tau} of the softmax loss ({@code --temperature}; ignored by BPR)
 * @param poolSize negatives a batch shares under the softmax loss ({@code --pool-size}; ignored by BPR)
 * @param threads worker threads; the model does not depend on them
 * @param seed seed for the initialisation and the triples
 */
public record LightGcnConfig(int layers, int factors, int batchSize, int epochs, float learningRate,
    float learningRateDecay, float regularization, OptimizerConfig.Kind optimizer, float weightDecay,
    TripleSampler.Scheme sampling, float initStd, Loss loss, float temperature, int poolSize, int threads, long seed) {

  /**
   * The paper's Gowalla settings and its reference code's (gusye1234/LightGCN-PyTorch) defaults: 3
   * layers, 64 factors, batch 2048, Adam at 0.001, {@code lambda = 1e-4}, N(0, 0.1^2) initialisation,
   * the reference's user-uniform sampler; 1000 epochs as in the reference's run script.
   */
  public static final LightGcnConfig PAPER = new LightGcnConfig(3, 64, 2048, 1000, 0.001f, 1f, 1e-4f,
      OptimizerConfig.Kind.ADAM, 0f, TripleSampler.Scheme.USERS, 0.1f, Loss.BPR, 0.2f, 1024, 2, 2020L);

  /**
   * Kindred's settings: the paper's model (3 layers, 64 factors, lambda 1e-4) trained with batches
   * of 16384 and Adam at 0.01 decaying by 0.98 per epoch, 150 epochs. The propagation dominates a
   * step whatever its batch, so 8 times the paper's batch makes an epoch more than 8 times cheaper,
   * and the larger step recovers much of the progress per epoch: on Gowalla Recall@20 0.140 after
   * 10 epochs and 0.172 after 130 (the paper's settings: 0.112 after 5, 0.183 after about 1000).
   * They do not reach the paper's accuracy; docs/benchmarks.md ("LightGCN") has the curve.
   */
  public static final LightGcnConfig DEFAULTS = PAPER.withBatchSize(16384).withLearningRate(0.01f)
      .withLearningRateDecay(0.98f).withEpochs(150);

  public LightGcnConfig {
    require(layers >= 0, "layers must be >= 0, got " + layers);
    require(factors > 0, "factors must be > 0, got " + factors);
    require(batchSize > 0, "batchSize must be > 0, got " + batchSize);
    require(epochs > 0, "epochs must be > 0, got " + epochs);
    require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be > 0 and finite, got " + learningRate);
    require(learningRateDecay > 0 && learningRateDecay <= 1,
        "learningRateDecay must be in (0, 1], got " + learningRateDecay);
    require(regularization >= 0 && Float.isFinite(regularization),
        "regularization must be >= 0 and finite, got " + regularization);
    Objects.requireNonNull(optimizer, "optimizer");
    require(weightDecay >= 0 && learningRate * weightDecay < 1,
        "weightDecay must be >= 0 with learningRate * weightDecay < 1, got " + weightDecay);
    Objects.requireNonNull(sampling, "sampling");
    require(initStd >= 0 && Float.isFinite(initStd), "initStd must be >= 0 and finite, got " + initStd);
    Objects.requireNonNull(loss, "loss");
    require(temperature > 0 && Float.isFinite(temperature), "temperature must be > 0 and finite, got " + temperature);
    require(poolSize > 0, "poolSize must be > 0, got " + poolSize);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  /** The batch loss on the final embeddings. */
  public enum Loss {
    /** The paper's pairwise loss, one sampled negative per triple. */
    BPR,
    /**
     * Sampled softmax of each pair against the batch's first {@code poolSize} distinct sampled
     * negatives, at {@code temperature} ({@link dev.kindred.train.nn.SharedNegativeSoftmax}).
     */
    SOFTMAX;

    public String flag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  /** The optimiser these settings describe (moment decays and epsilon at Adam's defaults). */
  public OptimizerConfig optimizerConfig() {
    return OptimizerConfig.DEFAULTS.withKind(optimizer).withLearningRate(learningRate).withWeightDecay(weightDecay);
  }














  public LightGcnConfig withLayers(int v) {
    return new LightGcnConfig(v, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withFactors(int v) {
    return new LightGcnConfig(layers, v, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withBatchSize(int v) {
    return new LightGcnConfig(layers, factors, v, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withEpochs(int v) {
    return new LightGcnConfig(layers, factors, batchSize, v, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withLearningRate(float v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, v, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withLearningRateDecay(float v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, v, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withRegularization(float v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, v, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withOptimizer(OptimizerConfig.Kind v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, v, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withWeightDecay(float v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, v, sampling, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withSampling(TripleSampler.Scheme v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, v, initStd, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withInitStd(float v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, v, loss, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withLoss(Loss v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, v, temperature, poolSize, threads, seed);
  }

  public LightGcnConfig withTemperature(float v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, v, poolSize, threads, seed);
  }

  public LightGcnConfig withPoolSize(int v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, v, threads, seed);
  }

  public LightGcnConfig withThreads(int v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, v, seed);
  }

  public LightGcnConfig withSeed(long v) {
    return new LightGcnConfig(layers, factors, batchSize, epochs, learningRate, learningRateDecay, regularization, optimizer, weightDecay, sampling, initStd, loss, temperature, poolSize, threads, v);
  }

  /** Every hyperparameter as strings, for provenance (seed and threads are provenance fields). */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("layers", Integer.toString(layers));
    m.put("factors", Integer.toString(factors));
    m.put("batchSize", Integer.toString(batchSize));
    m.put("epochs", Integer.toString(epochs));
    m.put("learningRate", Float.toString(learningRate));
    m.put("learningRateDecay", Float.toString(learningRateDecay));
    m.put("regularization", Float.toString(regularization));
    m.put("optimizer", optimizer.flag());
    m.put("weightDecay", Float.toString(weightDecay));
    m.put("sampling", sampling.name().toLowerCase(Locale.ROOT));
    m.put("initStd", Float.toString(initStd));
    m.put("loss", loss.flag());
    if (loss == Loss.SOFTMAX) {
      m.put("temperature", Float.toString(temperature));
      m.put("poolSize", Integer.toString(poolSize));
    }
    return m;
  }
}
