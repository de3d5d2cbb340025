package jcnn.nn.activation;

/**
 * Softsign (Glorot &amp; Bengio, "Understanding the difficulty of training deep feedforward neural networks",
 * AISTATS 2010; PyTorch's {@code nn.Softsign}):
 * <pre>
 *   y  = x / (1 + |x|)
 *   y' = 1 / (1 + |x|)²
 * </pre>
 * Like tanh but with polynomial rather than exponential tails. Computed in float. NaN inputs give NaN.
 */
public final class Softsign extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v / (1f + Math.abs(v));
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float d = 1f + Math.abs(x[i]);
            dx[i] = dy[i] / (d * d);
        }
    }
}
