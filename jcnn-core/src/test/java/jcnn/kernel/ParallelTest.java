package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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

    @Test
    void morePartsPerThreadWhenAsked() {
        Parallel.setThreads(2);
        assertEquals(16, Parallel.parts(100, 8));
        assertEquals(5, Parallel.parts(5, 8));
        AtomicIntegerArray seen = new AtomicIntegerArray(100);
        int[] partsSeen = new int[16];
        Parallel.forParts(100, 8, (start, end, part, worker) -> {
            assertEquals(Parallel.partStart(100, 16, part), start, "start of part " + part);
            assertEquals(Parallel.partStart(100, 16, part + 1), end, "end of part " + part);
            partsSeen[part]++;
            for (int i = start; i < end; i++) seen.incrementAndGet(i);
        });
        for (int i = 0; i < 100; i++) assertEquals(1, seen.get(i), "index " + i);
        for (int p = 0; p < 16; p++) assertEquals(1, partsSeen[p], "part " + p);
        Parallel.setThreads(1);
        assertEquals(1, Parallel.parts(100, 8));
        assertThrows(IllegalArgumentException.class, () -> Parallel.forParts(10, 0, (start, end, part, worker) -> {}));
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

    /**
     * A worker takes a part only where the caller keeps at least as much work: 100 items in parts of 23, 20, 17, 13,
     * 12, 8, 5, 2.
     */
    @Test
    void aWorkerTakesOnlyPartsItCanFinishBeforeTheCaller() {
        assertEquals(1, Parallel.workerPart(100, 8, 1, 8, 0, Long.MAX_VALUE), "20 items, 57 left to the caller: the front part");
        assertEquals(4, Parallel.workerPart(100, 8, 4, 8, 0, Long.MAX_VALUE), "12 items, 15 left: the front");
        assertEquals(7, Parallel.workerPart(100, 8, 5, 8, 0, Long.MAX_VALUE), "8 items but 7 left: the back part's 2, 13 left");
        assertEquals(5, Parallel.workerPart(100, 8, 5, 8, 1, Long.MAX_VALUE), "8 items, 7 left plus 1 of the caller's part");
        assertEquals(7, Parallel.workerPart(100, 8, 6, 8, 0, Long.MAX_VALUE), "5 items, 2 left: the back part");
        assertEquals(-1, Parallel.workerPart(100, 8, 7, 8, 1, Long.MAX_VALUE), "the last part's 2 items, 1 left to the caller: none");
        assertEquals(7, Parallel.workerPart(100, 8, 7, 8, 2, Long.MAX_VALUE), "the last part, 2 left to the caller");
        assertEquals(-1, Parallel.workerPart(100, 8, 8, 8, 50, Long.MAX_VALUE), "nothing unclaimed");
        assertEquals(-1, Parallel.workerPart(100, 8, 3, 3, 50, Long.MAX_VALUE), "nothing unclaimed, taken from both ends");
        // where the caller has more than a wake-up's worth of items left, the front part even though it ends later
        assertEquals(7, Parallel.workerPart(100, 8, 7, 8, 1, 0), "the last part's 2 items, 1 left, waking costs less");
        assertEquals(-1, Parallel.workerPart(100, 8, 7, 8, 1, 1), "1 left, waking costs as much: none");
        assertEquals(6, Parallel.workerPart(100, 8, 6, 7, 3, 2), "5 items, 3 left, more than a wake-up's 2: the front");
        assertEquals(-1, Parallel.workerPart(100, 8, 6, 7, 3, 3), "5 items, 3 left, a wake-up's 3: none");
        assertEquals(6, Parallel.workerPart(100, 8, 5, 7, 0, 0), "8 items, 5 left: the back part's 5 before that rule");
    }

    /**
     * Many loops of both kinds back to back, with parts of random lengths (some so short that the caller finishes
     * alone and hands the worker the next loop before it woke up for the last): every index runs once per loop, and
     * none hangs.
     */
    @Test
    @Timeout(60)
    void loopsBackToBackLoseNoWork() {
        Parallel.setThreads(2);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int round = 0; round < 3000; round++) {
            int n = 1 + rng.nextInt(40), spin = rng.nextInt(3) == 0 ? 0 : rng.nextInt(20_000);
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            if (rng.nextBoolean()) {
                Parallel.forParts(n, (start, end, part, worker) -> {
                    for (int i = start; i < end; i++) seen.incrementAndGet(i);
                    busy(spin);
                });
            } else {
                Parallel.forRange(n, (start, end, chunk) -> {
                    for (int i = start; i < end; i++) seen.incrementAndGet(i);
                    busy(spin);
                });
            }
            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "round " + round + ", index " + i + " of " + n);
        }
    }

    private static volatile long sink;

    private static void busy(int iterations) {
        long x = 1;
        for (int i = 0; i < iterations; i++) x = x * 6364136223846793005L + 1442695040888963407L;
        sink = x;
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
