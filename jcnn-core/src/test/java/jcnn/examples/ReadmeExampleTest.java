package jcnn.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jcnn.loss.SoftmaxCrossEntropy;
import jcnn.nn.Conv2d;
import jcnn.nn.Flatten;
import jcnn.nn.Init;
import jcnn.nn.Linear;
import jcnn.nn.MaxPool2d;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.optim.Adam;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The Java example of the README, verbatim between the markers, so the README cannot drift from the API. */
class ReadmeExampleTest {

    @Test
    void readmeExampleRuns() {
        // README-BEGIN
        Sequential model = new Sequential(                       // the seeds' SimpleConvNet
                new Conv2d(1, 30, 5), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(30 * 12 * 12, 100), new ReLU(), new Linear(100, 10));
        model.initialize(Init.heNormal(), 42);                   // seeded: same seed, same weights
        System.out.print(model.summary(8, 1, 28, 28));          // layers, output shapes, parameters

        Tensor x = Tensor.randn(new SplittableRandom(0), 1f, 8, 1, 28, 28);   // a batch of 8 images
        int[] labels = {3, 1, 4, 1, 5, 9, 2, 6};
        var loss = new SoftmaxCrossEntropy();
        var optimizer = new Adam(model.parameters(), 1e-3);

        float l = loss.forward(model.forward(x, true), labels);  // forward
        model.backward(loss.backward());                         // backward: every parameter's gradient
        optimizer.step();                                        // update
        System.out.println("loss " + l + ", dL/dW of conv1: " + model.get(0).parameters().get(0).grad());
        // README-END
        assertTrue(l > 0 && Float.isFinite(l));
        assertArrayEquals(new int[] {30, 1, 5, 5}, model.get(0).parameters().get(0).grad().shape());
        float after = l;
        for (int step = 0; step < 10; step++) {
            after = loss.forward(model.forward(x, true), labels);
            model.backward(loss.backward());
            optimizer.step();
        }
        assertTrue(after < 0.5f * l, "ten more steps on the same batch fit it: " + l + " -> " + after);
    }
}
