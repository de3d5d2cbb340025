package jcnn.nn.activation;

/**
 * Scaled exponential linear unit (Klambauer, Unterthiner, Mayr &amp; Hochreiter, "Self-Normalizing Neural
 * Networks", NeurIPS 2017; PyTorch's {@code nn.SELU}):
 * <pre>
 *   y  = λ·x  if x &gt; 0,   λ·α·(e^x − 1) otherwise
 *   y' = λ    if x &gt; 0,   λ·α·e^x otherwise
 * </pre>
 * with the paper's constants α = 1.6732632423543772848170429916717 and λ = 1.0507009873554804934193349852946,
 * which make zero mean and unit variance a fixed point of the layer-to-layer map (with LeCun-normal weights,
 * {@code Init.lecunNormal()}). No options. NaN inputs give NaN.
 */
public final class SELU extends ElementwiseActivation {
    /** α of the paper. */
    public static final double ALPHA = 1.6732632423543772848170429916717;
    /** λ of the paper (PyTorch's {@code scale}). */
    public static final double SCALE = 1.0507009873554804934193349852946;
    private static final float SCALE_F = (float) SCALE;
    private static final float ALPHA_SCALE_F = (float) (ALPHA * SCALE);

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0f ? SCALE_F * v : ALPHA_SCALE_F * (float) Math.expm1(v);
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            dx[i] = v > 0f ? dy[i] * SCALE_F : dy[i] * ALPHA_SCALE_F * (float) Math.exp(v);
        }
    }
}
