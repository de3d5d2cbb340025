package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool's two loops: fixed chunks (one per thread) and fixed parts claimed dynamically. */
class ParallelTest {
    private final int before = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(before);
    }

    @Test
    void forRangeCoversEveryIndexOnceInChunksFixedByTheThreadCount() {
        Parallel.setThreads(3);
        AtomicIntegerArray seen = new AtomicIntegerArray(100);
        int[][] chunks = new int[3][];
        Parallel.forRange(100, (start, end, chunk) -> {
            chunks[chunk] = new int[] {start, end};
            for (int i = start; i < end; i++) seen.incrementAndGet(i);
        });
        for (int i = 0; i < 100; i++) assertEquals(1, seen.get(i), "index " + i);
        assertEquals(0, chunks[0][0]);
        assertEquals(Parallel.chunkStart(100, 3, 1), chunks[0][1]);
        assertEquals(100, chunks[2][1]);
    }

    @Test
    void forPartsCoversEveryIndexOnceInPartsFixedByTheThreadCount() {
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            int n = 101, parts = Parallel.parts(n);
            assertEquals(threads == 1 ? 1 : 4 * threads, parts, "parts at " + threads + " threads");
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            int[][] bounds = new int[parts][];
            int t = threads;
            Parallel.forParts(n, (start, end, part, worker) -> {
                assertTrue(worker >= 0 && worker < t, "worker " + worker);
                bounds[part] = new int[] {start, end};
                for (int i = start; i < end; i++) seen.incrementAndGet(i);
            });
            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "index " + i + " at " + threads + " threads");
            for (int p = 0; p < parts; p++) {
                assertEquals(Parallel.partStart(n, parts, p), bounds[p][0], "start of part " + p);
                assertEquals(Parallel.partStart(n, parts, p + 1), bounds[p][1], "end of part " + p);
            }
        }
    }

    /**
     * The parts start at 0, end at n, are never empty and do not grow (by more than the one item of a rounding): the
     * last ones are the smallest, so the thread that runs out of parts first waits for little. 100 images in 8
     * parts: 23, 20, 17, 13, 12, 8, 5, 2.
     */
    @Test
    void partsShrinkTowardsTheEnd() {
        int[] expected = {0, 23, 43, 60, 73, 85, 93, 98, 100};
        for (int p = 0; p <= 8; p++) assertEquals(expected[p], Parallel.partStart(100, 8, p), "start of part " + p);
        for (int n : new int[] {1, 2, 3, 8, 9, 10, 13, 100, 101, 4096, 432_000}) {
            for (int parts : new int[] {1, 2, 3, 8, 12}) {
                if (parts > n) continue;
                assertEquals(0, Parallel.partStart(n, parts, 0));
                assertEquals(n, Parallel.partStart(n, parts, parts), n + " items in " + parts + " parts");
                int smallest = n;
                for (int p = 0; p < parts; p++) {
                    int size = Parallel.partStart(n, parts, p + 1) - Parallel.partStart(n, parts, p);
                    assertTrue(size >= 1 && size <= smallest + 1, "part " + p + " of " + n + " items in " + parts + ": " + size);
                    smallest = Math.min(smallest, size);
                }
            }
        }
    }

    @Test
    void fewerItemsThanPartsGiveOnePartEach() {
        Parallel.setThreads(2);
        assertEquals(3, Parallel.parts(3));
        AtomicIntegerArray seen = new AtomicIntegerArray(3);
        Parallel.forParts(3, (start, end, part, worker) -> {
            assertEquals(part, start);
            assertEquals(part + 1, end);
            seen.incrementAndGet(part);
        });
        for (int i = 0; i < 3; i++) assertEquals(1, seen.get(i));
        Parallel.forParts(0, (start, end, part, worker) -> {
            throw new AssertionError("no parts for no items");
        });
    }

    @Test
    void aFailingPartIsRethrownToTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forParts(40, (start, end, part, worker) -> {
            if (part == 5) throw boom;
        }));
        assertSame(boom, e);
    }

    @Test
    void nestedLoopsRunOnTheirCaller() {
        Parallel.setThreads(2);
        AtomicIntegerArray seen = new AtomicIntegerArray(8 * 10);
        Parallel.forParts(8, (start, end, part, worker) -> {
            for (int i = start; i < end; i++) {
                int row = i;
                Parallel.forParts(10, (s, e, p, w) -> {
                    for (int j = s; j < e; j++) seen.incrementAndGet(row * 10 + j);
                });
            }
        });
        for (int i = 0; i < 80; i++) assertEquals(1, seen.get(i), "cell " + i);
    }
}
