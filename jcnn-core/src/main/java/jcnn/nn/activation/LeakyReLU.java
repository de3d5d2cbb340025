package jcnn.nn.activation;

/**
 * Leaky ReLU (Maas, Hannun &amp; Ng, "Rectifier Nonlinearities Improve Neural Network Acoustic Models", 2013;
 * PyTorch's {@code nn.LeakyReLU}):
 * <pre>
 *   y  = x  if x &gt; 0,   negativeSlope·x otherwise
 *   y' = 1  if x &gt; 0,   negativeSlope otherwise (also at 0, as PyTorch)
 * </pre>
 * Option {@code negativeSlope} (default 0.01). NaN inputs give NaN.
 */
public final class LeakyReLU extends ElementwiseActivation {
    private final float negativeSlope;

    /** negativeSlope = 0.01. */
    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = (float) negativeSlope;
    }

    public float negativeSlope() {
        return negativeSlope;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        float a = negativeSlope;
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : v * a;
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        float a = negativeSlope;
        for (int i = from; i < to; i++) dx[i] = x[i] > 0f ? dy[i] : dy[i] * a;
    }

    @Override
    public String toString() {
        return Repr.of("LeakyReLU").option("negativeSlope", negativeSlope, 0.01f).toString();
    }
}
