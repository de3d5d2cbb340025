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
        if (chunks == 1 || !BUSY.tryLock()) {
            runChunks(n, chunks, body, 0, chunks);
            return;
        }
        try {
            dispatch(n, chunks, body);
        } finally {
            BUSY.unlock();
        }
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
