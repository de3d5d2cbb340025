package jcnn.nn.activation;

/**
 * Mish (Misra, "Mish: A Self Regularized Non-Monotonic Activation Function", BMVC 2020, arXiv:1908.08681;
 * PyTorch's {@code nn.Mish}):
 * <pre>
 *   y  = x·tanh(softplus(x)),   softplus(x) = log(1 + e^x)
 *   y' = tanh(softplus(x)) + x·σ(x)·(1 − tanh²(softplus(x)))
 * </pre>
 * (softplus' = σ). Computed in double with softplus(x) = max(x, 0) + log1p(e^(−|x|)), which neither overflows for
 * large x (y → x) nor loses the small values for very negative x (y ≈ x·e^x). NaN inputs give NaN.
 */
public final class Mish extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = (float) (v * Math.tanh(softplus(v)));
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            double t = Math.tanh(softplus(v));
            double s = 1 / (1 + Math.exp(-v));
            dx[i] = (float) (dy[i] * (t + v * s * (1 - t * t)));
        }
    }

    private static double softplus(double v) {
        return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }
}
