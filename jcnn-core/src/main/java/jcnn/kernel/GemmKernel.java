package jcnn.kernel;

/**
 * One implementation of single-precision GEMM, {@code C = op(A)·op(B) + beta·C}, on row-major arrays.
 *
 * <p>Shapes: op(A) is m×k, op(B) is k×n, C is m×n. {@code op(X)} is X, or Xᵀ when the matching {@code trans}
 * flag is set, in which case X is stored k×m (or n×k). {@code lda}, {@code ldb}, {@code ldc} are the row
 * strides of the arrays as stored. {@code beta} is 0 (overwrite C, whose old contents may be garbage, even NaN)
 * or any other value (scale and accumulate).
 *
 * <p>Implementations: {@link GemmReference} (plain loops, the reference) and {@code GemmPanama} (packed,
 * cache-blocked, Vector API micro-kernel). {@link Gemm} picks one at start-up.
 */
interface GemmKernel {
    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float[] a, int aOff, int lda,
               float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);
}
