package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API optimiser kernels. Loaded reflectively by {@link OptimizerOps} only when
 * {@link VectorOps} runs SIMD kernels; agrees with {@link ScalarOptimizerKernels} up to rounding
 * (tested at awkward sizes).
 *
 * <p>The updates stream four arrays and do a handful of flops per element, so they are bound by
 * memory bandwidth: one vector per iteration, no unrolling (a wider unroll measured no faster).
 */
final class PanamaOptimizerKernels implements OptimizerKernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public void adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, int n, float beta1, float beta2,
      float stepSize, float invSqrtBias2, float epsilon, float keep) {
    float c1 = 1f - beta1;
    float c2 = 1f - beta2;
    int j = 0;
    int bound = S.loopBound(n);
    for (; j < bound; j += L) {
      FloatVector gj = FloatVector.fromArray(S, g, go + j);
      FloatVector mj = FloatVector.fromArray(S, m, wo + j).mul(beta1).add(gj.mul(c1));
      FloatVector vj = FloatVector.fromArray(S, v, wo + j).mul(beta2).add(gj.mul(gj).mul(c2));
      mj.intoArray(m, wo + j);
      vj.intoArray(v, wo + j);
      FloatVector denom = vj.sqrt().mul(invSqrtBias2).add(epsilon);
      FloatVector wj = FloatVector.fromArray(S, w, wo + j).mul(keep).sub(mj.mul(stepSize).div(denom));
      wj.intoArray(w, wo + j);
    }
    for (; j < n; j++) {
      float gs = g[go + j];
      float ms = beta1 * m[wo + j] + c1 * gs;
      float vs = beta2 * v[wo + j] + c2 * (gs * gs);
      m[wo + j] = ms;
      v[wo + j] = vs;
      w[wo + j] = keep * w[wo + j] - stepSize * ms / ((float) Math.sqrt(vs) * invSqrtBias2 + epsilon);
    }
  }

  @Override
  public void adagrad(float[] w, int wo, float[] g, int go, float[] acc, int n, float scale, float lr, float keep) {
    int j = 0;
    int bound = S.loopBound(n);
    for (; j < bound; j += L) {
      FloatVector gj = FloatVector.fromArray(S, g, go + j).mul(scale);
      FloatVector a = FloatVector.fromArray(S, acc, wo + j);
      FloatVector wj = FloatVector.fromArray(S, w, wo + j).mul(keep).sub(gj.mul(lr).div(a.sqrt()));
      wj.intoArray(w, wo + j);
      a.add(gj.mul(gj)).intoArray(acc, wo + j);
    }
    for (; j < n; j++) {
      float gs = scale * g[go + j];
      float a = acc[wo + j];
      w[wo + j] = keep * w[wo + j] - lr * gs / (float) Math.sqrt(a);
      acc[wo + j] = a + gs * gs;
    }
  }

  @Override
  public void sgd(float[] w, int wo, float[] g, int go, int n, float lr, float keep) {
    int j = 0;
    int bound = S.loopBound(n);
    for (; j < bound; j += L) {
      FloatVector wj = FloatVector.fromArray(S, w, wo + j).mul(keep);
      wj.sub(FloatVector.fromArray(S, g, go + j).mul(lr)).intoArray(w, wo + j);
    }
    for (; j < n; j++) {
      w[wo + j] = keep * w[wo + j] - lr * g[go + j];
    }
  }
}
