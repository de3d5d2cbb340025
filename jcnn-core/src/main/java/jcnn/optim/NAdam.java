package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Nadam (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), with the paper's momentum schedule
 * {@code μ_t = β1·(1 - 0.5·0.96^(t·momentumDecay))} (the paper's 0.96^(t/250)):
 * <pre>
 *   m = β1·m + (1 - β1)·g;   v = β2·v + (1 - β2)·g²;   Π_t = μ_1···μ_t
 *   w -= lr·(1 - μ_t) / (1 - Π_t) · g / d  +  lr·μ_{t+1} / (1 - Π_t·μ_{t+1}) · m / d,
 *   d = √(v / (1 - β2^t)) + eps
 * </pre>
 * This is PyTorch's {@code torch.optim.NAdam} (its foreach path in 1.13, and every path from 2.0; the 1.13
 * single-tensor path multiplies μ_t into Π_{t+1} twice, a bug fixed in 2.0). Π is kept in float32 as PyTorch
 * keeps it. Defaults (PyTorch's): lr 0.002, betas (0.9, 0.999), eps 1e-8, momentumDecay 0.004.
 * State: {@code exp_avg}, {@code exp_avg_sq}, scalar {@code mu_product}.
 */
public final class NAdam extends Optimizer {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double momentumDecay = 4e-3;

    // per step
    private float gradScale, avgScale, bc2Sqrt;

    public NAdam(List<Parameter> params, double lr) {
        super(params, lr);
    }

    public NAdam betas(double beta1, double beta2) {
        this.beta1 = checkUnitInterval("beta1", beta1);
        this.beta2 = checkUnitInterval("beta2", beta2);
        return this;
    }

    public NAdam eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    public NAdam momentumDecay(double momentumDecay) {
        this.momentumDecay = checkNonNegative("momentumDecay", momentumDecay);
        return this;
    }

    @Override
    public String name() {
        return "Nadam";
    }

    @Override
    protected String settings() {
        return "betas=(" + fmt(beta1) + ", " + fmt(beta2) + "), eps=" + fmt(eps) + ", momentumDecay=" + fmt(momentumDecay);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    protected List<String> scalarNames() {
        return List.of("mu_product");
    }

    @Override
    protected float scalarInitialValue(String scalar) {
        return 1f;
    }

    @Override
    protected void beginStep(double loss) {
        long t = steps();
        double mu = beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
        double muNext = beta1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * momentumDecay));
        float product = scalar("mu_product") * (float) mu; // float32, as PyTorch's mu_product tensor
        setScalar("mu_product", product);
        double lr = learningRate();
        gradScale = (float) (lr * (1 - mu) / (1 - product));
        avgScale = (float) (lr * muNext / (1 - product * muNext));
        bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        float b1 = (float) beta1, r1 = (float) (1 - beta1), b2 = (float) beta2, r2 = (float) (1 - beta2), e = (float) eps;
        float[] m = slot("exp_avg")[index];
        float[] v = slot("exp_avg_sq")[index];
        for (int j = 0; j < w.length; j++) {
            float gj = g[j];
            float mj = m[j] * b1 + r1 * gj;
            float vj = v[j] * b2 + r2 * gj * gj;
            m[j] = mj;
            v[j] = vj;
            float denom = (float) Math.sqrt(vj) / bc2Sqrt + e;
            float wj = w[j] - gradScale * (gj / denom);
            w[j] = wj - avgScale * (mj / denom);
        }
    }
}
