package jcnn.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Times a piece of work the way a shared, noisy machine needs: warm up until the JIT has settled (the time per call
 * has stopped improving and the compiler has stopped working), then take several samples, each long enough to average out timer resolution, and report
 * the minimum, median and maximum time per operation. The median is the number to quote; min and max show the
 * noise.
 */
public final class Stopwatch {
    /** Seconds per operation: min, median, max over the samples. */
    public record Timing(double min, double median, double max, int samples, long opsPerSample) {
        public double perSecond() {
            return 1.0 / median;
        }
    }

    private final double warmupSeconds;
    private final double sampleSeconds;
    private final int samples;

    public Stopwatch(double warmupSeconds, double sampleSeconds, int samples) {
        this.warmupSeconds = warmupSeconds;
        this.sampleSeconds = sampleSeconds;
        this.samples = samples;
    }

    public Timing time(Runnable op) {
        double perCall = warmUp(op);
        long ops = Math.max(1, (long) Math.ceil(sampleSeconds / Math.max(perCall, 1e-9)));
        double[] t = new double[samples];
        for (int s = 0; s < samples; s++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < ops; i++) op.run();
            t[s] = (System.nanoTime() - t0) / 1e9 / ops;
        }
        Arrays.sort(t);
        return new Timing(t[0], t[samples / 2], t[samples - 1], samples, ops);
    }

    /**
     * Runs {@code op} in windows of at least half the warm-up time (and two calls) until two windows in a row are
     * each no more than 5% faster than the one before and the JVM's own threads were quiet during them — the JIT
     * finished no compilation and its threads, with the GC's, used under 5% of a core — after at least the warm-up
     * time, or until 20 times the warm-up time. The JIT compiles the Vector API kernels in the background for
     * seconds, on the same two cores: a fixed half-second warm-up measured a SimpleConvNet training step at 23-32 ms
     * that takes 14 ms once compiled, and with the time criterion alone a Winograd layer measured after a dozen other
     * layers was timed at 2-3x its speed while C2 was still compiling its transforms (each window alike, so it looked
     * settled). Counting finished compilations alone missed one long compilation: (8,128,28,28)->256's forward ran at
     * 80-90 ms per call for a second, then at 28-35, and was timed in the slow state. Returns the seconds per call of
     * the last window.
     */
    private double warmUp(Runnable op) {
        long start = System.nanoTime(), minEnd = start + (long) (warmupSeconds * 1e9), maxEnd = start + (long) (20 * warmupSeconds * 1e9);
        double previous = Double.MAX_VALUE, perCall;
        int settled = 0;
        while (true) {
            long compiledBefore = compilationMillis(), backgroundBefore = backgroundCpuNanos(), windowStart = System.nanoTime();
            perCall = window(op, warmupSeconds / 2);
            long background = backgroundCpuNanos() - backgroundBefore, wall = System.nanoTime() - windowStart;
            // the process's CPU time comes in clock ticks of 10 ms: hence the allowance on top of 5% of the window
            boolean jitIdle = compilationMillis() == compiledBefore && background < 0.05 * wall + 10_000_000;
            settled = perCall > 0.95 * previous && jitIdle ? settled + 1 : 0;
            long now = System.nanoTime();
            if (now >= maxEnd || (now >= minEnd && settled >= 2)) return perCall;
            previous = perCall;
        }
    }

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** Milliseconds the JIT has spent compiling so far, or 0 where the JVM does not say (then only time counts). */
    private static long compilationMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * CPU time of this process spent outside its application threads: the JIT's compiler threads and the GC, which
     * the thread bean does not list. 0 where the JVM cannot tell (then only the compilation count counts).
     */
    private static long backgroundCpuNanos() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
                || !THREADS.isThreadCpuTimeSupported() || !THREADS.isThreadCpuTimeEnabled()) {
            return 0;
        }
        long process = os.getProcessCpuTime(), threads = 0;
        for (long id : THREADS.getAllThreadIds()) threads += Math.max(THREADS.getThreadCpuTime(id), 0);
        return process < 0 ? 0 : process - threads;
    }

    /** Seconds per call of {@code op} over a window of at least {@code seconds} and two calls. */
    private static double window(Runnable op, double seconds) {
        long start = System.nanoTime(), deadline = start + (long) (seconds * 1e9);
        long calls = 0;
        do {
            op.run();
            calls++;
        } while (System.nanoTime() < deadline || calls < 2);
        return (System.nanoTime() - start) / 1e9 / calls;
    }
}
