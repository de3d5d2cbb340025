package jcnn.bench;

import java.util.List;
import java.util.SplittableRandom;
import jcnn.loss.SoftmaxCrossEntropy;
import jcnn.nn.Init;
import jcnn.nn.Models;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.optim.Adam;
import jcnn.optim.Optimizer;
import jcnn.tensor.Tensor;

/**
 * End-to-end cases of {@code jcnn bench}: one training step (forward, loss, backward, Adam) and one inference
 * forward of the book's SimpleConvNet and DeepConvNet on batches of 100 Fashion-MNIST-sized images (1×28×28,
 * random pixels and labels: speed does not depend on the values). The unit is images.
 */
public final class TrainingBenchmarks {
    private TrainingBenchmarks() {}

    public static List<BenchCase> cases() {
        return List.of(
                train("SimpleConvNet train (batch 100, Adam)", "simple"),
                train("DeepConvNet train (batch 100, Adam)", "deep"),
                infer("SimpleConvNet inference (batch 100)", "simple"),
                infer("DeepConvNet inference (batch 100)", "deep"));
    }

    private static Sequential model(String name) {
        return Models.byName(name, new int[] {1, 28, 28}, 10, c -> new ReLU()).initialize(Init.heNormal(), 1);
    }

    private static BenchCase train(String title, String name) {
        Sequential m = model(name);
        Optimizer opt = new Adam(m.parameters(), 1e-3);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor x = Tensor.uniform(new SplittableRandom(1), 0f, 1f, 100, 1, 28, 28);
        int[] y = new SplittableRandom(2).ints(100, 0, 10).toArray();
        return new BenchCase("train", title, 100, "images", () -> { }, () -> {
            float l = loss.forward(m.forward(x, true), y);
            m.backward(loss.backward());
            opt.step(l, null);
        });
    }

    private static BenchCase infer(String title, String name) {
        Sequential m = model(name);
        Tensor x = Tensor.uniform(new SplittableRandom(1), 0f, 1f, 100, 1, 28, 28);
        return new BenchCase("infer", title, 100, "images", () -> { }, () -> m.forward(x, false));
    }
}
