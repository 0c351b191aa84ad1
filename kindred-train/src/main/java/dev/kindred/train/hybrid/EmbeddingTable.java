package dev.kindred.train.hybrid;

import dev.kindred.math.Kernels;
import dev.kindred.math.OptimizerKernels;
import dev.kindred.math.OptimizerOps;
import dev.kindred.math.VectorOps;
import java.util.SplittableRandom;

/**
 * One side's feature embeddings and biases with their step-rule state: row {@code f} of
 * {@link #emb} (offset {@code f * k}) is feature {@code f}'s embedding, {@link #bias}{@code [f]}
 * its bias. An entity's vector is the weighted sum of its features' rows ({@link #repr}); a
 * gradient with respect to that vector reaches each feature row times the feature's weight
 * ({@link #step}).
 *
 * <p>Shared by the Hogwild workers without locks: concurrent steps on one row may lose an
 * update, never corrupt memory. A table made by {@link #unmanaged} has no step-rule state: another
 * optimiser (the two-tower trainer's) steps {@link #emb}. Single {@code float[]} arrays: at most
 * 2^31 - 1 floats per side (33 million features at k = 64).
 */
public final class EmbeddingTable {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  public final int k;
  public final float[] emb;
  final float[] bias;
  private final HybridConfig.Schedule schedule;
  private final float lr;
  private final float keep;
  // AdaGrad: squared-gradient sums, from 1. Adam: first and second moments, from 0.
  private final float[] state1;
  private final float[] state2;
  private final float[] biasState1;
  private final float[] biasState2;

  /**
   * LightFM's initialisation: embeddings uniform in {@code [-0.5/k, 0.5/k)}, biases 0.
   *
   * @param alpha L2 penalty: a touched row is multiplied by {@code 1 - lr * alpha} per step
   */
  EmbeddingTable(int features, int k, HybridConfig.Schedule schedule, float lr, float alpha, SplittableRandom rng) {
    long cells = (long) features * k;
    if (cells > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(features + " features x " + k + " factors exceed one array");
    }
    this.k = k;
    this.schedule = schedule;
    this.lr = lr;
    this.keep = 1f - lr * alpha;
    emb = new float[(int) cells];
    for (int j = 0; j < emb.length; j++) emb[j] = (float) ((rng.nextDouble() - 0.5) / k);
    bias = new float[features];
    state1 = schedule == null ? null : new float[(int) cells];
    biasState1 = schedule == null ? null : new float[features];
    if (schedule == null) {
      state2 = null;
      biasState2 = null;
    } else if (schedule == HybridConfig.Schedule.ADAGRAD) {
      java.util.Arrays.fill(state1, 1f);
      java.util.Arrays.fill(biasState1, 1f);
      state2 = null;
      biasState2 = null;
    } else {
      state2 = new float[(int) cells];
      biasState2 = new float[features];
    }
  }

  /**
   * A table of {@code features} rows of {@code k} floats with LightFM's initialisation and no
   * step-rule state; {@link #step} must not be called on it.
   */
  public static EmbeddingTable unmanaged(int features, int k, SplittableRandom rng) {
    return new EmbeddingTable(features, k, null, 1f, 0f, rng);
  }

  /** AdaGrad steps on the caller's arrays ({@code table}'s, not copied). */
  EmbeddingTable(HybridTable table, float lr, float alpha) {
    this.k = table.k();
    this.schedule = HybridConfig.Schedule.ADAGRAD;
    this.lr = lr;
    this.keep = 1f - lr * alpha;
    emb = table.emb();
    bias = table.bias();
    state1 = table.acc();
    biasState1 = table.biasAcc();
    state2 = null;
    biasState2 = null;
  }

  /** The arrays of an AdaGrad table (shared, not copied). */
  HybridTable table() {
    if (schedule != HybridConfig.Schedule.ADAGRAD) {
      throw new IllegalStateException("only an AdaGrad table is a HybridTable, this one is " + schedule);
    }
    return new HybridTable(k, emb, bias, state1, biasState1);
  }

  /** Writes entity {@code e}'s vector into {@code out[0, k)} and returns its bias. */
  public float repr(FeatureRows rows, int e, float[] out) {
    int f = rows.unit[e];
    if (f >= 0) {
      System.arraycopy(emb, f * k, out, 0, k);
      return bias[f];
    }
    Kernels kern = VectorOps.kernels();
    java.util.Arrays.fill(out, 0, k, 0f);
    float b = 0;
    for (int p = rows.ptr[e]; p < rows.ptr[e + 1]; p++) {
      int feature = rows.idx[p];
      float w = rows.weight[p];
      kern.axpy(w, emb, feature * k, out, 0, k);
      b += w * bias[feature];
    }
    return b;
  }

  /** {@code x . vector(e) + bias(e)}, reading a single-feature entity's row in place. */
  float score(FeatureRows rows, int e, float[] x, float[] scratch) {
    int f = rows.unit[e];
    if (f >= 0) return VectorOps.kernels().dot(x, 0, emb, f * k, k) + bias[f];
    float b = repr(rows, e, scratch);
    return VectorOps.kernels().dot(x, 0, scratch, 0, k) + b;
  }

  /**
   * One step of entity {@code e}'s features for the loss gradient {@code scale * g[0, k)} with
   * respect to its vector and {@code biasGrad} with respect to its bias. {@code scratch} holds
   * {@code k} floats (Adam scales the gradient into it).
   */
  void step(FeatureRows rows, int e, float[] g, float scale, float biasGrad, float[] scratch) {
    OptimizerKernels opt = OptimizerOps.kernels();
    for (int p = rows.ptr[e]; p < rows.ptr[e + 1]; p++) {
      int f = rows.idx[p];
      float w = rows.weight[p];
      float gb = w * biasGrad;
      if (schedule == HybridConfig.Schedule.ADAGRAD) {
        opt.adagrad(emb, f * k, g, 0, state1, k, w * scale, lr, keep);
        float a = biasState1[f];
        bias[f] -= lr * gb / (float) Math.sqrt(a);
        biasState1[f] = a + gb * gb;
      } else {
        float s = w * scale;
        for (int j = 0; j < k; j++) scratch[j] = s * g[j];
        opt.adam(emb, f * k, scratch, 0, state1, state2, k, BETA1, BETA2, lr, 1f, EPSILON, keep);
        float m = BETA1 * biasState1[f] + (1 - BETA1) * gb;
        float v = BETA2 * biasState2[f] + (1 - BETA2) * gb * gb;
        biasState1[f] = m;
        biasState2[f] = v;
        bias[f] -= lr * m / ((float) Math.sqrt(v) + EPSILON);
      }
    }
  }
}
