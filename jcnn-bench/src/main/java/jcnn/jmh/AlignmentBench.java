package jcnn.jmh;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
 * What a vector load or store that straddles two cache lines costs, in the shape of a Winograd transform's pass
 * (six 512-bit loads, six 512-bit stores, a few additions), over arrays that fit L1 or L2. The JVM is started with
 * {@code -XX:ObjectAlignmentInBytes=64}, so that every array starts on a 64-byte boundary and its floats 16 bytes after
 * it (the array header): at {@code offset} 12 each vector fills one cache line, at 0, 4 or 8 each spans two. Without
 * that flag an array starts wherever the allocator put it (8-byte steps), and so do jcnn's buffers today.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
public class AlignmentBench {
    private static final VectorSpecies<Float> W = FloatVector.SPECIES_512;

    /** Floats per array: 6,144 (two arrays fill L1's 48 KB), 98,304 (L2). */
    @Param({"6144", "98304"})
    int floats;

    /** Floats from the array's start to the first vector. */
    @Param({"0", "4", "8", "12"})
    int offset;

    float[] a, b;

    @Setup
    public void setup() {
        a = new float[floats + 64];
        b = new float[floats + 64];
        for (int i = 0; i < a.length; i++) a[i] = i;
    }

    /** One pass over the arrays (floats / 16 vectors loaded and as many stored). */
    @Benchmark
    public float[] pass() {
        float[] a = this.a, b = this.b;
        for (int i = offset, end = offset + floats; i + 96 <= end; i += 96) {
            FloatVector d0 = FloatVector.fromArray(W, a, i), d1 = FloatVector.fromArray(W, a, i + 16);
            FloatVector d2 = FloatVector.fromArray(W, a, i + 32), d3 = FloatVector.fromArray(W, a, i + 48);
            FloatVector d4 = FloatVector.fromArray(W, a, i + 64), d5 = FloatVector.fromArray(W, a, i + 80);
            d0.add(d1).intoArray(b, i);
            d1.sub(d2).intoArray(b, i + 16);
            d2.add(d3).intoArray(b, i + 32);
            d3.sub(d4).intoArray(b, i + 48);
            d4.add(d5).intoArray(b, i + 64);
            d5.sub(d0).intoArray(b, i + 80);
        }
        return b;
    }
}
