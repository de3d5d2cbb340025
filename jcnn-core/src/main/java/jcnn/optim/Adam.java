package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization"), in PyTorch 1.13's formulation
 * ({@code torch.optim.Adam}):
 * <pre>
 *   m = β1·m + (1 - β1)·g
 *   v = β2·v + (1 - β2)·g²
 *   amsgrad:  v̂ = max(v̂, v)  (and v̂ replaces v below)
 *   w -= lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + eps)
 * </pre>
 * Defaults (the paper's): lr 0.001, betas (0.9, 0.999), eps 1e-8, amsgrad off. State: {@code exp_avg},
 * {@code exp_avg_sq}, {@code max_exp_avg_sq} with amsgrad. {@link AMSGrad} and {@link AdamW} are variants.
 */
public class Adam extends Optimizer {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private boolean amsgrad;

    public Adam(List<Parameter> params, double lr) {
        super(params, lr);
    }

    /** Decay rates of the first and second moment averages, each in [0, 1). */
    public Adam betas(double beta1, double beta2) {
        this.beta1 = checkUnitInterval("beta1", beta1);
        this.beta2 = checkUnitInterval("beta2", beta2);
        return this;
    }

    public Adam eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    /** Uses the maximum of all second-moment averages so far (Reddi et al. 2018). */
    public Adam amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return this;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    public boolean amsgrad() {
        return amsgrad;
    }

    @Override
    public String name() {
        return "Adam";
    }

    @Override
    protected String settings() {
        return "betas=(" + fmt(beta1) + ", " + fmt(beta2) + "), eps=" + fmt(eps) + ", amsgrad=" + amsgrad;
    }

    @Override
    protected List<String> slotNames() {
        return names("exp_avg", "exp_avg_sq", amsgrad ? "max_exp_avg_sq" : null);
    }

    @Override
    protected boolean elementwise() {
        return true;
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        updateRange(index, w, g, 0, w.length);
    }

    @Override
    protected void updateRange(int index, float[] w, float[] g, int from, int to) {
        long t = steps();
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        float stepSize = (float) (learningRate() / bc1);
        float c = (float) bc2Sqrt, e = (float) eps;
        float b1 = (float) beta1, r1 = (float) (1 - beta1), b2 = (float) beta2, r2 = (float) (1 - beta2);
        float[] m = slot("exp_avg")[index];
        float[] v = slot("exp_avg_sq")[index];
        float[] vMax = amsgrad ? slot("max_exp_avg_sq")[index] : null;
        for (int j = from; j < to; j++) {
            float gj = g[j];
            float mj = m[j] * b1 + r1 * gj;
            float vj = v[j] * b2 + r2 * gj * gj;
            m[j] = mj;
            v[j] = vj;
            if (vMax != null) {
                vj = Math.max(vMax[j], vj);
                vMax[j] = vj;
            }
            float denom = (float) Math.sqrt(vj) / c + e;
            w[j] -= stepSize * (mj / denom);
        }
    }
}
