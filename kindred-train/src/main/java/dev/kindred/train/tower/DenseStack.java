package dev.kindred.train.tower;

import dev.kindred.math.Kernels;
import dev.kindred.math.MatrixProduct;
import dev.kindred.math.MatrixProduct.Operand;
import dev.kindred.math.MatrixProduct.Triangle;
import dev.kindred.math.VectorOps;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A multi-layer perceptron over a batch of rows: {@code h_0 = x}, {@code h_l = relu(h_{l-1} W_l + b_l)}
 * for the hidden layers and a linear last layer. Layout of {@link #params} (one array, so one dense
 * optimiser steps it), for layers {@code l = 1 .. L} with widths {@code w_0 .. w_L}:
 * <ol>
 *   <li>{@code W_l} is {@code w_{l-1} x w_l}, row-major, at {@code weightOffset[l]};
 *   <li>{@code b_l} ({@code w_l} floats) follows it at {@code biasOffset[l]};
 *   <li>layers are stored in order, with no gaps: {@code params.length} is the parameter count.
 * </ol>
 * Forward and backward are batched products on kindred-math's {@link MatrixProduct} (Vector API):
 * per layer {@code H_l = H_{l-1} W_l}, {@code dW_l += H_{l-1}^T G_l}, {@code G_{l-1} = G_l W_l^T},
 * {@code 6 rows w_{l-1} w_l} flops in all; bias and rectifier are the {@code addBiasRelu} and
 * {@code reluMask} kernels.
 *
 * <p>Initialisation: Glorot uniform (Glorot and Bengio, AISTATS 2010) weights, zero biases. Not
 * thread-safe; {@link #forwardRow} allocates its scratch and may run concurrently with itself.
 */
final class DenseStack {

  final int[] widths;
  final int[] weightOffset;
  final int[] biasOffset;
  final float[] params;

  DenseStack(int[] widths, SplittableRandom rng) {
    if (widths.length < 2) throw new IllegalArgumentException("need input and output widths, got " + widths.length);
    this.widths = widths.clone();
    int layers = widths.length - 1;
    weightOffset = new int[layers + 1];
    biasOffset = new int[layers + 1];
    long size = 0;
    for (int l = 1; l <= layers; l++) {
      weightOffset[l] = Math.toIntExact(size);
      size += (long) widths[l - 1] * widths[l];
      biasOffset[l] = Math.toIntExact(size);
      size += widths[l];
    }
    params = new float[Math.toIntExact(size)];
    for (int l = 1; l <= layers; l++) {
      double a = Math.sqrt(6.0 / (widths[l - 1] + widths[l]));
      for (int j = weightOffset[l]; j < biasOffset[l]; j++) params[j] = (float) ((2 * rng.nextDouble() - 1) * a);
    }
  }

  int layers() {
    return widths.length - 1;
  }

  /**
   * {@code acts[l]} ({@code rows x w_l}) from {@code acts[0]} for every layer. The caller has filled
   * {@code acts[0]}; the arrays hold at least {@code rows x w_l} floats.
   */
  void forward(MatrixProduct product, float[][] acts, int rows) {
    Kernels k = VectorOps.kernels();
    for (int l = 1; l <= layers(); l++) {
      int in = widths[l - 1];
      int out = widths[l];
      Arrays.fill(acts[l], 0, rows * out, 0f);
      product.multiplyAdd(rows, out, in, 1f, Operand.of(acts[l - 1], 0, in), Operand.of(params, weightOffset[l], out),
          acts[l], 0, out, Triangle.FULL);
      boolean relu = l < layers();
      for (int r = 0; r < rows; r++) k.addBiasRelu(acts[l], r * out, out, params, biasOffset[l], relu);
    }
  }

  /**
   * Backward pass: {@code grads[L]} holds {@code dLoss/dh_L} on entry; adds the parameters' gradient
   * to {@code gradParams} (laid out as {@link #params}) and leaves {@code dLoss/dx} in
   * {@code grads[0]}. Overwrites {@code grads[1 .. L]}.
   */
  void backward(MatrixProduct product, float[][] acts, float[][] grads, int rows, float[] gradParams) {
    Kernels k = VectorOps.kernels();
    for (int l = layers(); l >= 1; l--) {
      int in = widths[l - 1];
      int out = widths[l];
      float[] g = grads[l];
      if (l < layers()) k.reluMask(g, 0, acts[l], 0, rows * out);
      product.multiplyAdd(in, out, rows, 1f, Operand.of(acts[l - 1], 0, in).transpose(), Operand.of(g, 0, out),
          gradParams, weightOffset[l], out, Triangle.FULL);
      for (int r = 0; r < rows; r++) k.axpy(1f, g, r * out, gradParams, biasOffset[l], out);
      Arrays.fill(grads[l - 1], 0, rows * in, 0f);
      product.multiplyAdd(rows, in, out, 1f, Operand.of(g, 0, out),
          Operand.of(params, weightOffset[l], out).transpose(), grads[l - 1], 0, in, Triangle.FULL);
    }
  }

  /** The output for one input row {@code x} ({@code w_0} floats), by vector kernels; allocates its scratch. */
  float[] forwardRow(float[] x) {
    Kernels k = VectorOps.kernels();
    float[] h = x;
    for (int l = 1; l <= layers(); l++) {
      int in = widths[l - 1];
      int out = widths[l];
      float[] next = new float[out];
      for (int i = 0; i < in; i++) {
        if (h[i] != 0f) k.axpy(h[i], params, weightOffset[l] + i * out, next, 0, out);
      }
      k.addBiasRelu(next, 0, out, params, biasOffset[l], l < layers());
      h = next;
    }
    return h;
  }

  /** {@code l2} times the weights (not the biases) added to {@code gradParams}; returns {@code l2/2 |W|^2}. */
  double addWeightPenalty(float l2, float[] gradParams) {
    if (l2 == 0f) return 0;
    Kernels k = VectorOps.kernels();
    double sq = 0;
    for (int l = 1; l <= layers(); l++) {
      int n = biasOffset[l] - weightOffset[l];
      sq += k.dot(params, weightOffset[l], params, weightOffset[l], n);
      k.axpy(l2, params, weightOffset[l], gradParams, weightOffset[l], n);
    }
    return 0.5 * l2 * sq;
  }
}
