package jcnn.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jcnn.nn.Conv2d;
import jcnn.tensor.Tensor;
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

/** Conv2d forward and forward+backward on the shapes of the performance targets: "N,C,H,W,out,k,stride,pad". */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:ObjectAlignmentInBytes=64"})
public class ConvBench {
    @Param({"100,1,28,28,30,5,1,0", "100,1,28,28,16,3,1,1", "100,16,28,28,16,3,1,1", "64,3,32,32,64,3,1,1",
            "64,64,32,32,64,3,1,1", "32,64,56,56,128,3,2,1", "8,128,28,28,256,3,1,1"})
    public String shape;

    Conv2d conv;
    Tensor x, dy;

    @Setup
    public void setup() {
        int[] s = java.util.Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
        conv = new Conv2d(s[1], s[4], s[5]).stride(s[6]).padding(s[7]);
        conv.setInputGradRequired(true);
        x = Tensor.uniform(new SplittableRandom(1), -1, 1, s[0], s[1], s[2], s[3]);
        dy = Tensor.uniform(new SplittableRandom(2), -1, 1, conv.outputShape(x.shape()));
    }

    @Benchmark
    public Tensor forward() {
        return conv.forward(x, false);
    }

    @Benchmark
    public Tensor forwardBackward() {
        conv.forward(x, true);
        return conv.backward(dy);
    }
}
