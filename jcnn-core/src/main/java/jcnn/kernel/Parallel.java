package jcnn.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
        return parts(n, 4);
    }

    /** The number of parts {@link #forParts(int, int, PartBody)} splits {@code n} items into. */
    public static int parts(int n, int perThread) {
        int t = threads;
        return t == 1 ? 1 : Math.max(1, Math.min(n, perThread * t));
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into {@link #parts(int)} contiguous parts of decreasing size
     * ({@link #partStart}), which the threads claim as they go, and returns when all are done.
     *
     * <p>Unlike {@link #forRange}'s one chunk per thread, a thread slowed down by something else on the machine
     * (on a shared 2-vCPU VM one thread was measured running 1.6× slower than the other for seconds at a time), or
     * woken late (a parked worker starts tens of microseconds after the caller), simply takes fewer parts. The
     * parts' boundaries depend only on n and the thread count, so per-part partial sums, added in part order, are
     * still deterministic; only which thread runs a part varies. How the parts are claimed is {@link PartLoop}'s.
     */
    public static void forParts(int n, PartBody body) {
        forParts(n, 4, body);
    }

    /**
     * {@link #forParts(int, PartBody)} with up to {@code perThread} parts per thread instead of four: more, smaller
     * parts end the loop more evenly, for bodies whose parts cost nothing more than their items (no per-part
     * partial sums, no per-part packing).
     */
    public static void forParts(int n, int perThread, PartBody body) {
        if (perThread < 1) throw new IllegalArgumentException("perThread must be >= 1, got " + perThread);
        if (n <= 0) return;
        int parts = parts(n, perThread);
        if (parts == 1) {
            body.run(0, n, 0, 0);
            return;
        }
        // as in forRange: a nested call, or one made while another thread's loop runs, runs serially
        if (BUSY.isHeldByCurrentThread() || !BUSY.tryLock()) {
            for (int p = 0; p < parts; p++) body.run(partStart(n, parts, p), partStart(n, parts, p + 1), p, 0);
            return;
        }
        try {
            new PartLoop(n, parts, body).run();
        } finally {
            BUSY.unlock();
        }
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
        Job job = new Job(Thread.currentThread(), chunks - 1, n, chunks, body);
        for (int c = 1; c < chunks; c++) workers[c - 1].submit(job);
        Throwable callerFailure = null;
        try {
            body.run(0, chunkStart(n, chunks, 1), 0);
        } catch (Throwable t) {
            callerFailure = t;
        }
        while (job.pending.get() > 0) {
            LockSupport.park(job);
        }
        rethrow(callerFailure != null ? callerFailure : job.failure);
    }

    private static void rethrow(Throwable failure) {
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

    /** What a worker is handed: its share of one loop, run as thread number {@code worker} (1, 2, ...). */
    private interface Task {
        void runAs(int worker);
    }

    /** A {@link #forRange} loop: worker i runs chunk i, and the caller waits for every chunk. */
    private static final class Job implements Task {
        final Thread caller;
        final AtomicInteger pending;
        final int n, chunks;
        final RangeBody body;
        volatile Throwable failure;

        Job(Thread caller, int pending, int n, int chunks, RangeBody body) {
            this.caller = caller;
            this.pending = new AtomicInteger(pending);
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        @Override
        public void runAs(int worker) {
            try {
                body.run(chunkStart(n, chunks, worker), chunkStart(n, chunks, worker + 1), worker);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
            }
        }
    }

    /**
     * A {@link #forParts} loop. The caller claims parts from the front, largest first. A worker claims a part where
     * it expects to finish it before the caller runs out of work, or where the caller's wait for it would cost less
     * than running it after its own ({@link #workerPart}, with the rest of the caller's current part estimated from
     * its time per item so far), else stops.
     *
     * <p>Why: when the caller runs out of parts first it parks, and on a VM a parked thread wakes up tens of
     * microseconds after it is unparked (measured here: 21-25 µs). With parts simply claimed in order, SimpleConvNet's
     * convolution forward and Linear backward at two threads ended that way 96-98% of the time: the worker, which
     * starts ~20 µs late, was still in its last part when the caller finished, and each of these loops took about
     * one such wake-up longer than its work. Here the caller normally runs the last part itself.
     *
     * <p>The caller waits for the parts, not for the workers: a worker woken after every part was claimed finds
     * nothing to do and is not waited for.
     */
    private static final class PartLoop implements Task {
        private final int n, parts;
        private final PartBody body;
        private final Thread caller = Thread.currentThread();
        private final long start = System.nanoTime();
        /** The unclaimed parts [front, back): front in the low 32 bits, back in the high 32. */
        private final AtomicLong unclaimed;
        /** The parts not finished yet, claimed or not; the caller returns when none is left. */
        private final AtomicInteger unfinished;
        private volatile Throwable failure;
        /** The caller's progress, for the workers' estimate: its current part (0 items: none), its time per item. */
        private volatile long callerPartStart, callerNanosPerItem;
        private volatile int callerPartItems;
        /** When the part that finished the loop ended, for the estimate of how long the caller takes to wake. */
        private volatile long lastPartEnd;

        PartLoop(int n, int parts, PartBody body) {
            this.n = n;
            this.parts = parts;
            this.body = body;
            this.unclaimed = new AtomicLong((long) parts << 32);
            this.unfinished = new AtomicInteger(parts);
        }

        /** Runs the loop on the calling thread with the workers' help; returns when every part is done. */
        void run() {
            int helpers = Math.min(threads, parts) - 1;
            ensureWorkers(helpers);
            for (int w = 0; w < helpers; w++) workers[w].submit(this);
            int itemsDone = 0;
            for (int p = claimFront(); p >= 0; p = claimFront()) {
                int items = partStart(n, parts, p + 1) - partStart(n, parts, p);
                callerPartStart = System.nanoTime();
                callerPartItems = items;
                runPart(p, 0);
                itemsDone += items;
                callerNanosPerItem = Math.max(1, (System.nanoTime() - start) / itemsDone);
            }
            callerPartItems = 0;
            if (unfinished.get() > 0) {
                do {
                    LockSupport.park(this);
                } while (unfinished.get() > 0);
                long waited = System.nanoTime() - lastPartEnd;
                if (waited > 0) wakeNanos = (7 * wakeNanos + waited) / 8;
            }
            rethrow(failure);
        }

        @Override
        public void runAs(int worker) {
            for (int p = claimForWorker(); p >= 0; p = claimForWorker()) runPart(p, worker);
        }

        private int claimFront() {
            while (true) {
                long u = unclaimed.get();
                int front = (int) u, back = (int) (u >>> 32);
                if (front >= back) return -1;
                if (unclaimed.compareAndSet(u, u + 1)) return front;
            }
        }

        private int claimForWorker() {
            while (true) {
                long u = unclaimed.get();
                int front = (int) u, back = (int) (u >>> 32);
                long perItem = callerNanosPerItem;
                long wakeItems = perItem == 0 ? Long.MAX_VALUE : wakeNanos / perItem;
                int p = workerPart(n, parts, front, back, callerItemsLeft(), wakeItems);
                if (p < 0) return -1;
                if (unclaimed.compareAndSet(u, p == front ? u + 1 : u - (1L << 32))) return p;
            }
        }

        /** The items of its current part the caller has yet to process, estimated; 0 where unknown. */
        private long callerItemsLeft() {
            int items = callerPartItems;
            long perItem = callerNanosPerItem;
            if (items == 0 || perItem == 0) return 0;
            return Math.max(0, items - (System.nanoTime() - callerPartStart) / perItem);
        }

        private void runPart(int p, int worker) {
            int finished = 1;
            try {
                body.run(partStart(n, parts, p), partStart(n, parts, p + 1), p, worker);
            } catch (Throwable t) {
                if (failure == null) failure = t;
                // nobody starts another part: the unclaimed ones count as finished
                long u = unclaimed.getAndSet(0);
                finished += Math.max(0, (int) (u >>> 32) - (int) u);
            } finally {
                if (unfinished.addAndGet(-finished) == 0 && Thread.currentThread() != caller) {
                    lastPartEnd = System.nanoTime();
                    LockSupport.unpark(caller);
                }
            }
        }
    }

    /**
     * The part of {@link #forParts} a worker claims when parts [front, back) of n items in {@code parts} are unclaimed
     * and the caller has about {@code callerLeft} items of its current part to go; -1 for none. A part qualifies when
     * the caller would be left at least as many items as the part has (its current part's rest and every other
     * unclaimed part): at equal speeds the worker then finishes first. The front part (the largest) if it qualifies,
     * else the back one (the smallest). Else the front part all the same where the caller's items left take longer
     * than it takes a parked thread to wake ({@code wakeItems}, in items of the caller's time): then the caller, which
     * will park for the worker's last part, waits less than it would take to run that part itself after its own.
     * Else none.
     */
    static int workerPart(int n, int parts, int front, int back, long callerLeft, long wakeItems) {
        if (front >= back) return -1;
        int first = partStart(n, parts, front), second = partStart(n, parts, front + 1);
        int last = partStart(n, parts, back - 1), end = partStart(n, parts, back);
        long leftWithoutFront = end - second + callerLeft;
        if (second - first <= leftWithoutFront) return front;
        if (back - 1 > front && end - last <= last - first + callerLeft) return back - 1;
        if (leftWithoutFront > wakeItems) return front;
        return -1;
    }

    /**
     * How long a parked forParts caller takes to resume after the worker's last part ends, averaged over the loops
     * where it had to wait (on this VM 21-25 µs; the first estimate until measured).
     */
    private static volatile long wakeNanos = 25_000;

    private static final class Worker extends Thread {
        private final int index;
        /**
         * The task handed over and not yet taken. A forParts caller may return (its parts all done) before this
         * worker even woke up for it, and hand it the next task, which then replaces the old one; a forRange caller
         * waits for its task to be run, so a task it hands over is never replaced.
         */
        private final AtomicReference<Task> task = new AtomicReference<>();

        Worker(int index) {
            super("jcnn-worker-" + index);
            this.index = index;
            setDaemon(true);
        }

        void submit(Task t) {
            task.set(t);
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                Task t = task.getAndSet(null);
                if (t == null) {
                    LockSupport.park(this);
                } else {
                    t.runAs(index);
                }
            }
        }
    }
}
