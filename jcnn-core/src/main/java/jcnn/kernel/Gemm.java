package jcnn.kernel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Single-precision matrix multiplication, {@code C = op(A)·op(B) + beta·C}, on row-major float arrays: the
 * one operation convolution, transposed convolution and Linear reduce to.
 *
 * <p>Shapes: op(A) is m×k, op(B) is k×n, C is m×n; {@code op(X)} is Xᵀ when the matching {@code trans} flag is
 * set (X is then stored transposed). {@code lda/ldb/ldc} are row strides as stored. {@code beta = 0}
 * overwrites C without reading it; any other beta scales and accumulates.
 *
 * <p>{@link #sgemm} runs on the calling thread (the layers parallelise over the batch around it);
 * {@link #sgemmParallel} splits C's columns (or rows, when it is tall and thin) over {@link Parallel}.
 */
public final class Gemm {
    private static final GemmKernel FAST = VectorSupport.GEMM;
    private static final GemmKernel REFERENCE = new GemmReference();

    private Gemm() {}

    /** Which implementation {@link #sgemm} uses, e.g. "Vector API, 8 float lanes". */
    public static String implementation() {
        return VectorSupport.DESCRIPTION;
    }

    /** C = op(A)·op(B) + beta·C on the calling thread. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        FAST.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** The length of the array {@link #packA} needs for an m×k op(A). */
    public static int packedASize(int m, int k) {
        if (m < 0 || k < 0) throw new IllegalArgumentException("gemm: negative size m=" + m + " k=" + k);
        return FAST.packedASize(m, k);
    }

    /**
     * Packs op(A), m×k, into {@code packed} (at least {@link #packedASize} long) for {@link #sgemmPacked}: a product
     * split into column strips packs A once instead of once per strip.
     */
    public static void packA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] packed) {
        checkMatrix("A", transA ? k : m, transA ? m : k, a, aOff, lda, transA);
        checkPacked(m, k, packed);
        FAST.packWholeA(transA, m, k, a, aOff, lda, packed);
    }

    /**
     * C = A·op(B) + beta·C, on the calling thread, with A as {@link #packA} left it (m×k): the same floats as
     * {@link #sgemm} when transB is false.
     */
    public static void sgemmPacked(float[] packedA, int m, int k, boolean transB, int n, float[] b, int bOff, int ldb,
                                   float beta, float[] c, int cOff, int ldc) {
        if (n < 0) throw new IllegalArgumentException("gemm: negative size n=" + n);
        checkPacked(m, k, packedA);
        checkMatrix("B", transB ? n : k, transB ? k : n, b, bOff, ldb, transB);
        checkMatrix("C", m, n, c, cOff, ldc, false);
        FAST.sgemmPackedA(packedA, m, k, transB, n, b, bOff, ldb, beta, c, cOff, ldc);
    }

    private static void checkPacked(int m, int k, float[] packed) {
        int size = packedASize(m, k);
        if (packed.length < size) {
            throw new IllegalArgumentException("gemm: a packed " + m + "x" + k + " A needs " + size
                    + " elements, but its array has " + packed.length);
        }
    }

    /** The scalar reference (plain loops), for tests and as the definition of the result. */
    public static void sgemmReference(boolean transA, boolean transB, int m, int n, int k,
                                      float[] a, int aOff, int lda,
                                      float[] b, int bOff, int ldb,
                                      float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        REFERENCE.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * C = op(A)·op(B) + beta·C using every {@link Parallel} thread. C is cut into column strips, about four per
     * thread, which the threads claim one after the other (each packs op(A) once, then takes strips until none
     * is left), or into a fixed split of row strips when n is too narrow to share; either way each element of C
     * is computed by one thread, summed in the same order as by {@link #sgemm}. A small C with a long shared
     * dimension is split along k instead (see sgemmSplitK): then the sums are grouped by slice of k, so the result
     * depends on the thread count — and only on it.
     */
    public static void sgemmParallel(boolean transA, boolean transB, int m, int n, int k,
                                     float[] a, int aOff, int lda,
                                     float[] b, int bOff, int ldb,
                                     float beta, float[] c, int cOff, int ldc) {
        check(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        int threads = Parallel.threads();
        long flops = 2L * m * n * k;
        if (threads == 1 || flops < 2_000_000L) {
            FAST.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        final int strip = 64;
        if ((long) m * n <= 64 * 1024 && k >= 8L * (m + n) && k >= 1024) {
            sgemmSplitK(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (n >= threads * strip || n >= m) {
            // about four strips per thread, claimed dynamically: on a shared machine one thread is often slower
            // than the other (measured: halves of a 1024³ product taking 15 and 24 ms), and a fixed split waits for it.
            // Widths are rounded to whole 16-column panels, not to 64 columns: 3136 columns in strips of 448 made 7
            // strips, 4 for one thread and 3 for the other (128x3136x1152 at two threads 7.5-7.7 -> 6.7-6.9 ms)
            int quarterShare = (n + 4 * threads - 1) / (4 * threads);
            int width = Math.min(4096, Math.max(strip, (quarterShare + 15) / 16 * 16));
            AtomicInteger next = new AtomicInteger();
            Parallel.forRange(threads, (t0, t1, chunk) -> FAST.sgemmStrips(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, width, next::getAndIncrement));
        } else {
            final int rowStrip = 16;
            int strips = (m + rowStrip - 1) / rowStrip;
            Parallel.forRange(strips, (s0, s1, chunk) -> {
                int i0 = s0 * rowStrip, i1 = Math.min(m, s1 * rowStrip);
                int ao = transA ? aOff + i0 : aOff + i0 * lda;
                FAST.sgemm(transA, transB, i1 - i0, n, k, a, ao, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            });
        }
    }

    /**
     * The partial products of {@link #sgemmSplitK}, one m×n block per slice, owned by the calling thread (the
     * workers write its blocks), so that two application threads multiplying at once never share one.
     */
    private static final ThreadLocal<float[]> SLICE_PARTIALS = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * For a small C with a long shared dimension (a Linear layer's 100×100 output summed over 4,320 inputs)
     * splitting C would make every thread pack the whole of the big operand. Here k is cut into parts (about four
     * per thread, claimed dynamically, of decreasing length: {@link Parallel#forParts} over units of 16 of k), each
     * part's partial C is computed into its own block, and the blocks are added in part order — so the result
     * depends only on the thread count, not on who computed which part. (With equal slices the caller waited for
     * the worker's last one, 53 µs per product in median at two threads.)
     */
    private static void sgemmSplitK(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        // units of 16 (one cache line of a row): the last parts small (units of 64 left the worker idle 20-30 µs at
        // the end of Linear(4320, 100)'s forward at two threads)
        int units = k / 16, parts = Parallel.parts(units), size = m * n;
        float[] grown = SLICE_PARTIALS.get();
        if (grown.length < parts * size) SLICE_PARTIALS.set(grown = new float[parts * size]);
        float[] partials = grown;
        Parallel.forParts(units, (u0, u1, part, worker) -> {
            int k0 = Parallel.chunkStart(k, units, u0), k1 = Parallel.chunkStart(k, units, u1);
            int ao = transA ? aOff + k0 * lda : aOff + k0;
            int bo = transB ? bOff + k0 : bOff + k0 * ldb;
            FAST.sgemm(transA, transB, m, n, k1 - k0, a, ao, lda, b, bo, ldb, 0f, partials, part * size, n);
        });
        for (int i = 0; i < m; i++) Elementwise.sumBlocks(partials, i * n, size, parts, beta, c, cOff + i * ldc, n);
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", transA ? k : m, transA ? m : k, a, aOff, lda, transA);
        checkMatrix("B", transB ? n : k, transB ? k : n, b, bOff, ldb, transB);
        checkMatrix("C", m, n, c, cOff, ldc, false);
    }

    private static void checkMatrix(String name, int rows, int cols, float[] x, int off, int ld, boolean trans) {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) {
            throw new IllegalArgumentException("gemm: " + name + (trans ? " (stored transposed)" : "") + " is "
                    + rows + "x" + cols + " but its row stride is " + ld + " < " + cols);
        }
        long last = off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IllegalArgumentException("gemm: " + name + (trans ? " (stored transposed)" : "") + " is "
                    + rows + "x" + cols + " with row stride " + ld + " at offset " + off
                    + ", needing " + (last + 1) + " elements, but its array has " + x.length);
        }
    }
}
