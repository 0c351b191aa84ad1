package dev.kindred.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
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

  @Override
  public float pairwiseLogisticStep(float[] a, int ao, float[] b, int bo, float[] c, int co, int n, float offset,
      float lr, float regA, float regB, float regC) {
    if (n == 4 * L) {
      return pairwiseStep4(a, ao, b, bo, c, co, offset, lr, regA, regB, regC);
    }
    // Pass 1, the margin. One accumulator: at k <= 128 the chain is a few FMAs, and the step's cost
    // is the three rows' cache misses, not this latency.
    int j = 0;
    int bound = S.loopBound(n);
    FloatVector acc = FloatVector.zero(S);
    for (; j < bound; j += L) {
      FloatVector d = FloatVector.fromArray(S, b, bo + j).sub(FloatVector.fromArray(S, c, co + j));
      acc = FloatVector.fromArray(S, a, ao + j).fma(d, acc);
    }
    float s = sum(acc);
    for (; j < n; j++) {
      s += a[ao + j] * (b[bo + j] - c[co + j]);
    }
    float x = s + offset;
    float lg = lr * ScalarKernels.logisticWeight(x);
    float sa = 1f - lr * regA;
    float sb = 1f - lr * regB;
    float sc = 1f - lr * regC;
    // Pass 2, the update: the rows are in L1 after pass 1.
    for (j = 0; j < bound; j += L) {
      FloatVector av = FloatVector.fromArray(S, a, ao + j);
      FloatVector bv = FloatVector.fromArray(S, b, bo + j);
      FloatVector cv = FloatVector.fromArray(S, c, co + j);
      av.mul(sa).add(bv.sub(cv).mul(lg)).intoArray(a, ao + j);
      bv.mul(sb).add(av.mul(lg)).intoArray(b, bo + j);
      cv.mul(sc).sub(av.mul(lg)).intoArray(c, co + j);
    }
    for (; j < n; j++) {
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
   * k = 4 lane groups (64 on AVX-512): the three rows stay in 12 registers from margin to update
   * (20 live vectors with the differences and steps; AVX-512 has 32).
   */
  private static float pairwiseStep4(float[] a, int ao, float[] b, int bo, float[] c, int co, float offset, float lr,
      float regA, float regB, float regC) {
    FloatVector a0 = FloatVector.fromArray(S, a, ao);
    FloatVector a1 = FloatVector.fromArray(S, a, ao + L);
    FloatVector a2 = FloatVector.fromArray(S, a, ao + 2 * L);
    FloatVector a3 = FloatVector.fromArray(S, a, ao + 3 * L);
    FloatVector b0 = FloatVector.fromArray(S, b, bo);
    FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
    FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
    FloatVector b3 = FloatVector.fromArray(S, b, bo + 3 * L);
    FloatVector c0 = FloatVector.fromArray(S, c, co);
    FloatVector c1 = FloatVector.fromArray(S, c, co + L);
    FloatVector c2 = FloatVector.fromArray(S, c, co + 2 * L);
    FloatVector c3 = FloatVector.fromArray(S, c, co + 3 * L);
    FloatVector d0 = b0.sub(c0);
    FloatVector d1 = b1.sub(c1);
    FloatVector d2 = b2.sub(c2);
    FloatVector d3 = b3.sub(c3);
    // Two partial sums, then one reduction, as in step4.
    FloatVector s01 = a0.mul(d0).add(a1.mul(d1));
    FloatVector s23 = a2.mul(d2).add(a3.mul(d3));
    float x = sum(s01.add(s23)) + offset;
    float lg = lr * ScalarKernels.logisticWeight(x);
    float sa = 1f - lr * regA;
    float sb = 1f - lr * regB;
    float sc = 1f - lr * regC;
    // mul then add, not fma: each element rounds exactly as in the scalar twin.
    a0.mul(sa).add(d0.mul(lg)).intoArray(a, ao);
    a1.mul(sa).add(d1.mul(lg)).intoArray(a, ao + L);
    a2.mul(sa).add(d2.mul(lg)).intoArray(a, ao + 2 * L);
    a3.mul(sa).add(d3.mul(lg)).intoArray(a, ao + 3 * L);
    FloatVector g0 = a0.mul(lg);
    FloatVector g1 = a1.mul(lg);
    FloatVector g2 = a2.mul(lg);
    FloatVector g3 = a3.mul(lg);
    b0.mul(sb).add(g0).intoArray(b, bo);
    b1.mul(sb).add(g1).intoArray(b, bo + L);
    b2.mul(sb).add(g2).intoArray(b, bo + 2 * L);
    b3.mul(sb).add(g3).intoArray(b, bo + 3 * L);
    c0.mul(sc).sub(g0).intoArray(c, co);
    c1.mul(sc).sub(g1).intoArray(c, co + L);
    c2.mul(sc).sub(g2).intoArray(c, co + 2 * L);
    c3.mul(sc).sub(g3).intoArray(c, co + 3 * L);
    return x;
  }

  @Override
  public void gramAccumulate(float[] m, int mo, int rows, int dim, float[] g, int go) {
    int a = 0;
    for (; a + 4 <= dim; a += 4) {
      // Column blocks that reach the diagonal of rows a..a+3 end at column a+3.
      int c = 0;
      for (; c + 2 * L <= dim && c <= a + 3; c += 2 * L) {
        gramTile4x2(m, mo, rows, dim, g, go, a, c);
      }
      for (; c + L <= dim && c <= a + 3; c += L) {
        gramTile4x1(m, mo, rows, dim, g, go, a, c);
      }
      for (; c <= a + 3 && c < dim; c++) {
        for (int i = Math.max(a, c); i < a + 4; i++) {
          float s = g[go + i * dim + c];
          for (int r = 0, row = mo; r < rows; r++, row += dim) {
            s += m[row + i] * m[row + c];
          }
          g[go + i * dim + c] = s;
        }
      }
    }
    // Fewer than four output rows left: one row at a time, columns 0..a.
    for (; a < dim; a++) {
      int ga = go + a * dim;
      int c = 0;
      for (; c + L <= a + 1; c += L) {
        FloatVector acc = FloatVector.fromArray(S, g, ga + c);
        for (int r = 0, row = mo; r < rows; r++, row += dim) {
          acc = FloatVector.fromArray(S, m, row + c).fma(FloatVector.broadcast(S, m[row + a]), acc);
        }
        acc.intoArray(g, ga + c);
      }
      for (; c <= a; c++) {
        float s = g[ga + c];
        for (int r = 0, row = mo; r < rows; r++, row += dim) {
          s += m[row + a] * m[row + c];
        }
        g[ga + c] = s;
      }
    }
  }

  /**
   * Output rows a..a+3, columns c..c+2L: eight accumulators stay in registers while every input
   * row is streamed once (2 vector loads and 4 broadcasts feed 8 FMAs); eight independent chains
   * cover the FMA latency of two ports. Stores are masked to {@code column <= row} (the tile on the
   * diagonal), so the upper triangle is never written.
   */
  private static void gramTile4x2(float[] m, int mo, int rows, int dim, float[] g, int go, int a, int c) {
    int g0 = go + a * dim + c;
    int g1 = g0 + dim;
    int g2 = g1 + dim;
    int g3 = g2 + dim;
    FloatVector s00 = FloatVector.fromArray(S, g, g0);
    FloatVector s01 = FloatVector.fromArray(S, g, g0 + L);
    FloatVector s10 = FloatVector.fromArray(S, g, g1);
    FloatVector s11 = FloatVector.fromArray(S, g, g1 + L);
    FloatVector s20 = FloatVector.fromArray(S, g, g2);
    FloatVector s21 = FloatVector.fromArray(S, g, g2 + L);
    FloatVector s30 = FloatVector.fromArray(S, g, g3);
    FloatVector s31 = FloatVector.fromArray(S, g, g3 + L);
    for (int r = 0, row = mo; r < rows; r++, row += dim) {
      FloatVector v0 = FloatVector.fromArray(S, m, row + c);
      FloatVector v1 = FloatVector.fromArray(S, m, row + c + L);
      FloatVector b0 = FloatVector.broadcast(S, m[row + a]);
      FloatVector b1 = FloatVector.broadcast(S, m[row + a + 1]);
      FloatVector b2 = FloatVector.broadcast(S, m[row + a + 2]);
      FloatVector b3 = FloatVector.broadcast(S, m[row + a + 3]);
      s00 = v0.fma(b0, s00);
      s01 = v1.fma(b0, s01);
      s10 = v0.fma(b1, s10);
      s11 = v1.fma(b1, s11);
      s20 = v0.fma(b2, s20);
      s21 = v1.fma(b2, s21);
      s30 = v0.fma(b3, s30);
      s31 = v1.fma(b3, s31);
    }
    storeLower(s00, g, g0, a - c);
    storeLower(s01, g, g0 + L, a - c - L);
    storeLower(s10, g, g1, a + 1 - c);
    storeLower(s11, g, g1 + L, a + 1 - c - L);
    storeLower(s20, g, g2, a + 2 - c);
    storeLower(s21, g, g2 + L, a + 2 - c - L);
    storeLower(s30, g, g3, a + 3 - c);
    storeLower(s31, g, g3 + L, a + 3 - c - L);
  }

  /** Output rows a..a+3, one lane group of columns (the odd group left after the 4x2 tiles). */
  private static void gramTile4x1(float[] m, int mo, int rows, int dim, float[] g, int go, int a, int c) {
    int g0 = go + a * dim + c;
    FloatVector s0 = FloatVector.fromArray(S, g, g0);
    FloatVector s1 = FloatVector.fromArray(S, g, g0 + dim);
    FloatVector s2 = FloatVector.fromArray(S, g, g0 + 2 * dim);
    FloatVector s3 = FloatVector.fromArray(S, g, g0 + 3 * dim);
    for (int r = 0, row = mo; r < rows; r++, row += dim) {
      FloatVector v = FloatVector.fromArray(S, m, row + c);
      s0 = v.fma(FloatVector.broadcast(S, m[row + a]), s0);
      s1 = v.fma(FloatVector.broadcast(S, m[row + a + 1]), s1);
      s2 = v.fma(FloatVector.broadcast(S, m[row + a + 2]), s2);
      s3 = v.fma(FloatVector.broadcast(S, m[row + a + 3]), s3);
    }
    storeLower(s0, g, g0, a - c);
    storeLower(s1, g, g0 + dim, a + 1 - c);
    storeLower(s2, g, g0 + 2 * dim, a + 2 - c);
    storeLower(s3, g, g0 + 3 * dim, a + 3 - c);
  }

  @Override
  public void rank1UpdateLower(float c, float[] x, int xo, int n, float[] a, int ao, int lda) {
    for (int i = 0; i < n; i++) {
      float ci = c * x[xo + i];
      int ai = ao + i * lda;
      int len = i + 1;
      FloatVector vc = FloatVector.broadcast(S, ci);
      int j = 0;
      for (; j + L <= len; j += L) {
        FloatVector.fromArray(S, x, xo + j).fma(vc, FloatVector.fromArray(S, a, ai + j)).intoArray(a, ai + j);
      }
      if (j < len) {
        // Masked tail: rows are short (the triangle), so a scalar tail would be most of the work.
        VectorMask<Float> tail = S.indexInRange(j, len);
        FloatVector.fromArray(S, x, xo + j, tail).fma(vc, FloatVector.fromArray(S, a, ai + j, tail))
            .intoArray(a, ai + j, tail);
      }
    }
  }

  @Override
  public void symv(float[] g, int go, int n, float shift, float[] x, int xo, float[] y, int yo) {
    int c = 0;
    // Columns in blocks of four lane groups (k = 64 on AVX-512 is one block), rows j split into
    // even and odd: eight accumulators, so the FMA chains are a quarter of n long.
    for (; c + 4 * L <= n; c += 4 * L) {
      FloatVector e0 = FloatVector.zero(S);
      FloatVector e1 = FloatVector.zero(S);
      FloatVector e2 = FloatVector.zero(S);
      FloatVector e3 = FloatVector.zero(S);
      FloatVector o0 = FloatVector.zero(S);
      FloatVector o1 = FloatVector.zero(S);
      FloatVector o2 = FloatVector.zero(S);
      FloatVector o3 = FloatVector.zero(S);
      int j = 0;
      for (; j + 1 < n; j += 2) {
        int re = go + j * n + c;
        int ro = re + n;
        FloatVector xe = FloatVector.broadcast(S, x[xo + j]);
        FloatVector xd = FloatVector.broadcast(S, x[xo + j + 1]);
        e0 = FloatVector.fromArray(S, g, re).fma(xe, e0);
        e1 = FloatVector.fromArray(S, g, re + L).fma(xe, e1);
        e2 = FloatVector.fromArray(S, g, re + 2 * L).fma(xe, e2);
        e3 = FloatVector.fromArray(S, g, re + 3 * L).fma(xe, e3);
        o0 = FloatVector.fromArray(S, g, ro).fma(xd, o0);
        o1 = FloatVector.fromArray(S, g, ro + L).fma(xd, o1);
        o2 = FloatVector.fromArray(S, g, ro + 2 * L).fma(xd, o2);
        o3 = FloatVector.fromArray(S, g, ro + 3 * L).fma(xd, o3);
      }
      if (j < n) {
        int re = go + j * n + c;
        FloatVector xe = FloatVector.broadcast(S, x[xo + j]);
        e0 = FloatVector.fromArray(S, g, re).fma(xe, e0);
        e1 = FloatVector.fromArray(S, g, re + L).fma(xe, e1);
        e2 = FloatVector.fromArray(S, g, re + 2 * L).fma(xe, e2);
        e3 = FloatVector.fromArray(S, g, re + 3 * L).fma(xe, e3);
      }
      FloatVector vs = FloatVector.broadcast(S, shift);
      FloatVector.fromArray(S, x, xo + c).fma(vs, e0.add(o0)).intoArray(y, yo + c);
      FloatVector.fromArray(S, x, xo + c + L).fma(vs, e1.add(o1)).intoArray(y, yo + c + L);
      FloatVector.fromArray(S, x, xo + c + 2 * L).fma(vs, e2.add(o2)).intoArray(y, yo + c + 2 * L);
      FloatVector.fromArray(S, x, xo + c + 3 * L).fma(vs, e3.add(o3)).intoArray(y, yo + c + 3 * L);
    }
    for (; c + L <= n; c += L) {
      FloatVector e = FloatVector.zero(S);
      FloatVector o = FloatVector.zero(S);
      int j = 0;
      for (; j + 1 < n; j += 2) {
        e = FloatVector.fromArray(S, g, go + j * n + c).fma(FloatVector.broadcast(S, x[xo + j]), e);
        o = FloatVector.fromArray(S, g, go + (j + 1) * n + c).fma(FloatVector.broadcast(S, x[xo + j + 1]), o);
      }
      if (j < n) {
        e = FloatVector.fromArray(S, g, go + j * n + c).fma(FloatVector.broadcast(S, x[xo + j]), e);
      }
      FloatVector.fromArray(S, x, xo + c).fma(FloatVector.broadcast(S, shift), e.add(o)).intoArray(y, yo + c);
    }
    for (; c < n; c++) {
      float s = 0f;
      for (int j = 0; j < n; j++) {
        s += g[go + j * n + c] * x[xo + j];
      }
      y[yo + c] = s + shift * x[xo + c];
    }
  }

  @Override
  public void sparseGramVec(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float t0, float t1,
      float h0, float h1, float[] x, int xo, float[] y, int yo) {
    boolean project = h0 != 0f || h1 != 0f;
    if (dim == 4 * L) {
      if (project) {
        sparseGramVec4(m, idx, rowBase, w, from, to, t0, t1, h0, h1, x, xo, y, yo);
      } else {
        sparseAxpy4(m, idx, rowBase, w, from, to, t0, t1, y, yo);
      }
      return;
    }
    for (int j = from; j < to; j++) {
      int row = (idx[j] - rowBase) * dim;
      float coef = t0 + t1 * w[j];
      if (project) {
        coef += (h0 + h1 * w[j]) * dot(m, row, x, xo, dim);
      }
      axpy(coef, m, row, y, yo, dim);
    }
  }

  /**
   * dim = 4 lane groups (k = 64 on AVX-512): x and the accumulated y stay in eight registers for
   * the whole row list, so each gathered row is loaded once and used twice (dot, then update).
   * (Reducing four rows' dots in one shared tree was tried: bit-identical, but measured 10-20%
   * slower, the lane extractions costing more than the shuffles saved.)
   */
  private static void sparseGramVec4(float[] m, int[] idx, int rowBase, float[] w, int from, int to, float t0,
      float t1, float h0, float h1, float[] x, int xo, float[] y, int yo) {
    final int dim = 4 * L;
    FloatVector x0 = FloatVector.fromArray(S, x, xo);
    FloatVector x1 = FloatVector.fromArray(S, x, xo + L);
    FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
    FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
    FloatVector y0 = FloatVector.fromArray(S, y, yo);
    FloatVector y1 = FloatVector.fromArray(S, y, yo + L);
    FloatVector y2 = FloatVector.fromArray(S, y, yo + 2 * L);
    FloatVector y3 = FloatVector.fromArray(S, y, yo + 3 * L);
    for (int j = from; j < to; j++) {
      int row = (idx[j] - rowBase) * dim;
      FloatVector m0 = FloatVector.fromArray(S, m, row);
      FloatVector m1 = FloatVector.fromArray(S, m, row + L);
      FloatVector m2 = FloatVector.fromArray(S, m, row + 2 * L);
      FloatVector m3 = FloatVector.fromArray(S, m, row + 3 * L);
      // Two partial sums halve the dot's dependency chain before the fixed-order reduction.
      float d = sum(m1.fma(x1, m0.mul(x0)).add(m3.fma(x3, m2.mul(x2))));
      float wj = w[j];
      FloatVector c = FloatVector.broadcast(S, t0 + t1 * wj + (h0 + h1 * wj) * d);
      y0 = m0.fma(c, y0);
      y1 = m1.fma(c, y1);
      y2 = m2.fma(c, y2);
      y3 = m3.fma(c, y3);
    }
    y0.intoArray(y, yo);
    y1.intoArray(y, yo + L);
    y2.intoArray(y, yo + 2 * L);
    y3.intoArray(y, yo + 3 * L);
  }

  /** dim = 4 lane groups, right-hand side only: {@code y += sum_j (t0 + t1 w_j) m_j}. */
  private static void sparseAxpy4(float[] m, int[] idx, int rowBase, float[] w, int from, int to, float t0, float t1,
      float[] y, int yo) {
    final int dim = 4 * L;
    FloatVector y0 = FloatVector.fromArray(S, y, yo);
    FloatVector y1 = FloatVector.fromArray(S, y, yo + L);
    FloatVector y2 = FloatVector.fromArray(S, y, yo + 2 * L);
    FloatVector y3 = FloatVector.fromArray(S, y, yo + 3 * L);
    for (int j = from; j < to; j++) {
      int row = (idx[j] - rowBase) * dim;
      FloatVector c = FloatVector.broadcast(S, t0 + t1 * w[j]);
      y0 = FloatVector.fromArray(S, m, row).fma(c, y0);
      y1 = FloatVector.fromArray(S, m, row + L).fma(c, y1);
      y2 = FloatVector.fromArray(S, m, row + 2 * L).fma(c, y2);
      y3 = FloatVector.fromArray(S, m, row + 3 * L).fma(c, y3);
    }
    y0.intoArray(y, yo);
    y1.intoArray(y, yo + L);
    y2.intoArray(y, yo + 2 * L);
    y3.intoArray(y, yo + 3 * L);
  }

  @Override
  public void sparseGramLower(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to, float h0,
      float h1, float[] g) {
    int a = 0;
    for (; a + 4 <= dim; a += 4) {
      // Column blocks that reach the diagonal of rows a..a+3 end at column a+3.
      int c = 0;
      for (; c + 2 * L <= dim && c <= a + 3; c += 2 * L) {
        sparseGramTile4x2(m, dim, idx, rowBase, w, from, to, h0, h1, g, a, c);
      }
      for (; c + L <= dim && c <= a + 3; c += L) {
        sparseGramTile4x1(m, dim, idx, rowBase, w, from, to, h0, h1, g, a, c);
      }
      for (; c <= a + 3 && c < dim; c++) {
        for (int i = Math.max(a, c); i < a + 4; i++) {
          float s = g[i * dim + c];
          for (int j = from; j < to; j++) {
            int row = (idx[j] - rowBase) * dim;
            s += (h0 + h1 * w[j]) * m[row + i] * m[row + c];
          }
          g[i * dim + c] = s;
        }
      }
    }
    // Fewer than four rows left: one row at a time, columns 0..a.
    for (; a < dim; a++) {
      int ga = a * dim;
      int c = 0;
      for (; c + L <= a + 1; c += L) {
        FloatVector acc = FloatVector.fromArray(S, g, ga + c);
        for (int j = from; j < to; j++) {
          int row = (idx[j] - rowBase) * dim;
          float ha = (h0 + h1 * w[j]) * m[row + a];
          acc = FloatVector.fromArray(S, m, row + c).fma(FloatVector.broadcast(S, ha), acc);
        }
        acc.intoArray(g, ga + c);
      }
      for (; c <= a; c++) {
        float s = g[ga + c];
        for (int j = from; j < to; j++) {
          int row = (idx[j] - rowBase) * dim;
          s += (h0 + h1 * w[j]) * m[row + a] * m[row + c];
        }
        g[ga + c] = s;
      }
    }
  }

  /**
   * Rows a..a+3, columns c..c+2L of the weighted gathered Gram: as {@link #gramTile4x2}, with the
   * weight folded into the four broadcasts. Stores are masked to {@code column <= row}, so a tile
   * that straddles the diagonal leaves the upper triangle alone.
   */
  private static void sparseGramTile4x2(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to,
      float h0, float h1, float[] g, int a, int c) {
    int g0 = a * dim + c;
    int g1 = g0 + dim;
    int g2 = g1 + dim;
    int g3 = g2 + dim;
    FloatVector s00 = FloatVector.fromArray(S, g, g0);
    FloatVector s01 = FloatVector.fromArray(S, g, g0 + L);
    FloatVector s10 = FloatVector.fromArray(S, g, g1);
    FloatVector s11 = FloatVector.fromArray(S, g, g1 + L);
    FloatVector s20 = FloatVector.fromArray(S, g, g2);
    FloatVector s21 = FloatVector.fromArray(S, g, g2 + L);
    FloatVector s30 = FloatVector.fromArray(S, g, g3);
    FloatVector s31 = FloatVector.fromArray(S, g, g3 + L);
    for (int j = from; j < to; j++) {
      int row = (idx[j] - rowBase) * dim;
      float h = h0 + h1 * w[j];
      FloatVector v0 = FloatVector.fromArray(S, m, row + c);
      FloatVector v1 = FloatVector.fromArray(S, m, row + c + L);
      FloatVector b0 = FloatVector.broadcast(S, h * m[row + a]);
      FloatVector b1 = FloatVector.broadcast(S, h * m[row + a + 1]);
      FloatVector b2 = FloatVector.broadcast(S, h * m[row + a + 2]);
      FloatVector b3 = FloatVector.broadcast(S, h * m[row + a + 3]);
      s00 = v0.fma(b0, s00);
      s01 = v1.fma(b0, s01);
      s10 = v0.fma(b1, s10);
      s11 = v1.fma(b1, s11);
      s20 = v0.fma(b2, s20);
      s21 = v1.fma(b2, s21);
      s30 = v0.fma(b3, s30);
      s31 = v1.fma(b3, s31);
    }
    storeLower(s00, g, g0, a - c);
    storeLower(s01, g, g0 + L, a - c - L);
    storeLower(s10, g, g1, a + 1 - c);
    storeLower(s11, g, g1 + L, a + 1 - c - L);
    storeLower(s20, g, g2, a + 2 - c);
    storeLower(s21, g, g2 + L, a + 2 - c - L);
    storeLower(s30, g, g3, a + 3 - c);
    storeLower(s31, g, g3 + L, a + 3 - c - L);
  }

  /** Rows a..a+3, one lane group of columns. */
  private static void sparseGramTile4x1(float[] m, int dim, int[] idx, int rowBase, float[] w, int from, int to,
      float h0, float h1, float[] g, int a, int c) {
    int g0 = a * dim + c;
    FloatVector s0 = FloatVector.fromArray(S, g, g0);
    FloatVector s1 = FloatVector.fromArray(S, g, g0 + dim);
    FloatVector s2 = FloatVector.fromArray(S, g, g0 + 2 * dim);
    FloatVector s3 = FloatVector.fromArray(S, g, g0 + 3 * dim);
    for (int j = from; j < to; j++) {
      int row = (idx[j] - rowBase) * dim;
      float h = h0 + h1 * w[j];
      FloatVector v = FloatVector.fromArray(S, m, row + c);
      s0 = v.fma(FloatVector.broadcast(S, h * m[row + a]), s0);
      s1 = v.fma(FloatVector.broadcast(S, h * m[row + a + 1]), s1);
      s2 = v.fma(FloatVector.broadcast(S, h * m[row + a + 2]), s2);
      s3 = v.fma(FloatVector.broadcast(S, h * m[row + a + 3]), s3);
    }
    storeLower(s0, g, g0, a - c);
    storeLower(s1, g, g0 + dim, a + 1 - c);
    storeLower(s2, g, g0 + 2 * dim, a + 2 - c);
    storeLower(s3, g, g0 + 3 * dim, a + 3 - c);
  }

  /** Stores lanes {@code 0 .. last} of {@code v} (all when {@code last >= L - 1}, none when negative). */
  private static void storeLower(FloatVector v, float[] g, int off, int last) {
    if (last >= L - 1) {
      v.intoArray(g, off);
    } else if (last >= 0) {
      v.intoArray(g, off, S.indexInRange(0, last + 1));
    }
  }

  @Override
  public float max(float[] x, int xo, int n) {
    int j = 0;
    float m = Float.NEGATIVE_INFINITY;
    if (n >= L) {
      FloatVector acc = FloatVector.fromArray(S, x, xo);
      for (j = L; j <= n - L; j += L) acc = acc.max(FloatVector.fromArray(S, x, xo + j));
      m = acc.reduceLanes(VectorOperators.MAX);
    }
    for (; j < n; j++) m = Math.max(m, x[xo + j]);
    return m;
  }

  @Override
  public double expShiftSum(float[] x, int xo, int n, float shift) {
    int j = 0;
    double s = 0;
    FloatVector sh = FloatVector.broadcast(S, shift);
    for (; j <= n - L; j += L) {
      FloatVector e = FloatVector.fromArray(S, x, xo + j).add(sh).lanewise(VectorOperators.EXP);
      e.intoArray(x, xo + j);
      s += e.reduceLanes(VectorOperators.ADD);
    }
    return s + ScalarKernels.expShift(x, xo + j, n - j, shift);
  }

  @Override
  public void scale(float[] x, int xo, int n, float c) {
    int j = 0;
    FloatVector cv = FloatVector.broadcast(S, c);
    for (; j <= n - L; j += L) FloatVector.fromArray(S, x, xo + j).mul(cv).intoArray(x, xo + j);
    for (; j < n; j++) x[xo + j] *= c;
  }

  @Override
  public void addBiasRelu(float[] x, int xo, int n, float[] bias, int bo, boolean relu) {
    // One pass, one lane group at a time: the layer is memory-bound, so no unrolling.
    int j = 0;
    FloatVector zero = FloatVector.zero(S);
    for (; j <= n - L; j += L) {
      FloatVector y = FloatVector.fromArray(S, x, xo + j).add(FloatVector.fromArray(S, bias, bo + j));
      (relu ? y.max(zero) : y).intoArray(x, xo + j);
    }
    for (; j < n; j++) {
      float y = x[xo + j] + bias[bo + j];
      x[xo + j] = relu ? Math.max(0f, y) : y;
    }
  }

  @Override
  public void reluMask(float[] g, int go, float[] a, int ao, int n) {
    int j = 0;
    FloatVector zero = FloatVector.zero(S);
    for (; j <= n - L; j += L) {
      // Keep g where a > 0; a NaN compares false and is masked, as in the scalar twin.
      VectorMask<Float> on = FloatVector.fromArray(S, a, ao + j).compare(VectorOperators.GT, 0f);
      zero.blend(FloatVector.fromArray(S, g, go + j), on).intoArray(g, go + j);
    }
    for (; j < n; j++) {
      if (!(a[ao + j] > 0f)) g[go + j] = 0f;
    }
  }
}
