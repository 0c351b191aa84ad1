package dev.kindred.math;

/**
 * Blocked scoring of many users against many items: the matrix product behind batch top-K, with
 * the items packed as {@link ItemPanels}. Two implementations: a Vector API one
 * ({@code PanamaPanelKernels}, register-blocked) and its plain scalar twin
 * ({@link ScalarPanelKernels}); {@link PanelScoring} picks one once per JVM and validates in front
 * of it.
 *
 * <p>Both compute every score in the same order, so they agree bit for bit: start from the item
 * bias, then one fused multiply-add per dimension in increasing {@code d}. No lane reduction is
 * involved (lanes run over items), so the result does not depend on the vector width either.
 *
 * <p>Implementations assume valid arguments and never allocate.
 */
public interface PanelKernels {

  /** Items per panel this implementation's fast path is built for. */
  int preferredWidth();

  /**
   * Scores {@code nUsers} users (rows of {@code dim} floats at {@code users[uo + u * dim]}) against
   * {@code nPanels} consecutive panels of width {@code width} starting at {@code panels[po]}
   * (layout of {@link ItemPanels}):
   * {@code out[oo + u * outStride + p * width + j] = fma chain over d of users[u][d] * q[p][d][j],
   * starting from bias[p][j]}. Padding items score their bias, 0.
   */
  void scorePanels(float[] users, int uo, int nUsers, int dim, float[] panels, int po, int nPanels, int width,
      float[] out, int oo, int outStride);

  /**
   * Index of the first {@code j} in {@code [from, to)} with {@code s[j] >= threshold}, or {@code to}
   * if none: the scan that lets a full top-K heap skip a run of low scores. NaN never qualifies.
   */
  int nextAtLeast(float[] s, int from, int to, float threshold);
}
