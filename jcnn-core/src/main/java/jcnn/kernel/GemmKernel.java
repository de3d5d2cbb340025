package jcnn.kernel;

import java.util.function.IntSupplier;

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

    /** The length of the array {@link #packWholeA} fills for an m×k op(A). */
    int packedASize(int m, int k);

    /**
     * Copies op(A), m×k, into {@code packed} in this implementation's own layout, for any number of
     * {@link #sgemmPackedA} calls: the strips of a parallel product then share one packing of A.
     */
    void packWholeA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] packed);

    /**
     * C = A·op(B) + beta·C with A as {@link #packWholeA} left it: the same floats as {@link #sgemm} with
     * transB false (with transB true, sgemm may take a different summation order for a few rows).
     */
    void sgemmPackedA(float[] packedA, int m, int k, boolean transB, int n, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc);

    /**
     * One thread's share of a parallel GEMM split into column strips: C[:, s·width, min(n, (s+1)·width)) for every
     * strip number s that {@code nextStrip} hands out, until it returns one past the last strip. Threads claim
     * strips as they go, so a thread slowed down (by another program, or a busy vCPU) takes fewer; each strip is
     * computed the same way whichever thread claims it, so the result does not depend on the claiming.
     */
    default void sgemmStrips(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, int width, IntSupplier nextStrip) {
        int strips = (n + width - 1) / width;
        for (int s = nextStrip.getAsInt(); s < strips; s = nextStrip.getAsInt()) {
            int j0 = s * width;
            sgemm(transA, transB, m, Math.min(width, n - j0), k, a, aOff, lda, b, transB ? bOff + j0 * ldb : bOff + j0, ldb,
                    beta, c, cOff + j0, ldc);
        }
    }
}
