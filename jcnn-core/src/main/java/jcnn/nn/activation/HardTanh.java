package jcnn.nn.activation;

/**
 * The hard tanh, a clamp (Collobert, PhD thesis, 2004; PyTorch's {@code nn.Hardtanh}):
 * <pre>
 *   y  = min(max(x, minVal), maxVal)
 *   y' = 1  if minVal &lt; x &lt; maxVal,   0 otherwise (also at the two corners, as PyTorch)
 * </pre>
 * Options {@code minVal} (default −1) and {@code maxVal} (default 1), with minVal &lt; maxVal. NaN inputs give NaN.
 */
public final class HardTanh extends ElementwiseActivation {
    private final float minVal;
    private final float maxVal;

    /** minVal = −1, maxVal = 1. */
    public HardTanh() {
        this(-1, 1);
    }

    public HardTanh(double minVal, double maxVal) {
        if (!(maxVal > minVal)) {
            throw new IllegalArgumentException("HardTanh: maxVal must be greater than minVal, got minVal=" + minVal
                    + ", maxVal=" + maxVal);
        }
        this.minVal = (float) minVal;
        this.maxVal = (float) maxVal;
    }

    public float minVal() {
        return minVal;
    }

    public float maxVal() {
        return maxVal;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        float lo = minVal, hi = maxVal;
        for (int i = from; i < to; i++) y[i] = Math.min(Math.max(x[i], lo), hi);
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        float lo = minVal, hi = maxVal;
        for (int i = from; i < to; i++) {
            float v = x[i];
            dx[i] = v <= lo || v >= hi ? 0f : dy[i];
        }
    }

    @Override
    public String toString() {
        return Repr.of("HardTanh").option("minVal", minVal, -1f).option("maxVal", maxVal, 1f).toString();
    }
}
