package jcnn.nn.activation;

/**
 * Exponential linear unit (Clevert, Unterthiner &amp; Hochreiter, "Fast and Accurate Deep Network Learning by
 * Exponential Linear Units (ELUs)", ICLR 2016; PyTorch's {@code nn.ELU}):
 * <pre>
 *   y  = x  if x &gt; 0,   α·(e^x − 1) otherwise
 *   y' = 1  if x &gt; 0,   α·e^x otherwise
 * </pre>
 * Option {@code alpha} (α, default 1). e^x − 1 is taken with {@link Math#expm1}, exact near 0. NaN inputs give NaN.
 */
public final class ELU extends ElementwiseActivation {
    private final float alpha;

    /** α = 1. */
    public ELU() {
        this(1);
    }

    public ELU(double alpha) {
        this.alpha = (float) alpha;
    }

    public float alpha() {
        return alpha;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        float a = alpha;
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : a * (float) Math.expm1(v);
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        float a = alpha;
        for (int i = from; i < to; i++) {
            float v = x[i];
            dx[i] = v > 0f ? dy[i] : dy[i] * a * (float) Math.exp(v);
        }
    }

    @Override
    public String toString() {
        return Repr.of("ELU").option("alpha", alpha, 1f).toString();
    }
}
