package jcnn.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread pool every parallel kernel runs on: {@code threads - 1} daemon workers plus the calling thread.
 *
 * <p>Work is split into at most {@link #threads()} contiguous chunks, chunk 0 on the caller and chunk i on
 * worker i - 1, so the split (and therefore every floating-point summation order) depends only on the thread
 * count: results are deterministic for a given number of threads. Idle workers <em>park</em>; they never spin,
 * because on a 2-core machine a spinning pool starves whatever else runs (measured: PyTorch with two spinning
 * OpenMP threads trained 4× slower than with one).
 *
 * <p>A call made while the pool is busy (from inside a parallel region, or from a second application thread)
 * runs serially on its caller instead of waiting, so nested use cannot deadlock.
 *
 * <p>The thread count comes from the system property {@code jcnn.threads}, else the number of processors, and
 * can be changed with {@link #setThreads}.
 */
public final class Parallel {

    /** The body of a parallel loop: processes indices {@code [start, end)} as chunk number {@code chunk}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end, int chunk);
    }

    /**
     * The body of {@link #forParts}: processes indices {@code [start, end)}, which are part number {@code part}, on
     * thread number {@code worker} (0 = the caller; for per-thread buffers).
     */
    @FunctionalInterface
    public interface PartBody {
        void run(int start, int end, int part, int worker);
    }

    private static final ReentrantLock BUSY = new ReentrantLock();
    private static volatile int threads = initialThreads();
    private static Worker[] workers = new Worker[0];

    private Parallel() {}

    private static int initialThreads() {
        String p = System.getProperty("jcnn.threads");
        if (p != null && !p.isBlank()) {
            try {
                int t = Integer.parseInt(p.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the processor count; the CLI validates its own --threads option
            }
            System.err.println("jcnn: ignoring -Djcnn.threads=" + p + " (not a positive integer)");
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The number of threads parallel kernels use (the caller included). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads parallel kernels use (the caller included), at least 1. */
    public static void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        BUSY.lock();
        try {
            threads = n;
        } finally {
            BUSY.unlock();
        }
    }

    /** The number of chunks {@link #forRange} splits {@code n} items into: min(threads, n), at least 1. */
    public static int chunks(int n) {
        return Math.max(1, Math.min(threads, n));
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into {@link #chunks(int)} contiguous chunks of near-equal size,
     * in parallel, and returns when all are done. An exception thrown by any chunk is rethrown here.
     */
    public static void forRange(int n, RangeBody body) {
        int chunks = chunks(n);
        if (n <= 0) return;
        // the lock is reentrant: a nested call from the thread that holds it must not dispatch again (its workers
        // are busy with the outer loop), so it too runs serially
        if (chunks == 1 || BUSY.isHeldByCurrentThread() || !BUSY.tryLock()) {
            runChunks(n, chunks, body, 0, chunks);
            return;
        }
        try {
            dispatch(n, chunks, body);
        } finally {
            BUSY.unlock();
        }
    }

    /**
     * The number of parts {@link #forParts} splits {@code n} items into: 1 on one thread, else up to four per
     * thread — fixed by n and the thread count alone.
     */
    public static int parts(int n) {
        int t = threads;
        return t == 1 ? 1 : Math.max(1, Math.min(n, 4 * t));
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into {@link #parts(int)} contiguous parts of decreasing size
     * ({@link #partStart}), which the threads claim one after the other until none is left, and returns when all are
     * done.
     *
     * <p>Unlike {@link #forRange}'s one chunk per thread, a thread slowed down by something else on the machine
     * (on a shared 2-vCPU VM one thread was measured running 1.6× slower than the other for seconds at a time), or
     * woken late (a parked worker starts tens of microseconds after the caller), simply takes fewer parts. The
     * parts' boundaries depend only on n and the thread count, so per-part partial sums, added in part order, are
     * still deterministic; only which thread runs a part varies.
     */
    public static void forParts(int n, PartBody body) {
        if (n <= 0) return;
        int parts = parts(n);
        if (parts == 1) {
            body.run(0, n, 0, 0);
            return;
        }
        AtomicInteger next = new AtomicInteger();
        forRange(threads, (t0, t1, worker) -> {
            for (int part = next.getAndIncrement(); part < parts; part = next.getAndIncrement()) {
                body.run(partStart(n, parts, part), partStart(n, parts, part + 1), part, worker);
            }
        });
    }

    /**
     * The start of part {@code p} of {@link #forParts}: n items in {@code parts} parts (parts ≤ n) of one item each
     * plus shares of the other n - parts that decrease linearly, as 2·parts - 1, 2·parts - 3, ..., 3, 1. The thread
     * that runs out of parts first waits for the other to finish its last one, so the last parts are the small ones:
     * with 8 equal parts of a batch of 100 the caller waited 85-96 µs (medians) per convolution at two threads, half
     * a part; here the last part is one or two images. Every part has at least one item, and none has more than one
     * item more than a part before it (the shares are rounded).
     */
    public static int partStart(int n, int parts, int p) {
        long share = (long) (n - parts) * p * (2L * parts - p), whole = (long) parts * parts;
        // rounded up: the first part gets the extra item where the shares do not come out even
        return p + (int) ((share + whole - 1) / whole);
    }

    /** The start of chunk {@code c} when {@code n} items are split into {@code chunks} chunks. */
    public static int chunkStart(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    private static void runChunks(int n, int chunks, RangeBody body, int from, int to) {
        for (int c = from; c < to; c++) body.run(chunkStart(n, chunks, c), chunkStart(n, chunks, c + 1), c);
    }

    private static void dispatch(int n, int chunks, RangeBody body) {
        ensureWorkers(chunks - 1);
        Job job = new Job(Thread.currentThread(), chunks - 1);
        for (int c = 1; c < chunks; c++) {
            workers[c - 1].submit(job, body, n, chunks, c);
        }
        Throwable callerFailure = null;
        try {
            body.run(0, chunkStart(n, chunks, 1), 0);
        } catch (Throwable t) {
            callerFailure = t;
        }
        while (job.pending.get() > 0) {
            LockSupport.park(job);
        }
        Throwable failure = callerFailure != null ? callerFailure : job.failure;
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new RuntimeException(failure);
    }

    private static void ensureWorkers(int needed) {
        if (workers.length >= needed) return;
        Worker[] grown = java.util.Arrays.copyOf(workers, needed);
        for (int i = workers.length; i < needed; i++) {
            grown[i] = new Worker(i + 1);
            grown[i].start();
        }
        workers = grown;
    }

    private static final class Job {
        final Thread caller;
        final AtomicInteger pending;
        volatile Throwable failure;

        Job(Thread caller, int pending) {
            this.caller = caller;
            this.pending = new AtomicInteger(pending);
        }

        void done() {
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    private static final class Worker extends Thread {
        private volatile Job job;
        private RangeBody body;
        private int n;
        private int chunks;
        private int chunk;

        Worker(int index) {
            super("jcnn-worker-" + index);
            setDaemon(true);
        }

        void submit(Job job, RangeBody body, int n, int chunks, int chunk) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.chunk = chunk;
            this.job = job; // volatile write publishes the fields above
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Job j = job;
                if (j == null) {
                    LockSupport.park(this);
                    continue;
                }
                try {
                    body.run(chunkStart(n, chunks, chunk), chunkStart(n, chunks, chunk + 1), chunk);
                } catch (Throwable t) {
                    j.failure = t;
                } finally {
                    body = null;
                    job = null;
                    j.done();
                }
            }
        }
    }
}
