package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Graves's RMSprop (Graves 2013, "Generating Sequences With Recurrent Neural Networks", equations 38-41):
 * centred second moment and momentum, with eps inside the square root,
 * <pre>
 *   n = ℵ·n + (1 - ℵ)·g²
 *   ḡ = ℵ·ḡ + (1 - ℵ)·g
 *   Δ = ℶ·Δ - ℷ·g / √(n - ḡ² + ℸ)
 *   w += Δ
 * </pre>
 * Defaults (the paper's): lr ℷ = 1e-4, alpha ℵ = 0.95, momentum ℶ = 0.9, eps ℸ = 1e-4.
 * State: {@code square_avg} (n), {@code grad_avg} (ḡ), {@code delta} (Δ).
 */
public final class RMSpropGraves extends Optimizer {
    private double alpha = 0.95;
    private double momentum = 0.9;
    private double eps = 1e-4;

    public RMSpropGraves(List<Parameter> params, double lr) {
        super(params, lr);
    }

    /** Decay ℵ of the moving averages, in [0, 1). */
    public RMSpropGraves alpha(double alpha) {
        this.alpha = checkUnitInterval("alpha", alpha);
        return this;
    }

    /** Momentum ℶ, in [0, 1). */
    public RMSpropGraves momentum(double momentum) {
        this.momentum = checkUnitInterval("momentum", momentum);
        return this;
    }

    /** ℸ, added to the variance under the square root ({@code > 0}). */
    public RMSpropGraves eps(double eps) {
        this.eps = checkPositive("eps", eps);
        return this;
    }

    @Override
    public String name() {
        return "RMSpropGraves";
    }

    @Override
    protected String settings() {
        return "alpha=" + fmt(alpha) + ", momentum=" + fmt(momentum) + ", eps=" + fmt(eps);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("square_avg", "grad_avg", "delta");
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        double lr = learningRate();
        float[] n = slot("square_avg")[index];
        float[] mean = slot("grad_avg")[index];
        float[] delta = slot("delta")[index];
        for (int j = 0; j < w.length; j++) {
            double gj = g[j];
            double nj = alpha * n[j] + (1 - alpha) * gj * gj;
            double mj = alpha * mean[j] + (1 - alpha) * gj;
            double var = Math.max(nj - mj * mj, 0); // >= 0 exactly; rounding could dip below
            double dj = momentum * delta[j] - lr * gj / Math.sqrt(var + eps);
            n[j] = (float) nj;
            mean[j] = (float) mj;
            delta[j] = (float) dj;
            w[j] += (float) dj;
        }
    }
}
