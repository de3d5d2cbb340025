package jcnn.nn.activation;

/**
 * Continuously differentiable exponential linear unit (Barron, "Continuously Differentiable Exponential Linear
 * Units", arXiv:1704.07483, 2017; PyTorch's {@code nn.CELU}):
 * <pre>
 *   y  = x  if x &gt; 0,   α·(e^(x/α) − 1) otherwise      (= max(0, x) + min(0, α·(e^(x/α) − 1)))
 *   y' = 1  if x &gt; 0,   e^(x/α) otherwise
 * </pre>
 * Unlike ELU its slope is 1 on both sides of 0 for every α. Option {@code alpha} (α ≠ 0, default 1). NaN inputs
 * give NaN.
 */
public final class CELU extends ElementwiseActivation {
    private final float alpha;

    /** α = 1. */
    public CELU() {
        this(1);
    }

    public CELU(double alpha) {
        if (alpha == 0 || Double.isNaN(alpha)) throw new IllegalArgumentException("CELU: alpha must not be 0, got " + alpha);
        this.alpha = (float) alpha;
    }

    public float alpha() {
        return alpha;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        float a = alpha, inv = 1f / alpha;
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : a * (float) Math.expm1(v * inv);
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        float inv = 1f / alpha;
        for (int i = from; i < to; i++) {
            float v = x[i];
            dx[i] = v > 0f ? dy[i] : dy[i] * (float) Math.exp(v * inv);
        }
    }

    @Override
    public String toString() {
        return Repr.of("CELU").option("alpha", alpha, 1f).toString();
    }
}
