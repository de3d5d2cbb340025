package jcnn.nn.activation;

/**
 * The bent identity, as listed in the usual tables of activation functions (e.g. Wikipedia's "Activation
 * function"); PyTorch has no such layer:
 * <pre>
 *   y  = (√(x² + 1) − 1) / 2 + x
 *   y' = x / (2·√(x² + 1)) + 1
 * </pre>
 * Smooth, unbounded both ways, with slope between 1/2 (x → −∞) and 3/2 (x → +∞). Computed in double, since
 * x² overflows float for |x| &gt; 1.8e19.
 */
public final class BentIdentity extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = (float) ((Math.sqrt(v * v + 1) - 1) * 0.5 + v);
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            dx[i] = (float) (dy[i] * (v / (2 * Math.sqrt(v * v + 1)) + 1));
        }
    }
}
