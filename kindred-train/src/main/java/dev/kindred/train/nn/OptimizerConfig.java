package dev.kindred.train.nn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Hyperparameters of a first-order optimiser ({@link Optimizer}).
 *
 * @param kind the update rule
 * @param learningRate step size {@code alpha} (Adam) or {@code eta} (SGD)
 * @param beta1 decay of the first-moment estimate (Adam, AdamW), in [0, 1)
 * @param beta2 decay of the second-moment estimate (Adam, AdamW), in [0, 1)
 * @param epsilon added to the root of the second moment (Adam, AdamW), {@code > 0}
 * @param weightDecay decoupled decay {@code lambda}: AdamW and SGD multiply the weights by
 *     {@code 1 - learningRate * weightDecay} every step; plain Adam ignores it (put an L2 term in the
 *     loss instead, as LightGCN does)
 */
public record OptimizerConfig(Kind kind, float learningRate, float beta1, float beta2, float epsilon,
    float weightDecay) {

  /** The update rule. */
  public enum Kind {
    /** Kingma and Ba, arXiv:1412.6980. */
    ADAM,
    /** Adam with decoupled weight decay, Loshchilov and Hutter, arXiv:1711.05101. */
    ADAMW,
    /** Plain stochastic gradient descent. */
    SGD;

    /** Lower-case name, as flags spell it ({@code adam}, {@code adamw}, {@code sgd}). */
    public String flag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Adam with the paper's (and PyTorch's) moment decays, step 0.001. */
  public static final OptimizerConfig DEFAULTS = new OptimizerConfig(Kind.ADAM, 0.001f, 0.9f, 0.999f, 1e-8f, 0f);

  public OptimizerConfig {
    Objects.requireNonNull(kind, "kind");
    require(learningRate > 0 && Float.isFinite(learningRate), "learningRate must be > 0 and finite, got " + learningRate);
    require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
    require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
    require(epsilon > 0 && Float.isFinite(epsilon), "epsilon must be > 0 and finite, got " + epsilon);
    require(weightDecay >= 0 && learningRate * weightDecay < 1,
        "weightDecay must be >= 0 with learningRate * weightDecay < 1, got " + weightDecay + " (learningRate "
            + learningRate + ")");
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public OptimizerConfig withKind(Kind v) {
    return new OptimizerConfig(v, learningRate, beta1, beta2, epsilon, weightDecay);
  }

  public OptimizerConfig withLearningRate(float v) {
    return new OptimizerConfig(kind, v, beta1, beta2, epsilon, weightDecay);
  }

  public OptimizerConfig withBetas(float b1, float b2) {
    return new OptimizerConfig(kind, learningRate, b1, b2, epsilon, weightDecay);
  }

  public OptimizerConfig withEpsilon(float v) {
    return new OptimizerConfig(kind, learningRate, beta1, beta2, v, weightDecay);
  }

  public OptimizerConfig withWeightDecay(float v) {
    return new OptimizerConfig(kind, learningRate, beta1, beta2, epsilon, v);
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("optimizer", kind.flag());
    m.put("learningRate", Float.toString(learningRate));
    m.put("beta1", Float.toString(beta1));
    m.put("beta2", Float.toString(beta2));
    m.put("epsilon", Float.toString(epsilon));
    m.put("weightDecay", Float.toString(weightDecay));
    return m;
  }
}
