package dev.kindred.math;

/**
 * The register-blocked micro-kernel of {@link MatrixProduct}: one {@code rows() x cols()} tile of
 * {@code C += A B} from packed panels. Two implementations: the Vector API one
 * ({@code PanamaProductKernel}) and its plain scalar twin ({@link ScalarProductKernel});
 * {@link MatrixProduct} picks one once per JVM.
 *
 * <p>Packed layout (written by {@link MatrixProduct}, read here):
 * <ol>
 *   <li>an A sliver holds {@code kc} steps of {@code rows()} floats: {@code ap[ao + k * rows() + r] = A(r, k)};
 *   <li>a B sliver holds {@code kc} steps of {@code cols()} floats: {@code bp[bo + k * cols() + j] = B(k, j)};
 *   <li>both are zero-padded to full width, so the kernel never needs a tail.
 * </ol>
 * Both implementations add the products in increasing {@code k}, one fused multiply-add each, so
 * they agree bit for bit. Implementations assume valid arguments and never allocate.
 */
public interface ProductKernel {

  /** Rows of the tile ({@code MR}). */
  int rows();

  /** Columns of the tile ({@code NR}). */
  int cols();

  /**
   * {@code c[co + r * ldc + j] += sum_{k < kc} ap[ao + k * rows() + r] * bp[bo + k * cols() + j]}
   * for every {@code r < rows()}, {@code j < cols()}.
   */
  void multiplyAdd(int kc, float[] ap, int ao, float[] bp, int bo, float[] c, int co, int ldc);
}
