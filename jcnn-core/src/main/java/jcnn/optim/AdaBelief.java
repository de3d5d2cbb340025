package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AdaBelief (Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
 * Gradients", Algorithm 2): Adam whose second moment is the variance of the gradient around its prediction m,
 * so the step is large where the gradient is as expected and small where it surprises:
 * <pre>
 *   m = β1·m + (1 - β1)·g
 *   s = β2·s + (1 - β2)·(g - m)² + eps
 *   w -= lr · (m / (1 - β1^t)) / (√(s / (1 - β2^t)) + eps)
 * </pre>
 * Defaults (the authors' for image classification): lr 0.001, betas (0.9, 0.999), eps 1e-16 (added inside the
 * square root, where Adam's 1e-8 outside corresponds to about 1e-16). State: {@code exp_avg}, {@code exp_avg_var}.
 */
public final class AdaBelief extends Optimizer {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-16;

    public AdaBelief(List<Parameter> params, double lr) {
        super(params, lr);
    }

    public AdaBelief betas(double beta1, double beta2) {
        this.beta1 = checkUnitInterval("beta1", beta1);
        this.beta2 = checkUnitInterval("beta2", beta2);
        return this;
    }

    public AdaBelief eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    @Override
    public String name() {
        return "AdaBelief";
    }

    @Override
    protected String settings() {
        return "betas=(" + fmt(beta1) + ", " + fmt(beta2) + "), eps=" + fmt(eps);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("exp_avg", "exp_avg_var");
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        long t = steps();
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        double lr = learningRate();
        float[] m = slot("exp_avg")[index];
        float[] s = slot("exp_avg_var")[index];
        for (int j = 0; j < w.length; j++) {
            double gj = g[j];
            double mj = beta1 * m[j] + (1 - beta1) * gj;
            double dev = gj - mj;
            double sj = beta2 * s[j] + (1 - beta2) * dev * dev + eps;
            m[j] = (float) mj;
            s[j] = (float) sj;
            w[j] -= (float) (lr * (mj / bc1) / (Math.sqrt(sj / bc2) + eps));
        }
    }
}
