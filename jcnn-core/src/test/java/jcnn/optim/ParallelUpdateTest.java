package jcnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import jcnn.kernel.Parallel;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Large parameters are updated by all threads; the element-wise rules must give the same bits as one thread. */
class ParallelUpdateTest {

    private static float[] run(int threads, Function<List<Parameter>, Optimizer> make) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            SplittableRandom r = new SplittableRandom(4);
            Parameter p = new Parameter("w", Parameter.Kind.WEIGHT, Tensor.uniform(r, -1, 1, 3 * Optimizer.PARALLEL_MIN + 7), 10, 10);
            Optimizer opt = make.apply(List.of(p));
            for (int step = 0; step < 3; step++) {
                float[] g = p.grad().data();
                for (int i = 0; i < g.length; i++) g[i] = (float) (r.nextDouble() - 0.5);
                opt.step();
            }
            return p.value().data().clone();
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void adamAndAdamWAreTheSameOnOneAndTwoThreads() {
        assertArrayEquals(run(1, ps -> new Adam(ps, 1e-3)), run(2, ps -> new Adam(ps, 1e-3)), "Adam");
        assertArrayEquals(run(1, ps -> new AdamW(ps, 1e-3).weightDecay(0.1)), run(2, ps -> new AdamW(ps, 1e-3).weightDecay(0.1)), "AdamW");
        assertArrayEquals(run(1, ps -> new Adam(ps, 1e-3).amsgrad(true).weightDecay(0.01)),
                run(2, ps -> new Adam(ps, 1e-3).amsgrad(true).weightDecay(0.01)), "Adam amsgrad + L2");
    }
}
