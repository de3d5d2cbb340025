package jcnn.bench;

import java.util.Arrays;

/**
 * Times a piece of work the way a shared, noisy machine needs: warm up until the JIT has settled, then take
 * several samples, each long enough to average out timer resolution, and report the minimum, median and
 * maximum time per operation. The median is the number to quote; min and max show the noise.
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
        long deadline = System.nanoTime() + (long) (warmupSeconds * 1e9);
        long calls = 0;
        long start = System.nanoTime();
        do {
            op.run();
            calls++;
        } while (System.nanoTime() < deadline || calls < 2);
        double perCall = (System.nanoTime() - start) / 1e9 / calls;
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
}
