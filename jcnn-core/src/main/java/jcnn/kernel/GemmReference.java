package jcnn.kernel;

/**
 * The reference GEMM: the textbook triple loop, {@code C[i][j] = Σ_p op(A)[i][p]·op(B)[p][j] (+ beta·C[i][j])},
 * summed in p order in float. Every fast GEMM is tested against it; it is also the fallback when the Vector API
 * is unavailable. Loop order i-p-j keeps the innermost accesses to B and C contiguous when B is not
 * transposed, which is the common case and lets the JIT vectorise it.
 */
public final class GemmReference implements GemmKernel {

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) c[ci + j] *= beta;
            }
            if (!transB) {
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    float s = 0f;
                    int bj = bOff + j * ldb;
                    for (int p = 0; p < k; p++) {
                        float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        s += aip * b[bj + p];
                    }
                    c[ci + j] += s;
                }
            }
        }
    }

    /** "Packed" here means op(A) copied row-major, m×k. */
    @Override
    public int packedASize(int m, int k) {
        return m * k;
    }

    @Override
    public void packWholeA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] packed) {
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) packed[i * k + p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }
    }

    @Override
    public void sgemmPackedA(float[] packedA, int m, int k, boolean transB, int n, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(false, transB, m, n, k, packedA, 0, k, b, bOff, ldb, beta, c, cOff, ldc);
    }
}
