package dev.kindred.math;

/** Plain Java twin of the optimiser kernels: the readable definition the vector one is tested against. */
public final class ScalarOptimizerKernels implements OptimizerKernels {

  @Override
  public void adam(float[] w, int wo, float[] g, int go, float[] m, float[] v, int n, float beta1, float beta2,
      float stepSize, float invSqrtBias2, float epsilon, float keep) {
    float c1 = 1f - beta1;
    float c2 = 1f - beta2;
    for (int j = 0; j < n; j++) {
      float gj = g[go + j];
      float mj = beta1 * m[wo + j] + c1 * gj;
      float vj = beta2 * v[wo + j] + c2 * (gj * gj);
      m[wo + j] = mj;
      v[wo + j] = vj;
      w[wo + j] = keep * w[wo + j] - stepSize * mj / ((float) Math.sqrt(vj) * invSqrtBias2 + epsilon);
    }
  }

  @Override
  public void adagrad(float[] w, int wo, float[] g, int go, float[] acc, int n, float scale, float lr, float keep) {
    for (int j = 0; j < n; j++) {
      float gj = scale * g[go + j];
      float a = acc[wo + j];
      w[wo + j] = keep * w[wo + j] - lr * gj / (float) Math.sqrt(a);
      acc[wo + j] = a + gj * gj;
    }
  }

  @Override
  public void sgd(float[] w, int wo, float[] g, int go, int n, float lr, float keep) {
    for (int j = 0; j < n; j++) {
      w[wo + j] = keep * w[wo + j] - lr * g[go + j];
    }
  }
}
