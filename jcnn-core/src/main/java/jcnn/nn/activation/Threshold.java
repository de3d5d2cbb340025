package jcnn.nn.activation;

/**
 * Thresholds each element (PyTorch's {@code nn.Threshold}):
 * <pre>
 *   y  = x      if x &gt; threshold,   value otherwise
 *   y' = 1      if x &gt; threshold,   0 otherwise
 * </pre>
 * PyTorch requires both options, so the repr always shows them; the no-argument constructor (what
 * {@link Activations#byName} builds) takes threshold = 0, value = 0, which is ReLU. NaN inputs give NaN.
 */
public final class Threshold extends ElementwiseActivation {
    private final float threshold;
    private final float value;

    /** threshold = 0, value = 0 (ReLU). */
    public Threshold() {
        this(0, 0);
    }

    public Threshold(double threshold, double value) {
        this.threshold = (float) threshold;
        this.value = (float) value;
    }

    public float threshold() {
        return threshold;
    }

    public float value() {
        return value;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        float t = threshold, r = value;
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v <= t ? r : v;
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        float t = threshold;
        for (int i = from; i < to; i++) dx[i] = x[i] <= t ? 0f : dy[i];
    }

    @Override
    public String toString() {
        return Repr.of("Threshold").always("threshold", threshold).always("value", value).toString();
    }
}
