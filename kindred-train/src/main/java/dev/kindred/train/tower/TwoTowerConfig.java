package dev.kindred.train.tower;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Hyperparameters of the two-tower network ({@link TwoTowerTrainer}).
 *
 * @param factors output dimension of both towers: the model's latent dimension
 * @param embeddingDim width of the id embedding and of the side-feature embedding bag of a tower
 * @param hidden widths of the hidden layers (ReLU), input side first; empty: one linear layer
 * @param identity each tower's input includes the entity's own id embedding; without it a tower
 *     that has side features sees only those (a tower without side features always keeps its ids)
 * @param idDropout probability that a training row's id part is zeroed (DropoutNet), so that the
 *     layers learn to place an entity from its features alone, as a cold entity is placed
 * @param normalize the towers' outputs are scaled to unit length (scores are cosines / temperature)
 * @param temperature {@code tau} dividing the logits of the softmax, {@code > 0}
 * @param logQ subtract the log of each candidate's sampling probability from its logit (Yi et al.)
 * @param negatives uniform extra negatives shared by each batch (mixed negative sampling; 0: in-batch
 *     negatives only)
 * @param epochs passes over the training pairs
 * @param batchSize pairs per optimiser step (each row's in-batch negatives are the other rows' items)
 * @param learningRate Adam step size
 * @param l2 L2 penalty on the batch's embedding rows and on the dense weights (not the biases)
 * @param threads worker threads of the batch's matrix products and row-wise steps
 * @param seed initialisation, shuffling and sampling seed
 */
public record TwoTowerConfig(int factors, int embeddingDim, List<Integer> hidden, boolean identity, float idDropout,
    boolean normalize,
    float temperature, boolean logQ, int negatives, int epochs, int batchSize, float learningRate, float l2,
    int threads, long seed) {

  /**
   * Tuned on ML-100K (docs/benchmarks.md, "Two-tower network"): temperature 0.2 and in-batch
   * negatives only gave the best warm NDCG@10 of the settings tried, and cold-item recall well
   * above the baselines.
   */
  public static final TwoTowerConfig DEFAULTS = new TwoTowerConfig(64, 64, List.of(256), true, 0f, true, 0.2f, true,
      0, 20, 256, 0.003f, 1e-6f, 2, 42L);

  public TwoTowerConfig {
    require(factors > 0, "factors must be > 0, got " + factors);
    require(embeddingDim > 0, "embeddingDim must be > 0, got " + embeddingDim);
    hidden = List.copyOf(Objects.requireNonNull(hidden, "hidden"));
    for (int h : hidden) require(h > 0, "hidden layer widths must be > 0, got " + hidden);
    require(idDropout >= 0 && idDropout < 1, "idDropout must be in [0, 1), got " + idDropout);
    require(temperature > 0 && Float.isFinite(temperature), "temperature must be > 0 and finite, got " + temperature);
    require(negatives >= 0, "negatives must be >= 0, got " + negatives);
    require(epochs > 0, "epochs must be > 0, got " + epochs);
    require(batchSize > 1, "batchSize must be > 1 (in-batch negatives), got " + batchSize);
    require(learningRate > 0 && Float.isFinite(learningRate),
        "learningRate must be > 0 and finite, got " + learningRate);
    require(l2 >= 0 && Float.isFinite(l2), "l2 must be >= 0 and finite, got " + l2);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  /**
   * Hidden widths from their flag spelling: comma-separated positive integers ({@code 256,128}), or
   * {@code none} for no hidden layer.
   */
  public static List<Integer> parseHidden(String text) {
    String t = text.trim();
    if (t.equalsIgnoreCase("none")) return List.of();
    List<Integer> out = new ArrayList<>();
    for (String part : t.split(",", -1)) {
      try {
        out.add(Integer.parseInt(part.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected comma-separated layer widths (e.g. 256,128) or none, got '"
            + text + "'");
      }
    }
    return out;
  }

  /** The hidden widths as {@link #parseHidden} reads them. */
  public String hiddenText() {
    return hidden.isEmpty() ? "none" : hidden.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  public TwoTowerConfig withFactors(int v) {
    return new TwoTowerConfig(v, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ, negatives,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withEmbeddingDim(int v) {
    return new TwoTowerConfig(factors, v, hidden, identity, idDropout, normalize, temperature, logQ, negatives,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withHidden(List<Integer> v) {
    return new TwoTowerConfig(factors, embeddingDim, v, identity, idDropout, normalize, temperature, logQ, negatives,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withIdentity(boolean v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, v, idDropout, normalize, temperature, logQ, negatives,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withIdDropout(float v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, v, normalize, temperature, logQ, negatives,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withNormalize(boolean v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, v, temperature, logQ, negatives,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withTemperature(float v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, v, logQ, negatives,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withLogQ(boolean v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, v,
        negatives, epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withNegatives(int v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ, v,
        epochs, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withEpochs(int v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ,
        negatives, v, batchSize, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withBatchSize(int v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ,
        negatives, epochs, v, learningRate, l2, threads, seed);
  }

  public TwoTowerConfig withLearningRate(float v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ,
        negatives, epochs, batchSize, v, l2, threads, seed);
  }

  public TwoTowerConfig withL2(float v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ,
        negatives, epochs, batchSize, learningRate, v, threads, seed);
  }

  public TwoTowerConfig withThreads(int v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ,
        negatives, epochs, batchSize, learningRate, l2, v, seed);
  }

  public TwoTowerConfig withSeed(long v) {
    return new TwoTowerConfig(factors, embeddingDim, hidden, identity, idDropout, normalize, temperature, logQ,
        negatives, epochs, batchSize, learningRate, l2, threads, v);
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("factors", Integer.toString(factors));
    m.put("embeddingDim", Integer.toString(embeddingDim));
    m.put("hidden", hiddenText());
    m.put("identity", Boolean.toString(identity));
    m.put("idDropout", Float.toString(idDropout));
    m.put("normalize", Boolean.toString(normalize));
    m.put("temperature", Float.toString(temperature));
    m.put("logQ", Boolean.toString(logQ));
    m.put("negatives", Integer.toString(negatives));
    m.put("epochs", Integer.toString(epochs));
    m.put("batchSize", Integer.toString(batchSize));
    m.put("learningRate", Float.toString(learningRate));
    m.put("l2", Float.toString(l2));
    m.put("threads", Integer.toString(threads));
    m.put("seed", Long.toString(seed));
    return m;
  }
}
