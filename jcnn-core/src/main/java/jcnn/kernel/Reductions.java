package jcnn.kernel;

/**
 * Sums of float runs, vectorisable by the JIT: eight independent partial sums (so the additions need not wait on
 * each other) combined in a fixed order, so the result depends only on the data, never on timing or threads.
 */
public final class Reductions {
    private Reductions() {}

    /** x[off] + ... + x[off + n - 1]. */
    public static float sum(float[] x, int off, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            int j = off + i;
            s0 += x[j];
            s1 += x[j + 1];
            s2 += x[j + 2];
            s3 += x[j + 3];
            s4 += x[j + 4];
            s5 += x[j + 5];
            s6 += x[j + 6];
            s7 += x[j + 7];
        }
        for (; i < n; i++) s0 += x[off + i];
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
