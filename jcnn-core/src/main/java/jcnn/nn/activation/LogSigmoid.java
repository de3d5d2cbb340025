package jcnn.nn.activation;

/**
 * The logarithm of the sigmoid (PyTorch's {@code nn.LogSigmoid}):
 * <pre>
 *   y  = log σ(x) = −softplus(−x) = min(x, 0) − log(1 + e^(−|x|))
 *   y' = 1 − σ(x) = σ(−x) = 1 / (1 + e^x)
 * </pre>
 * The second form of y never exponentiates a positive number, so it neither overflows for x → −∞ (y → x) nor
 * loses the tiny −e^(−x) for x → +∞. Computed in double.
 */
public final class LogSigmoid extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = (float) (Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))));
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = (float) (dy[i] / (1 + Math.exp(x[i])));
    }
}
