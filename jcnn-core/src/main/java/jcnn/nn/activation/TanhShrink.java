package jcnn.nn.activation;

/**
 * Tanh shrinkage (PyTorch's {@code nn.Tanhshrink}):
 * <pre>
 *   y  = x − tanh(x)
 *   y' = tanh²(x)
 * </pre>
 * Computed in double: near 0, x − tanh(x) ≈ x³/3 and float subtraction would cancel to a few bits.
 */
public final class TanhShrink extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = (float) (v - Math.tanh(v));
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double t = Math.tanh(x[i]);
            dx[i] = (float) (dy[i] * t * t);
        }
    }
}
