package jcnn.nn.activation;

/**
 * Swish, {@code x·σ(βx)} (Ramachandran, Zoph &amp; Le, "Searching for Activation Functions", arXiv:1710.05941,
 * 2017). With β = 1 it is the SiLU (Elfwing, Uchibe &amp; Doya, "Sigmoid-Weighted Linear Units for Neural Network
 * Function Approximation in Reinforcement Learning", 2018), PyTorch's {@code nn.SiLU}:
 * <pre>
 *   y  = x·σ(βx),   σ(t) = 1 / (1 + e^(−t))
 *   y' = σ(βx) + βx·σ(βx)·(1 − σ(βx)) = σ(βx)·(1 + βx·(1 − σ(βx)))
 * </pre>
 * Option {@code beta} (β, default 1; a fixed hyper-parameter here, not trained). The sigmoid is kept in double.
 * NaN inputs give NaN.
 */
public final class Swish extends ElementwiseActivation {
    private final float beta;

    /** β = 1: the SiLU. */
    public Swish() {
        this(1);
    }

    public Swish(double beta) {
        this.beta = (float) beta;
    }

    public float beta() {
        return beta;
    }

    @Override
    protected void values(float[] x, float[] y, int from, int to) {
        double b = beta;
        for (int i = from; i < to; i++) {
            double v = x[i];
            y[i] = (float) (v / (1 + Math.exp(-b * v)));
        }
    }

    @Override
    protected void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        double b = beta;
        for (int i = from; i < to; i++) {
            double t = b * x[i];
            double s = 1 / (1 + Math.exp(-t));
            dx[i] = (float) (dy[i] * s * (1 + t * (1 - s)));
        }
    }

    @Override
    public String toString() {
        return Repr.of("Swish").option("beta", beta, 1f).toString();
    }
}
