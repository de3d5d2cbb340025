package jcnn.nn;

import jcnn.kernel.Elementwise;
import jcnn.nn.activation.ElementwiseActivation;
import jcnn.tensor.Tensor;

/**
 * Rectified linear unit, {@code y = max(x, 0)}; backward passes the gradient where the input was positive.
 * NaN inputs stay NaN (so a diverging run shows up in the loss instead of being hidden by the clamp).
 *
 * <p>Shape: any; the output has the input's shape. One of the activations of {@code jcnn.nn.activation}
 * (buffers, checks and the parallel split come from {@link ElementwiseActivation}); it stays in this package
 * because it is the default activation everywhere.
 */
public final class ReLU extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        Elementwise.reluForward(x, y, from, to);
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        // y > 0 exactly where x > 0, so the output serves as the mask.
        Elementwise.reluBackward(y, dy, dx, from, to);
    }

    /** Takes y = ReLU(input), computed by the layer before (see Sequential's fusion). */
    void adoptActivated(Tensor y, boolean training) {
        adopt(y, training);
    }

    /** The output of the last forward (see Sequential's fusion: the next convolution's backward applies this layer's). */
    Tensor activated() {
        return lastOutput();
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
