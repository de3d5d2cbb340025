package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AdaBound (Luo, Xiong, Liu &amp; Sun 2019, "Adaptive Gradient Methods with Dynamic Bound of Learning Rate"):
 * Adam whose per-element step size is clipped into a band that starts wide, [0, ∞), and closes on a final SGD
 * learning rate, so training moves smoothly from Adam to SGD:
 * <pre>
 *   m = β1·m + (1 - β1)·g;   v = β2·v + (1 - β2)·g²          (amsbound: v̂ = max(v̂, v) replaces v)
 *   η = clip(lr·√(1 - β2^t) / (1 - β1^t) / (√v + eps),  η_l(t),  η_u(t))
 *   η_l(t) = final·(1 - 1/(γ·t + 1)),   η_u(t) = final·(1 + 1/(γ·t))
 *   w -= η·m
 * </pre>
 * with {@code final = finalLr·lr/initialLr}, so learning-rate schedules move the band too. These are the
 * paper's bound functions (its experiments' η_l, η_u with γ = 1 - β2 = 1e-3) with Adam's bias-corrected step
 * size in place of Algorithm 2's extra 1/√t decay, as in the authors' released implementation.
 * Defaults (the paper's): lr 0.001, betas (0.9, 0.999), finalLr 0.1, gamma 1e-3, eps 1e-8.
 * State: {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} for {@link AMSBound}.
 */
public class AdaBound extends Optimizer {
    private final double initialLr;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double finalLr = 0.1;
    private double gamma = 1e-3;
    private double eps = 1e-8;
    private boolean amsbound;

    public AdaBound(List<Parameter> params, double lr) {
        super(params, lr);
        this.initialLr = lr;
    }

    public AdaBound betas(double beta1, double beta2) {
        this.beta1 = checkUnitInterval("beta1", beta1);
        this.beta2 = checkUnitInterval("beta2", beta2);
        return this;
    }

    /** The SGD learning rate the bounds converge to (at the initial learning rate). */
    public AdaBound finalLr(double finalLr) {
        this.finalLr = checkNonNegative("finalLr", finalLr);
        return this;
    }

    /** The convergence speed γ of the bounds ({@code > 0}). */
    public AdaBound gamma(double gamma) {
        this.gamma = checkPositive("gamma", gamma);
        return this;
    }

    public AdaBound eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    /** Uses the running maximum of the second moment (AMSBound). */
    public AdaBound amsbound(boolean amsbound) {
        this.amsbound = amsbound;
        return this;
    }

    @Override
    public String name() {
        return "AdaBound";
    }

    @Override
    protected String settings() {
        return "betas=(" + fmt(beta1) + ", " + fmt(beta2) + "), finalLr=" + fmt(finalLr) + ", gamma=" + fmt(gamma)
                + ", eps=" + fmt(eps) + ", amsbound=" + amsbound;
    }

    @Override
    protected List<String> slotNames() {
        return names("exp_avg", "exp_avg_sq", amsbound ? "max_exp_avg_sq" : null);
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        long t = steps();
        double lr = learningRate();
        double stepSize = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        double fin = initialLr > 0 ? finalLr * lr / initialLr : finalLr;
        double lower = fin * (1 - 1 / (gamma * t + 1));
        double upper = fin * (1 + 1 / (gamma * t));
        float[] m = slot("exp_avg")[index];
        float[] v = slot("exp_avg_sq")[index];
        float[] vMax = amsbound ? slot("max_exp_avg_sq")[index] : null;
        for (int j = 0; j < w.length; j++) {
            double gj = g[j];
            float mj = (float) (beta1 * m[j] + (1 - beta1) * gj);
            float vj = (float) (beta2 * v[j] + (1 - beta2) * gj * gj);
            m[j] = mj;
            v[j] = vj;
            if (vMax != null) {
                vj = Math.max(vMax[j], vj);
                vMax[j] = vj;
            }
            double eta = Math.min(Math.max(stepSize / (Math.sqrt(vj) + eps), lower), upper);
            w[j] -= (float) (eta * mj);
        }
    }
}
