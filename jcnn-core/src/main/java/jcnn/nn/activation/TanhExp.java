package jcnn.nn.activation;

/**
 * TanhExp (Liu &amp; Di, "TanhExp: A Smooth Activation Function with High Convergence Speed for Lightweight Neural
 * Networks", IET Computer Vision 2021, arXiv:2003.09855); PyTorch has no such layer:
 * <pre>
 *   y  = x·tanh(e^x)
 *   y' = tanh(e^x) + x·e^x·(1 − tanh²(e^x))
 * </pre>
 * Computed in double. For x &gt; 20, tanh(e^x) = 1 exactly in double, so y = x and y' = 1; the derivative takes
 * that branch explicitly, because for x &gt; 709 the product x·e^x·(1 − tanh²) would be ∞·0. NaN inputs give NaN.
 */
public final class TanhExp extends ElementwiseActivation {
    /** Beyond this, tanh(e^x) rounds to 1 in double. */
    private static final float SATURATED = 20f;

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = (float) (v * Math.tanh(Math.exp(v)));
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            if (v > SATURATED) {
                dx[i] = dy[i];
                continue;
            }
            double e = Math.exp(v);
            double t = Math.tanh(e);
            dx[i] = (float) (dy[i] * (t + v * e * (1 - t * t)));
        }
    }
}
