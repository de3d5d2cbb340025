package jcnn.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jcnn.kernel.Gemm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * GEMM, single-threaded, on square and convolution-shaped sizes ("M×K×N" as in the performance issue), each with
 * the transposes the convolution's backward uses. Divide 2·M·N·K by the time for GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djcnn.threads=1"})
public class GemmBench {
    /** M×K×N, then the transposes: "nn" C=A·B, "nt" C=A·Bᵀ, "tn" C=Aᵀ·B. */
    @Param({"256x256x256:nn", "512x512x512:nn", "1024x1024x1024:nn",
            "30x25x57600:nn", "30x57600x25:nt", "25x30x57600:tn",
            "64x576x1024:nn", "64x1024x576:nt", "576x64x1024:tn",
            "128x1152x3136:nn"})
    public String shape;

    int m, n, k;
    boolean ta, tb;
    float[] a, b, c;

    @Setup
    public void setup() {
        String[] parts = shape.split(":");
        String[] d = parts[0].split("x");
        m = Integer.parseInt(d[0]);
        k = Integer.parseInt(d[1]);
        n = Integer.parseInt(d[2]);
        ta = parts[1].charAt(0) == 't';
        tb = parts[1].charAt(1) == 't';
        SplittableRandom r = new SplittableRandom(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble();
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
        return c;
    }
}
