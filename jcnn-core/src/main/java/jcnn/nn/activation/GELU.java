package jcnn.nn.activation;

/**
 * Gaussian error linear unit (Hendrycks &amp; Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv:1606.08415;
 * PyTorch's {@code nn.GELU}). With Φ and φ the standard normal CDF and density:
 * <pre>
 *   approximate = "none" (default), exact:
 *     y  = x·Φ(x) = (x/2)·(1 + erf(x/√2))
 *     y' = Φ(x) + x·φ(x),   φ(x) = e^(−x²/2)/√(2π)
 *   approximate = "tanh", the paper's approximation:
 *     u  = √(2/π)·(x + 0.044715·x³),   y = (x/2)·(1 + tanh(u))
 *     y' = (1 + tanh(u))/2 + (x/2)·(1 − tanh²(u))·√(2/π)·(1 + 3·0.044715·x²)
 * </pre>
 * Computed in double. The exact form evaluates Φ through the scaled complementary error function (see
 * {@code Erf}): with q = ½·e^(−x²/2)·erfcx(|x|/√2) = Φ(−|x|), Φ(x) = 1 − q for x ≥ 0 and q for x &lt; 0, so Φ keeps
 * its relative accuracy in the negative tail, and φ reuses the same exponential. NaN inputs give NaN.
 */
public final class GELU extends ElementwiseActivation {
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double K = Math.sqrt(2 / Math.PI);
    private static final double C = 0.044715;

    private final boolean tanh;

    /** The exact form. */
    public GELU() {
        this("none");
    }

    /** {@code approximate} is "none" (exact) or "tanh", as in PyTorch. */
    public GELU(String approximate) {
        if (!"none".equals(approximate) && !"tanh".equals(approximate)) {
            throw new IllegalArgumentException("GELU: approximate must be 'none' or 'tanh', got '" + approximate + "'");
        }
        this.tanh = approximate.equals("tanh");
    }

    /** "none" or "tanh". */
    public String approximate() {
        return tanh ? "tanh" : "none";
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        if (tanh) {
            for (int i = from; i < to; i++) {
                double v = x[i];
                y[i] = (float) (0.5 * v * (1 + Math.tanh(K * (v + C * v * v * v))));
            }
        } else {
            for (int i = from; i < to; i++) {
                double v = x[i];
                double q = 0.5 * Math.exp(-0.5 * v * v) * Erf.erfcx(Math.abs(v) * INV_SQRT2);
                y[i] = (float) (v * (v >= 0 ? 1 - q : q));
            }
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        if (tanh) {
            for (int i = from; i < to; i++) {
                double v = x[i], v2 = v * v;
                double t = Math.tanh(K * (v + C * v2 * v));
                dx[i] = (float) (dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * K * (1 + 3 * C * v2)));
            }
        } else {
            for (int i = from; i < to; i++) {
                double v = x[i];
                double g = Math.exp(-0.5 * v * v);
                double q = 0.5 * g * Erf.erfcx(Math.abs(v) * INV_SQRT2);
                dx[i] = (float) (dy[i] * ((v >= 0 ? 1 - q : q) + v * g * INV_SQRT_2PI));
            }
        }
    }

    @Override
    public String toString() {
        return Repr.of("GELU").option("approximate", approximate(), "none").toString();
    }
}
