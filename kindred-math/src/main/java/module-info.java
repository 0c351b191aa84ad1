/** Kindred's numerical kernels: SIMD (Vector API) with scalar twins, solvers, top-K, factor storage. */
module dev.kindred.math {
  requires jdk.incubator.vector;

  exports dev.kindred.math;
}
