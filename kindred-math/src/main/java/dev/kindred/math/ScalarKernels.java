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
}
