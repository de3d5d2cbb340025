package jcnn.nn.activation;

/**
 * Softplus, a smooth ReLU (Dugas et al., "Incorporating Second-Order Functional Knowledge for Better Option
 * Pricing", NIPS 2000; PyTorch's {@code nn.Softplus}):
 * <pre>
 *   y  = (1/β)·log(1 + e^(β·x))     if β·x ≤ threshold,   x otherwise (PyTorch's linear region)
 *   y' = σ(β·x)                     if β·x ≤ threshold,   1 otherwise
 * </pre>
 * Options {@code beta} (β, default 1) and {@code threshold} (default 20; above it softplus equals x to float
 * precision). The product β·x is formed in float, as PyTorch does, so the switch happens at the same inputs;
 * log(1 + e^t) is evaluated in double as max(t, 0) + log1p(e^(−|t|)), which cannot overflow even for a large
 * threshold. NaN inputs give NaN.
 */
public final class Softplus extends ElementwiseActivation {
    private final float beta;
    private final float threshold;

    /** β = 1, threshold = 20. */
    public Softplus() {
        this(1, 20);
    }

    public Softplus(double beta, double threshold) {
        if (beta == 0 || Double.isNaN(beta)) throw new IllegalArgumentException("Softplus: beta must not be 0, got " + beta);
        this.beta = (float) beta;
        this.threshold = (float) threshold;
    }

    public float beta() {
        return beta;
    }

    public float threshold() {
        return threshold;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        float b = beta, th = threshold;
        double inv = 1.0 / b;
        for (int i = from; i < to; i++) {
            float v = x[i];
            float t = v * b;
            y[i] = t > th ? v : (float) ((Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs((double) t)))) * inv);
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        float b = beta, th = threshold;
        for (int i = from; i < to; i++) {
            float t = x[i] * b;
            dx[i] = t > th ? dy[i] : (float) (dy[i] / (1 + Math.exp(-t)));
        }
    }

    @Override
    public String toString() {
        return Repr.of("Softplus").option("beta", beta, 1f).option("threshold", threshold, 20f).toString();
    }
}
