package jcnn.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jcnn.kernel.ConvGeometry;
import jcnn.kernel.Im2col;
import jcnn.nn.MaxPool2d;
import jcnn.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Max pooling 2×2 on SimpleConvNet's (100, 30, 24, 24) activations, and im2col/col2im of one 16-channel 28×28 image. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PoolBench {
    MaxPool2d pool;
    Tensor x, dy;
    ConvGeometry g;
    float[] image, col;

    @Setup
    public void setup() {
        pool = new MaxPool2d(2);
        x = Tensor.uniform(new SplittableRandom(1), -1, 1, 100, 30, 24, 24);
        dy = Tensor.uniform(new SplittableRandom(2), -1, 1, 100, 30, 12, 12);
        g = ConvGeometry.of(16, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        image = Tensor.uniform(new SplittableRandom(3), -1, 1, 16, 28, 28).data();
        col = new float[g.colRows() * g.colCols()];
    }

    @Benchmark
    public Tensor maxPoolForward() {
        return pool.forward(x, false);
    }

    @Benchmark
    public Tensor maxPoolForwardBackward() {
        pool.forward(x, true);
        return pool.backward(dy);
    }

    @Benchmark
    public float[] im2col() {
        Im2col.im2col(g, image, 0, col, 0);
        return col;
    }

    @Benchmark
    public float[] col2im() {
        Im2col.col2im(g, col, 0, image, 0);
        return image;
    }
}
