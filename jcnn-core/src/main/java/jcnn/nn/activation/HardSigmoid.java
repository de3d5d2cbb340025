package jcnn.nn.activation;

/**
 * The hard sigmoid as PyTorch defines it ({@code nn.Hardsigmoid}), from Howard et al., "Searching for
 * MobileNetV3" (2019):
 * <pre>
 *   y  = ReLU6(x + 3) / 6 = min(max(x + 3, 0), 6) / 6      (0 for x ≤ −3, 1 for x ≥ 3, x/6 + 1/2 between)
 *   y' = 1/6  if −3 &lt; x &lt; 3,   0 otherwise (also at x = ±3, as PyTorch)
 * </pre>
 * Computed in float in PyTorch's order of operations. NaN inputs give NaN.
 */
public final class HardSigmoid extends ElementwiseActivation {
    private static final float SIXTH = 1f / 6f;

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i] + 3f, 0f), 6f) / 6f;
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            dx[i] = v > -3f && v < 3f ? dy[i] * SIXTH : 0f;
        }
    }
}
