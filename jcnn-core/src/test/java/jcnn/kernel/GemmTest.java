package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GemmTest {

    static Stream<Arguments> shapes() {
        int[] sizes = {1, 7, 13, 31, 257};
        List<Arguments> out = new ArrayList<>();
        // every combination of the awkward sizes for m and n, with a few k (K = 1 included), all transposes
        for (int m : sizes)
            for (int n : sizes)
                for (int k : new int[] {1, 13, 300})
                    for (int t = 0; t < 4; t++) {
                        if ((m == 257 && n == 257) && k == 300 && t > 0) continue; // keep the run short
                        out.add(Arguments.of(m, n, k, (t & 1) != 0, (t & 2) != 0));
                    }
        // non-square shapes from convolution: (M × K) · (K × P)
        out.add(Arguments.of(30, 576, 25, false, false));
        out.add(Arguments.of(25, 576, 30, true, false));
        out.add(Arguments.of(30, 25, 576, false, true));
        out.add(Arguments.of(64, 1024, 576, false, false));
        out.add(Arguments.of(4, 4100, 3, false, false));
        // A·Bᵀ by dot products over k in chunks (m + n = 55: chunks of 2376), with a last partial chunk and a tail
        out.add(Arguments.of(30, 25, 5003, false, true));
        out.add(Arguments.of(13, 1, 20001, false, true));
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("shapes")
    void fastMatchesReference(int m, int n, int k, boolean ta, boolean tb) {
        SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
        float[] a = randomArray(rng, m * k + 3);
        float[] b = randomArray(rng, k * n + 5);
        int lda = ta ? m : k, ldb = tb ? k : n;
        for (float beta : new float[] {0f, 1f, 0.5f}) {
            float[] c0 = randomArray(rng, m * n + 2);
            float[] expected = c0.clone();
            float[] actual = c0.clone();
            float[] parallel = c0.clone();
            Gemm.sgemmReference(ta, tb, m, n, k, a, 3, lda, b, 5, ldb, beta, expected, 2, n);
            Gemm.sgemm(ta, tb, m, n, k, a, 3, lda, b, 5, ldb, beta, actual, 2, n);
            Gemm.sgemmParallel(ta, tb, m, n, k, a, 3, lda, b, 5, ldb, beta, parallel, 2, n);
            // Float sums of k products differ by reordering: allow an error growing with k.
            double tol = 1e-6 * (k + 8);
            Tensors.assertClose(expected, actual, tol, tol, "sgemm beta=" + beta);
            Tensors.assertClose(expected, parallel, tol, tol, "sgemmParallel beta=" + beta);
            assertEquals(c0[0], actual[0], "element before C's offset must be untouched");
            assertEquals(c0[1], actual[1], "element before C's offset must be untouched");
        }
    }

    @Test
    void handComputed() {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] a = {1, 2, 3, 4, 5, 6}, b = {7, 8, 9, 10, 11, 12}, c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        assertEquals(List.of(58f, 64f, 139f, 154f), List.of(c[0], c[1], c[2], c[3]));
        // Aᵀ·A with A stored 2x3: [17 22 27; 22 29 36; 27 36 45]
        float[] ata = new float[9];
        Gemm.sgemm(true, false, 3, 3, 2, a, 0, 3, a, 0, 3, 0f, ata, 0, 3);
        assertEquals(17f, ata[0]);
        assertEquals(36f, ata[5]);
        assertEquals(45f, ata[8]);
    }

    @Test
    void betaZeroIgnoresGarbageInC() {
        float[] a = {1, 2}, b = {3, 4}, c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        Gemm.sgemm(false, false, 2, 2, 1, a, 0, 1, b, 0, 2, 0f, c, 0, 2);
        assertEquals(3f, c[0]);
        assertEquals(8f, c[3]);
    }

    @Test
    void kZeroScalesC() {
        float[] c = {1, 2, 3, 4};
        Gemm.sgemm(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertEquals(0.5f, c[0]);
        assertEquals(2f, c[3]);
    }

    @Test
    void parallelIsDeterministic() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] a = randomArray(rng, 200 * 300), b = randomArray(rng, 300 * 500);
        float[] c1 = new float[200 * 500], c2 = new float[200 * 500];
        Gemm.sgemmParallel(false, false, 200, 500, 300, a, 0, 300, b, 0, 500, 0f, c1, 0, 500);
        Gemm.sgemmParallel(false, false, 200, 500, 300, a, 0, 300, b, 0, 500, 0f, c2, 0, 500);
        assertTrue(java.util.Arrays.equals(c1, c2));
        float[] c3 = new float[200 * 500];
        Gemm.sgemm(false, false, 200, 500, 300, a, 0, 300, b, 0, 500, 0f, c3, 0, 500);
        assertTrue(java.util.Arrays.equals(c1, c3), "splitting C over threads must not change any sum");
    }

    /**
     * Column strips claimed dynamically by 1-3 threads (A packed once per thread, k over several blocks, every
     * transpose, beta 0 and 0.5) give exactly the serial result, whichever thread computed which strip.
     */
    @Test
    void stripsClaimedByAnyThreadGiveTheSerialResult() {
        SplittableRandom rng = new SplittableRandom(11);
        int m = 131, n = 1000, k = 600;
        float[] a = randomArray(rng, m * k + 1), b = randomArray(rng, k * n + 2);
        int before = Parallel.threads();
        try {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int lda = ta ? m : k, ldb = tb ? k : n;
                for (float beta : new float[] {0f, 0.5f}) {
                    float[] c0 = randomArray(rng, m * n);
                    float[] serial = c0.clone();
                    Gemm.sgemm(ta, tb, m, n, k, a, 1, lda, b, 2, ldb, beta, serial, 0, n);
                    for (int threads = 1; threads <= 3; threads++) {
                        Parallel.setThreads(threads);
                        float[] parallel = c0.clone();
                        Gemm.sgemmParallel(ta, tb, m, n, k, a, 1, lda, b, 2, ldb, beta, parallel, 0, n);
                        assertTrue(java.util.Arrays.equals(serial, parallel),
                                "threads=" + threads + " transA=" + ta + " transB=" + tb + " beta=" + beta);
                    }
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * A small C over a long k is split along k into slices claimed dynamically: close to the reference at 1-3
     * threads, the same bit for bit on every repeat at a given thread count, and correct when two application
     * threads multiply at once (the second runs serially on its own thread, with its own partial blocks).
     */
    @Test
    void splitAlongKIsDeterministicAndSafeFromTwoCallers() throws Exception {
        SplittableRandom rng = new SplittableRandom(21);
        int m = 20, n = 30, k = 3000;
        float[] a = randomArray(rng, m * k), b = randomArray(rng, n * k);
        float[] expected = new float[m * n];
        Gemm.sgemmReference(false, true, m, n, k, a, 0, k, b, 0, k, 0f, expected, 0, n);
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                float[] first = new float[m * n];
                Gemm.sgemmParallel(false, true, m, n, k, a, 0, k, b, 0, k, 0f, first, 0, n);
                Tensors.assertClose(expected, first, 1e-6 * k, 1e-6 * k, "threads=" + threads);
                for (int run = 0; run < 3; run++) {
                    float[] again = new float[m * n];
                    Gemm.sgemmParallel(false, true, m, n, k, a, 0, k, b, 0, k, 0f, again, 0, n);
                    assertTrue(java.util.Arrays.equals(first, again), "repeat at threads=" + threads);
                }
            }
            Parallel.setThreads(2);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
                for (int caller = 0; caller < 2; caller++) {
                    results.add(pool.submit(() -> {
                        int wrong = 0;
                        for (int run = 0; run < 100; run++) {
                            float[] c = new float[m * n];
                            Gemm.sgemmParallel(false, true, m, n, k, a, 0, k, b, 0, k, 0f, c, 0, n);
                            for (int i = 0; i < c.length; i++) {
                                if (Math.abs(c[i] - expected[i]) > 1e-6 * k * (1 + Math.abs(expected[i]))) {
                                    wrong++;
                                    break;
                                }
                            }
                        }
                        return wrong;
                    }));
                }
                for (java.util.concurrent.Future<Integer> r : results) assertEquals(0, r.get(), "wrong results from a concurrent caller");
            } finally {
                pool.shutdown();
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * A packed once and multiplied by column ranges of B (as Linear's backward strips do) gives exactly sgemm's floats
     * with B as stored (several blocks of k, partial MR panels, strips of awkward widths, C inside a larger matrix),
     * and the reference's floats within rounding with B transposed. The reference implementation's "packing" is
     * checked the same way against its own sgemm.
     */
    @Test
    void packedAGivesTheFloatsOfSgemm() {
        SplittableRandom rng = new SplittableRandom(21);
        GemmKernel[] kernels = {VectorSupport.GEMM, new GemmReference()};
        for (GemmKernel kernel : kernels) {
            for (int[] shape : new int[][] {{100, 300, 100}, {7, 45, 600}, {13, 33, 1}, {1, 17, 257}}) {
                int m = shape[0], n = shape[1], k = shape[2];
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        int lda = ta ? m : k, ldb = tb ? k : n, ldc = n + 3;
                        float[] a = randomArray(rng, m * k + 2), b = randomArray(rng, k * n + 1);
                        float[] packed = new float[kernel.packedASize(m, k)];
                        kernel.packWholeA(ta, m, k, a, 2, lda, packed);
                        for (float beta : new float[] {0f, 0.5f}) {
                            float[] c0 = randomArray(rng, m * ldc + 1);
                            float[] whole = c0.clone(), strips = c0.clone(), reference = c0.clone();
                            kernel.sgemm(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, beta, whole, 1, ldc);
                            Gemm.sgemmReference(ta, tb, m, n, k, a, 2, lda, b, 1, ldb, beta, reference, 1, ldc);
                            for (int j0 = 0, width = 5; j0 < n; j0 += width, width = width * 2 + 1) {
                                int cols = Math.min(width, n - j0);
                                kernel.sgemmPackedA(packed, m, k, tb, cols, b, tb ? 1 + j0 * ldb : 1 + j0, ldb, beta,
                                        strips, 1 + j0, ldc);
                            }
                            String what = kernel.getClass().getSimpleName() + " m=" + m + " n=" + n + " k=" + k
                                    + " transA=" + ta + " transB=" + tb + " beta=" + beta;
                            if (!tb) assertTrue(java.util.Arrays.equals(whole, strips), what);
                            double tol = 1e-6 * (k + 8);
                            Tensors.assertClose(reference, strips, tol, tol, what);
                            for (int i = 0; i < m; i++) {
                                for (int j = n; j < ldc; j++) assertEquals(c0[1 + i * ldc + j], strips[1 + i * ldc + j], what + " outside C");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void packedAChecksItsArrays() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Gemm.packA(false, 3, 5, new float[15], 0, 5, new float[Gemm.packedASize(3, 5) - 1]));
        assertTrue(e.getMessage().contains("packed 3x5 A needs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                Gemm.packA(true, 3, 5, new float[14], 0, 3, new float[Gemm.packedASize(3, 5)]));
        assertTrue(e.getMessage().contains("A (stored transposed) is 5x3"), e.getMessage());
        float[] packed = new float[Gemm.packedASize(3, 5)];
        e = assertThrows(IllegalArgumentException.class, () ->
                Gemm.sgemmPacked(packed, 3, 5, false, 4, new float[19], 0, 4, 0f, new float[12], 0, 4));
        assertTrue(e.getMessage().contains("B is 5x4"), e.getMessage());
    }

    @Test
    void rejectsArraysTooSmall() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Gemm.sgemm(false, false, 3, 4, 5, new float[14], 0, 5, new float[20], 0, 4, 0f, new float[12], 0, 4));
        assertTrue(e.getMessage().contains("A is 3x5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                Gemm.sgemm(false, false, 3, 4, 5, new float[15], 0, 4, new float[20], 0, 4, 0f, new float[12], 0, 4));
        assertTrue(e.getMessage().contains("row stride is 4 < 5"), e.getMessage());
    }

    @Test
    void implementationIsReported() {
        assertTrue(Gemm.implementation().contains("Vector API") || Gemm.implementation().contains("scalar"));
    }

    /**
     * The products on B panels one vector wide (tiles of 8 rows, two A panels): rows in whole and partial tiles (a
     * last single A panel read twice, its copy not stored), one partial, one whole and several panels of columns,
     * the three kinds of beta, C inside a larger matrix whose other cells must keep their values. Small integers, so
     * every sum is exact and must equal the reference bit for bit.
     */
    @ParameterizedTest(name = "m={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 4, 5, 8, 12, 19, 37})
    void narrowPanelsMatchReference(int m) {
        int lanes = GemmPanama.LANES, mr = GemmPanama.MR, k = 37;
        SplittableRandom rng = new SplittableRandom(m);
        for (int n : new int[] {1, lanes - 3, lanes, 2 * lanes + 3}) {
            float[] a = new float[m * k], b = new float[k * n];
            for (int i = 0; i < a.length; i++) a[i] = rng.nextInt(-4, 5);
            for (int i = 0; i < b.length; i++) b[i] = rng.nextInt(-4, 5);
            float[] packA = new float[(m + mr - 1) / mr * mr * k];
            GemmPanama.packA(false, a, 0, k, 0, 0, m, k, packA);
            // A also in panels one vector tall: row i at depth p in panel i / lanes, at p·lanes + i % lanes
            float[] tallA = new float[(m + lanes - 1) / lanes * lanes * k];
            for (int i = 0; i < m; i++)
                for (int p = 0; p < k; p++) tallA[(i / lanes) * lanes * k + p * lanes + i % lanes] = a[i * k + p];
            int panels = (n + lanes - 1) / lanes;
            float[] packB = new float[panels * lanes * k];
            for (int p = 0; p < k; p++)
                for (int j = 0; j < n; j++) packB[(j / lanes) * lanes * k + p * lanes + j % lanes] = b[p * n + j];
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                int ldc = n + 3;
                float[] c = new float[2 + m * ldc];
                for (int i = 0; i < c.length; i++) c[i] = rng.nextInt(-4, 5);
                float[] expected = c.clone();
                Gemm.sgemmReference(false, false, m, n, k, a, 0, k, b, 0, n, beta, expected, 2, ldc);
                float[] tall = c.clone();
                GemmPanama.macroKernelNarrow(m, n, k, packA, 0, mr, packB, 0, beta, c, 2, ldc, new float[2 * mr * lanes]);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, c, "m=" + m + " n=" + n + " beta=" + beta);
                GemmPanama.macroKernelNarrow(m, n, k, tallA, 0, lanes, packB, 0, beta, tall, 2, ldc, new float[2 * mr * lanes]);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, tall, "A panels " + lanes + " tall, m=" + m + " n=" + n + " beta=" + beta);
            }
        }
    }

    /**
     * The products with A in panels one vector tall and B in the usual NR-wide panels (8-row tiles, two quarters of an
     * A panel each): partial row tiles and panels, several of each, the three kinds of beta; exact on small integers.
     */
    @ParameterizedTest(name = "m={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 5, 8, 12, 19, 37})
    void tallPanelsMatchReference(int m) {
        org.junit.jupiter.api.Assumptions.assumeTrue(GemmPanama.WIDE_TILES, "8-row tiles need 32 vector registers");
        int lanes = GemmPanama.LANES, nr = GemmPanama.NR, k = 29;
        SplittableRandom rng = new SplittableRandom(100 + m);
        for (int n : new int[] {1, nr - 3, nr, 2 * nr + 3}) {
            float[] a = new float[m * k], b = new float[k * n];
            for (int i = 0; i < a.length; i++) a[i] = rng.nextInt(-4, 5);
            for (int i = 0; i < b.length; i++) b[i] = rng.nextInt(-4, 5);
            float[] tallA = new float[(m + lanes - 1) / lanes * lanes * k];
            for (int i = 0; i < m; i++)
                for (int p = 0; p < k; p++) tallA[(i / lanes) * lanes * k + p * lanes + i % lanes] = a[i * k + p];
            float[] packB = new float[(n + nr - 1) / nr * nr * k];
            GemmPanama.packB(false, b, 0, n, 0, 0, k, n, packB);
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                int ldc = n + 3;
                float[] c = new float[2 + m * ldc];
                for (int i = 0; i < c.length; i++) c[i] = rng.nextInt(-4, 5);
                float[] expected = c.clone();
                Gemm.sgemmReference(false, false, m, n, k, a, 0, k, b, 0, n, beta, expected, 2, ldc);
                GemmPanama.macroKernelTallA(m, n, k, tallA, 0, lanes, packB, 0, beta, c, 2, ldc);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, c, "m=" + m + " n=" + n + " beta=" + beta);
            }
        }
    }

    /**
     * The packed macro-kernel on every kind of tile: whole 8-row and 4-row tiles, a last partial row tile, whole NR-wide
     * panels, a last panel of at most one vector's columns (8-row tiles of one vector on its first half, where there
     * are 32 registers) and a wider partial one; with the convolution's bias on each row and the three kinds of beta.
     * Small integers, so every sum is exact and must equal the reference bit for bit; C's cells around the block keep
     * their values.
     */
    @ParameterizedTest(name = "m={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {3, 8, 12, 21})
    void macroKernelEdgesMatchReference(int m) {
        int lanes = GemmPanama.LANES, nr = GemmPanama.NR, mr = GemmPanama.MR, k = 33;
        SplittableRandom rng = new SplittableRandom(200 + m);
        for (int n : new int[] {1, 5, lanes, nr + 4, nr + lanes, nr + lanes + 1, 2 * nr}) {
            float[] a = new float[m * k], b = new float[k * n], bias = new float[m];
            for (int i = 0; i < a.length; i++) a[i] = rng.nextInt(-4, 5);
            for (int i = 0; i < b.length; i++) b[i] = rng.nextInt(-4, 5);
            for (int i = 0; i < m; i++) bias[i] = rng.nextInt(-4, 5);
            float[] packA = new float[(m + mr - 1) / mr * mr * k], packB = new float[(n + nr - 1) / nr * nr * k];
            GemmPanama.packA(false, a, 0, k, 0, 0, m, k, packA);
            GemmPanama.packB(false, b, 0, n, 0, 0, k, n, packB);
            for (float beta : new float[] {0f, 1f, 0.5f}) {
                for (boolean withBias : new boolean[] {false, true}) {
                    int ldc = n + 3;
                    float[] c = new float[2 + m * ldc + 1];
                    for (int i = 0; i < c.length; i++) c[i] = rng.nextInt(-4, 5);
                    float[] expected = c.clone();
                    Gemm.sgemmReference(false, false, m, n, k, a, 0, k, b, 0, n, beta, expected, 2, ldc);
                    if (withBias) {
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++) expected[2 + i * ldc + j] += bias[i];
                    }
                    GemmPanama.macroKernel(m, n, k, packA, 0, packB, beta, c, 2, ldc, new float[mr * nr],
                            withBias ? bias : null, 0);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, c,
                            "m=" + m + " n=" + n + " beta=" + beta + (withBias ? ", bias" : ""));
                }
            }
        }
    }

    static float[] randomArray(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
