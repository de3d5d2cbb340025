package jcnn.nn.activation;

/**
 * ReLU capped at 6 (Krizhevsky, "Convolutional Deep Belief Networks on CIFAR-10", 2010; used by MobileNets;
 * PyTorch's {@code nn.ReLU6}, a HardTanh(0, 6)):
 * <pre>
 *   y  = min(max(x, 0), 6)
 *   y' = 1  if 0 &lt; x &lt; 6,   0 otherwise (also at 0 and 6, as PyTorch)
 * </pre>
 * NaN inputs give NaN.
 */
public final class ReLU6 extends ElementwiseActivation {

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i], 0f), 6f);
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            dx[i] = v <= 0f || v >= 6f ? 0f : dy[i];
        }
    }
}
