package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded reflectively by {@link VectorOps} only when the
 * {@code jdk.incubator.vector} module is present; agrees with {@link ScalarKernels} up to float
 * reassociation (tested at awkward sizes).
 */
final class PanamaKernels implements Kernels {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  // Shuffles for a fixed-order tree reduction: lane i is added to lane i ^ h for h = L/2 .. 1.
  private static final VectorShuffle<Float> SWAP8 = VectorShuffle.fromOp(S, i -> (i ^ 8) % L);
  private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, i -> (i ^ 4) % L);
  private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, i -> (i ^ 2) % L);
  private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, i -> (i ^ 1) % L);

  /**
   * Sum of the lanes in a fixed order. {@code reduceLanes(ADD)} may add in a different order once
   * the JIT intrinsifies it, so the same inputs could give results one ulp apart depending on
   * compilation timing; lanewise adds are exact IEEE operations in every mode, which keeps training
   * bit-reproducible for a given seed and thread count.
   */
  static float sum(FloatVector v) {
    if (L >= 16) v = v.add(v.rearrange(SWAP8));
    if (L >= 8) v = v.add(v.rearrange(SWAP4));
    if (L >= 4) v = v.add(v.rearrange(SWAP2));
    if (L >= 2) v = v.add(v.rearrange(SWAP1));
    return v.lane(0);
  }

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
      s = sum(acc0.add(acc1));
    } else if (n >= L) {
      FloatVector acc = FloatVector.fromArray(S, a, ao).mul(FloatVector.fromArray(S, b, bo));
      j = L;
      s = sum(acc);
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
    float sA = sum(na);
    float sB = sum(nb);
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
    // dim = 0 must not reach the register path, which loads one lane group of x unconditionally.
    if (dim == 0 || dim % L != 0 || dim > 4 * L) {
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
      out[oo + r] = sum(s0);
      out[oo + r + 1] = sum(s1);
      out[oo + r + 2] = sum(s2);
      out[oo + r + 3] = sum(s3);
    }
    for (; r < rows; r++) {
      out[oo + r] = dot(m, mo + r * dim, x, xo, dim);
    }
  }

  @Override
  public float bilinearSgdStep(float[] a, int ao, float[] b, int bo, int n, float target, float lrA, float regA,
      float lrB, float regB) {
    if (n == 4 * L) {
      return step4(a, ao, b, bo, target, lrA, regA, lrB, regB);
    }
    if (n == 2 * L) {
      return step2(a, ao, b, bo, target, lrA, regA, lrB, regB);
    }
    float e = target - dot(a, ao, b, bo, n);
    crossUpdate(a, ao, b, bo, n, 1f - lrA * regA, lrA * e, 1f - lrB * regB, lrB * e);
    return e;
  }

  /** k = 4 lanes groups (64 on AVX-512): both vectors stay in 8 registers between dot and update. */
  private static float step4(float[] a, int ao, float[] b, int bo, float target, float lrA, float regA, float lrB,
      float regB) {
    FloatVector a0 = FloatVector.fromArray(S, a, ao);
    FloatVector a1 = FloatVector.fromArray(S, a, ao + L);
    FloatVector a2 = FloatVector.fromArray(S, a, ao + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, a, ao + 3 * L);
    FloatVector b0 = FloatVector.fromArray(S, b, bo);
    FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
    FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
    // Two partial sums, then one reduction: shorter dependency chain than four sequential FMAs.
    FloatVector s01 = a0.mul(b0).add(a1.mul(b1));
    FloatVector s23 = a2.mul(b2).add(a3.mul(b3));
    float e = target - sum(s01.add(s23));
    float sa = 1f - lrA * regA;
    float ga = lrA * e;
    float sb = 1f - lrB * regB;
    float gb = lrB * e;
    a0.mul(sa).add(b0.mul(ga)).intoArray(a, ao);
    a1.mul(sa).add(b1.mul(ga)).intoArray(a, ao + L);
    a2.mul(sa).add(b2.mul(ga)).intoArray(a, ao + 2 * L);
    a3.mul(sa).add(b3.mul(ga)).intoArray(a, ao + 3 * L);
    b0.mul(sb).add(a0.mul(gb)).intoArray(b, bo);
    b1.mul(sb).add(a1.mul(gb)).intoArray(b, bo + L);
    b2.mul(sb).add(a2.mul(gb)).intoArray(b, bo + 2 * L);
    b3.mul(sb).add(a3.mul(gb)).intoArray(b, bo + 3 * L);
    return e;
  }

  /** k = 2 lane groups (32 on AVX-512). */
  private static float step2(float[] a, int ao, float[] b, int bo, float target, float lrA, float regA, float lrB,
      float regB) {
    FloatVector a0 = FloatVector.fromArray(S, a, ao);
    FloatVector a1 = FloatVector.fromArray(S, a, ao + L);
    FloatVector b0 = FloatVector.fromArray(S, b, bo);
    FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
    float e = target - sum(a0.mul(b0).add(a1.mul(b1)));
    float sa = 1f - lrA * regA;
    float ga = lrA * e;
    float sb = 1f - lrB * regB;
    float gb = lrB * e;
    a0.mul(sa).add(b0.mul(ga)).intoArray(a, ao);
    a1.mul(sa).add(b1.mul(ga)).intoArray(a, ao + L);
    b0.mul(sb).add(a0.mul(gb)).intoArray(b, bo);
    b1.mul(sb).add(a1.mul(gb)).intoArray(b, bo + L);
    return e;
  }
}
