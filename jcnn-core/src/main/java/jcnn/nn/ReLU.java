package jcnn.nn;

import jcnn.nn.activation.ElementwiseActivation;

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
        for (int i = from; i < to; i++) y[i] = Math.max(x[i], 0f);
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        // y > 0 exactly where x > 0, so the output serves as the mask.
        for (int i = from; i < to; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
