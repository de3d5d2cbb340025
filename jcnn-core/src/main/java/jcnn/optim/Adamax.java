package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AdaMax (Kingma &amp; Ba 2015, section 7.1): Adam with the infinity norm in place of the second moment, in
 * PyTorch 1.13's formulation ({@code torch.optim.Adamax}, which adds eps inside the maximum):
 * <pre>
 *   m = β1·m + (1 - β1)·g
 *   u = max(β2·u, |g| + eps)
 *   w -= lr / (1 - β1^t) · m / u
 * </pre>
 * Defaults (the paper's): lr 0.002, betas (0.9, 0.999), eps 1e-8. State: {@code exp_avg}, {@code exp_inf}.
 */
public final class Adamax extends Optimizer {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;

    public Adamax(List<Parameter> params, double lr) {
        super(params, lr);
    }

    public Adamax betas(double beta1, double beta2) {
        this.beta1 = checkUnitInterval("beta1", beta1);
        this.beta2 = checkUnitInterval("beta2", beta2);
        return this;
    }

    public Adamax eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    @Override
    public String name() {
        return "AdaMax";
    }

    @Override
    protected String settings() {
        return "betas=(" + fmt(beta1) + ", " + fmt(beta2) + "), eps=" + fmt(eps);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("exp_avg", "exp_inf");
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        float clr = (float) (learningRate() / (1 - Math.pow(beta1, steps())));
        float b1 = (float) beta1, r1 = (float) (1 - beta1), b2 = (float) beta2, e = (float) eps;
        float[] m = slot("exp_avg")[index];
        float[] u = slot("exp_inf")[index];
        for (int j = 0; j < w.length; j++) {
            float gj = g[j];
            float mj = m[j] * b1 + r1 * gj;
            float uj = Math.max(u[j] * b2, Math.abs(gj) + e);
            m[j] = mj;
            u[j] = uj;
            w[j] -= clr * (mj / uj);
        }
    }
}
