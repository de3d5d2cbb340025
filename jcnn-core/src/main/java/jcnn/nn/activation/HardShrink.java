package jcnn.nn.activation;

/**
 * Hard shrinkage (PyTorch's {@code nn.Hardshrink}), hard thresholding of wavelet denoising (Donoho &amp; Johnstone
 * 1994):
 * <pre>
 *   y  = x  if |x| &gt; λ,   0 otherwise
 *   y' = 1  if |x| &gt; λ,   0 otherwise (also at |x| = λ, as PyTorch)
 * </pre>
 * Option {@code lambd} (λ, default 0.5; PyTorch's spelling, since {@code lambda} is reserved). NaN inputs give NaN.
 */
public final class HardShrink extends ElementwiseActivation {
    private final float lambd;

    /** λ = 0.5. */
    public HardShrink() {
        this(0.5);
    }

    public HardShrink(double lambd) {
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
            y[i] = v >= -l && v <= l ? 0f : v;
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
        return Repr.of("HardShrink").option("lambd", lambd, 0.5f).toString();
    }
}
