package jcnn.nn.activation;

/**
 * The hyperbolic tangent (LeCun et al., "Efficient BackProp", 1998; PyTorch's {@code nn.Tanh}):
 * <pre>
 *   y  = tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x))
 *   y' = 1 − y²
 * </pre>
 * Backward uses the output, in float, as PyTorch does.
 */
public final class Tanh extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) Math.tanh(x[i]);
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float t = y[i];
            dx[i] = dy[i] * (1f - t * t);
        }
    }
}
