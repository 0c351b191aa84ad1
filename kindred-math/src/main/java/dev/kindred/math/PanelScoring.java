package dev.kindred.math;

import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * Validating facade over the blocked scoring kernel chosen once per JVM: the Vector API one when
 * {@link VectorOps} runs SIMD kernels (same rule: {@code --add-modules jdk.incubator.vector}, and
 * {@code -Dkindred.kernels=scalar} forces the twin), else {@link ScalarPanelKernels}. Which one runs
 * is logged once.
 *
 * <p>Hot loops that have validated their shapes once call {@link #kernels()} directly.
 */
public final class PanelScoring {

  private static final PanelKernels IMPL = choose();

  private PanelScoring() {}

  private static PanelKernels choose() {
    System.Logger log = System.getLogger(PanelScoring.class.getName());
    if (!VectorOps.isVectorized()) {
      log.log(Level.DEBUG, "panel kernels: scalar");
      return new ScalarPanelKernels();
    }
    try {
      PanelKernels k = (PanelKernels) Class.forName("dev.kindred.math.PanamaPanelKernels").getDeclaredConstructor()
          .newInstance();
      log.log(Level.DEBUG, "panel kernels: Vector API, panel width " + k.preferredWidth());
      return k;
    } catch (ReflectiveOperationException | LinkageError e) {
      log.log(Level.WARNING, "panel kernels: scalar; Vector API unavailable: " + e);
      return new ScalarPanelKernels();
    }
  }

  /** The implementation in use, for callers that validate their own shapes. */
  public static PanelKernels kernels() {
    return IMPL;
  }

  /** Panel width of the fast path; pack {@link ItemPanels} with it. */
  public static int panelWidth() {
    return IMPL.preferredWidth();
  }

  /** Validated {@link PanelKernels#scorePanels}. */
  public static void scorePanels(float[] users, int uo, int nUsers, int dim, float[] panels, int po, int nPanels,
      int width, float[] out, int oo, int outStride) {
    if (nUsers < 0 || dim <= 0 || nPanels < 0 || width <= 0) {
      throw new IllegalArgumentException("need nUsers, nPanels >= 0 and dim, width > 0, got nUsers=" + nUsers
          + " dim=" + dim + " nPanels=" + nPanels + " width=" + width);
    }
    long rowLen = (long) nPanels * width;
    if (outStride < rowLen) {
      throw new IllegalArgumentException("outStride " + outStride + " < nPanels * width = " + rowLen);
    }
    check(users, uo, (long) nUsers * dim, "users");
    check(panels, po, (long) nPanels * (dim + 1) * width, "panels");
    check(out, oo, nUsers == 0 ? 0 : (long) (nUsers - 1) * outStride + rowLen, "out");
    IMPL.scorePanels(users, uo, nUsers, dim, panels, po, nPanels, width, out, oo, outStride);
  }

  /** Validated {@link PanelKernels#nextAtLeast}. */
  public static int nextAtLeast(float[] s, int from, int to, float threshold) {
    if (from > to) {
      throw new IllegalArgumentException("from " + from + " > to " + to);
    }
    check(s, from, to - from, "s");
    return IMPL.nextAtLeast(s, from, to, threshold);
  }

  private static void check(float[] v, int off, long n, String name) {
    Objects.requireNonNull(v, name);
    if (n < 0 || off < 0 || off > v.length - n) {
      throw new IllegalArgumentException(
          name + ": range [" + off + ", " + off + "+" + n + ") outside array of length " + v.length);
    }
  }
}
