package jcnn.nn.activation;

/**
 * The logistic sigmoid, the seeds' {@code sigmoid} (LeCun et al., "Efficient BackProp", 1998; PyTorch's
 * {@code nn.Sigmoid}):
 * <pre>
 *   y  = σ(x) = 1 / (1 + e^(−x))
 *   y' = y·(1 − y)
 * </pre>
 * The exponential is taken in double, where e^(−x) overflows only to +∞ and 1/(1 + ∞) = 0, so every float input
 * is safe. Backward uses the output, in float, as PyTorch does.
 */
public final class Sigmoid extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) (1 / (1 + Math.exp(-x[i])));
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float s = y[i];
            dx[i] = dy[i] * (1f - s) * s;
        }
    }
}
