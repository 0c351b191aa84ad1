package dev.kindred.train.als;

/** How each user's (item's) normal equations are solved in an ALS half-step. */
public enum AlsSolver {
  /**
   * Exact: form the {@code k x k} system and factor it ({@code n k^2 / 2 + k^3 / 6} multiply-adds
   * for a row with {@code n} interactions).
   */
  CHOLESKY,
  /**
   * A few conjugate-gradient steps warm-started from the previous iteration's vector, without
   * forming the system (Takacs, Pilaszy, Tikk, RecSys 2011): about
   * {@code (steps + 1) (k^2 + 2 n k)} multiply-adds with a shared Gram matrix.
   */
  CG
}
