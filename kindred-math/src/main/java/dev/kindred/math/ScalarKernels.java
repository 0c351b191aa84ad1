package dev.kindred.math;

/**
 * Plain Java twin of the SIMD kernels: the readable definition each vector kernel is tested
 * against, and the fallback when {@code jdk.incubator.vector} is not present.
 */
public final class ScalarKernels implements Kernels {

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    float s = 0f;
    for (int j = 0; j < n; j++) {
      s += a[ao + j] * b[bo + j];
    }
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    for (int j = 0; j < n; j++) {
      y[yo + j] += alpha * x[xo + j];
    }
  }

  @Override
  public void crossUpdate(float[] a, int ao, float[] b, int bo, int n, float sa, float ga, float sb, float gb) {
    for (int j = 0; j < n; j++) {
      float av = a[ao + j];
      float bv = b[bo + j];
      a[ao + j] = sa * av + ga * bv;
      b[bo + j] = sb * bv + gb * av;
    }
  }

  @Override
  public void gradientNorms(float[] a, int ao, float[] b, int bo, int n, float e, float la, float lb, float[] out) {
    float na = 0f;
    float nb = 0f;
    for (int j = 0; j < n; j++) {
      float av = a[ao + j];
      float bv = b[bo + j];
      float gA = e * bv - la * av;
      float gB = e * av - lb * bv;
      na += gA * gA;
      nb += gB * gB;
    }
    out[0] = na;
    out[1] = nb;
  }

  @Override
  public void gemv(float[] m, int mo, int rows, int dim, float[] x, int xo, float[] out, int oo) {
    for (int r = 0; r < rows; r++) {
      out[oo + r] = dot(m, mo + r * dim, x, xo, dim);
    }
  }

  @Override
  public float bilinearSgdStep(float[] a, int ao, float[] b, int bo, int n, float target, float lrA, float regA,
      float lrB, float regB) {
    float e = target - dot(a, ao, b, bo, n);
    crossUpdate(a, ao, b, bo, n, 1f - lrA * regA, lrA * e, 1f - lrB * regB, lrB * e);
    return e;
  }

  @Override
  public float pairwiseLogisticStep(float[] a, int ao, float[] b, int bo, float[] c, int co, int n, float offset,
      float lr, float regA, float regB, float regC) {
    float s = 0f;
    for (int j = 0; j < n; j++) {
      s += a[ao + j] * (b[bo + j] - c[co + j]);
    }
    float x = s + offset;
    float lg = lr * logisticWeight(x);
    float sa = 1f - lr * regA;
    float sb = 1f - lr * regB;
    float sc = 1f - lr * regC;
    for (int j = 0; j < n; j++) {
      float av = a[ao + j];
      float bv = b[bo + j];
      float cv = c[co + j];
      a[ao + j] = sa * av + lg * (bv - cv);
      b[bo + j] = sb * bv + lg * av;
      c[co + j] = sc * cv - lg * av;
    }
    return x;
  }

  /**
   * {@code 1 / (1 + exp(x))}, the weight of a pairwise logistic step; shared by both kernel
   * implementations so that they differ only in the dot product's summation order.
   */
  static float logisticWeight(float x) {
    return (float) (1.0 / (1.0 + Math.exp(x)));
  }

  @Override
  public void gramAccumulate(float[] m, int mo, int rows, int dim, float[] g, int go) {
    for (int r = 0; r < rows; r++) {
      int row = mo + r * dim;
      for (int a = 0; a < dim; a++) {
        float ma = m[row + a];
        int ga = go + a * dim;
        for (int b = 0; b <= a; b++) {
          g[ga + b] += ma * m[row + b];
        }
      }
    }
  }

  @Override
  public void rank1UpdateLower(float c, float[] x, int xo, int n, float[] a, int ao, int lda) {
    for (int i = 0; i < n; i++) {
      float ci = c * x[xo + i];
      int ai = ao + i * lda;
      for (int j = 0; j <= i; j++) {
        a[ai + j] += ci * x[xo + j];
      }
    }
  }

  @Override
  public void symv(float[] g, int go, int n, float shift, float[] x, int xo, float[] y, int yo) {
    for (int i = 0; i < n; i++) {
      float s = 0f;
      for (int j = 0; j < n; j++) {
        s += g[go + j * n + i] * x[xo + j];
      }
      y[yo + i] = s + shift * x[xo + i];
    }
  }

  @Override
  public void sparseGramVec(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float t0, float t1,
      float h0, float h1, float[] x, int xo, float[] y, int yo) {
    boolean project = h0 != 0f || h1 != 0f;
    for (int j = from; j < to; j++) {
      int row = (idx[j] - rowBase) * dim;
      float coef = t0 + t1 * w[j];
      if (project) {
        coef += (h0 + h1 * w[j]) * dot(m, row, x, xo, dim);
      }
      axpy(coef, m, row, y, yo, dim);
    }
  }

  @Override
  public void sparseGramLower(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float h0,
      float h1, float[] g) {
    for (int j = from; j < to; j++) {
      int row = (idx[j] - rowBase) * dim;
      float h = h0 + h1 * w[j];
      for (int a = 0; a < dim; a++) {
        float ha = h * m[row + a];
        int ga = a * dim;
        for (int b = 0; b <= a; b++) {
          g[ga + b] += ha * m[row + b];
        }
      }
    }
  }

  @Override
  public float max(float[] x, int xo, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) m = Math.max(m, x[xo + j]);
    return m;
  }

  @Override
  public double expShiftSum(float[] x, int xo, int n, float shift) {
    return expShift(x, xo, n, shift);
  }

  /** {@link #expShiftSum} as a static method, for the vector kernels' tails. */
  static double expShift(float[] x, int xo, int n, float shift) {
    double s = 0;
    for (int j = 0; j < n; j++) {
      float e = (float) Math.exp(x[xo + j] + shift);
      x[xo + j] = e;
      s += e;
    }
    return s;
  }

  @Override
  public void scale(float[] x, int xo, int n, float c) {
    for (int j = 0; j < n; j++) x[xo + j] *= c;
  }

  @Override
  public void addBiasRelu(float[] x, int xo, int n, float[] bias, int bo, boolean relu) {
    for (int j = 0; j < n; j++) {
      float y = x[xo + j] + bias[bo + j];
      x[xo + j] = relu ? Math.max(0f, y) : y;
    }
  }

  @Override
  public void reluMask(float[] g, int go, float[] a, int ao, int n) {
    for (int j = 0; j < n; j++) {
      if (!(a[ao + j] > 0f)) g[go + j] = 0f;
    }
  }
}
