package jcnn.nn.activation;

/**
 * Soft shrinkage (PyTorch's {@code nn.Softshrink}), the soft-thresholding operator of Donoho, "De-noising by
 * soft-thresholding" (1995) and of ISTA:
 * <pre>
 *   y  = x − λ  if x &gt; λ,   x + λ  if x &lt; −λ,   0 otherwise
 *   y' = 1      if |x| &gt; λ,   0 otherwise (also at |x| = λ, as PyTorch)
 * </pre>
 * Option {@code lambd} (λ ≥ 0, default 0.5). NaN inputs give NaN (PyTorch 1.13 returns 0 there; NaN is kept so
 * that a diverging run shows in the loss).
 */
public final class SoftShrink extends ElementwiseActivation {
    private final float lambd;

    /** λ = 0.5. */
    public SoftShrink() {
        this(0.5);
    }

    public SoftShrink(double lambd) {
        if (!(lambd >= 0)) throw new IllegalArgumentException("SoftShrink: lambd must be >= 0, got " + lambd);
        this.lambd = (float) lambd;
    }

    public float lambd() {
        return lambd;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        float l = lambd;
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v >= -l && v <= l ? 0f : v > l ? v - l : v + l;
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        float l = lambd;
        for (int i = from; i < to; i++) {
            float v = x[i];
            dx[i] = v >= -l && v <= l ? 0f : dy[i];
        }
    }

    @Override
    public String toString() {
        return Repr.of("SoftShrink").option("lambd", lambd, 0.5f).toString();
    }
}
