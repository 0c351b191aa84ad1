package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded reflectively by {@link VectorOps} only when the
 * {@code jdk.incubator.vector} module is present; agrees with {@link ScalarKernels} up to float
 * reassociation (tested at awkward sizes).
 */
final class PanamaKernels implements Kernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  static int lanes() {
    return L;
  }

  @Override
  public float dot(float[] a, int ao, float[] b, int bo, int n) {
    int j = 0;
    float s = 0f;
    if (n >= 2 * L) {
      // Two accumulators hide the 4-cycle FMA latency for the common k = 32..256.
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = FloatVector.zero(S);
      int bound = n - 2 * L;
      for (; j <= bound; j += 2 * L) {
        acc0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc0);
        acc1 = FloatVector.fromArray(S, a, ao + j + L).fma(FloatVector.fromArray(S, b, bo + j + L), acc1);
      }
      if (j <= n - L) {
        acc0 = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc0);
        j += L;
      }
      s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    } else if (n >= L) {
      FloatVector acc = FloatVector.fromArray(S, a, ao).mul(FloatVector.fromArray(S, b, bo));
      j = L;
      s = acc.reduceLanes(VectorOperators.ADD);
    }
    for (; j < n; j++) {
      s += a[ao + j] * b[bo + j];
    }
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
    int j = 0;
    int bound = S.loopBound(n);
    FloatVector va = FloatVector.broadcast(S, alpha);
    for (; j < bound; j += L) {
      FloatVector.fromArray(S, x, xo + j).fma(va, FloatVector.fromArray(S, y, yo + j)).intoArray(y, yo + j);
    }
    for (; j < n; j++) {
      y[yo + j] += alpha * x[xo + j];
    }
  }

  @Override
  public void crossUpdate(float[] a, int ao, float[] b, int bo, int n, float sa, float ga, float sb, float gb) {
    int j = 0;
    int bound = S.loopBound(n);
    // One pass: each lane group of a and b is loaded once, both new values computed, stored once.
    for (; j < bound; j += L) {
      FloatVector av = FloatVector.fromArray(S, a, ao + j);
      FloatVector bv = FloatVector.fromArray(S, b, bo + j);
      av.mul(sa).add(bv.mul(ga)).intoArray(a, ao + j);
      bv.mul(sb).add(av.mul(gb)).intoArray(b, bo + j);
    }
    for (; j < n; j++) {
      float av = a[ao + j];
      float bv = b[bo + j];
      a[ao + j] = sa * av + ga * bv;
      b[bo + j] = sb * bv + gb * av;
    }
  }

  @Override
  public void gradientNorms(float[] a, int ao, float[] b, int bo, int n, float e, float la, float lb, float[] out) {
    int j = 0;
    int bound = S.loopBound(n);
    FloatVector na = FloatVector.zero(S);
    FloatVector nb = FloatVector.zero(S);
    for (; j < bound; j += L) {
      FloatVector av = FloatVector.fromArray(S, a, ao + j);
      FloatVector bv = FloatVector.fromArray(S, b, bo + j);
      FloatVector gA = bv.mul(e).sub(av.mul(la));
      FloatVector gB = av.mul(e).sub(bv.mul(lb));
      na = gA.fma(gA, na);
      nb = gB.fma(gB, nb);
    }
    float sA = na.reduceLanes(VectorOperators.ADD);
    float sB = nb.reduceLanes(VectorOperators.ADD);
    for (; j < n; j++) {
      float av = a[ao + j];
      float bv = b[bo + j];
      float gA = e * bv - la * av;
      float gB = e * av - lb * bv;
      sA += gA * gA;
      sB += gB * gB;
    }
    out[0] = sA;
    out[1] = sB;
  }

  @Override
  public void gemv(float[] m, int mo, int rows, int dim, float[] x, int xo, float[] out, int oo) {
    if (dim % L != 0 || dim > 4 * L) {
      for (int r = 0; r < rows; r++) {
        out[oo + r] = dot(m, mo + r * dim, x, xo, dim);
      }
      return;
    }
    // dim is a multiple of the lane count (k = 16, 32, 48, 64 on AVX-512): keep x in registers and
    // stream the rows, four at a time so four independent FMA chains are in flight.
    int nv = dim / L;
    FloatVector x0 = FloatVector.fromArray(S, x, xo);
    FloatVector x1 = nv > 1 ? FloatVector.fromArray(S, x, xo + L) : null;
    FloatVector x2 = nv > 2 ? FloatVector.fromArray(S, x, xo + 2 * L) : null;
    FloatVector x3 = nv > 3 ? FloatVector.fromArray(S, x, xo + 3 * L) : null;
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      int base = mo + r * dim;
      FloatVector s0 = FloatVector.fromArray(S, m, base).mul(x0);
      FloatVector s1 = FloatVector.fromArray(S, m, base + dim).mul(x0);
      FloatVector s2 = FloatVector.fromArray(S, m, base + 2 * dim).mul(x0);
      FloatVector s3 = FloatVector.fromArray(S, m, base + 3 * dim).mul(x0);
      for (int v = 1; v < nv; v++) {
        FloatVector xv = v == 1 ? x1 : v == 2 ? x2 : x3;
        int off = v * L;
        s0 = FloatVector.fromArray(S, m, base + off).fma(xv, s0);
        s1 = FloatVector.fromArray(S, m, base + dim + off).fma(xv, s1);
        s2 = FloatVector.fromArray(S, m, base + 2 * dim + off).fma(xv, s2);
        s3 = FloatVector.fromArray(S, m, base + 3 * dim + off).fma(xv, s3);
      }
      out[oo + r] = s0.reduceLanes(VectorOperators.ADD);
      out[oo + r + 1] = s1.reduceLanes(VectorOperators.ADD);
      out[oo + r + 2] = s2.reduceLanes(VectorOperators.ADD);
      out[oo + r + 3] = s3.reduceLanes(VectorOperators.ADD);
    }
    for (; r < rows; r++) {
      out[oo + r] = dot(m, mo + r * dim, x, xo, dim);
    }
  }
}
