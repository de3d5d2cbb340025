package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * RMSprop (Tieleman &amp; Hinton 2012, Coursera "Neural Networks for Machine Learning", lecture 6.5), in
 * PyTorch 1.13's formulation ({@code torch.optim.RMSprop}):
 * <pre>
 *   v = α·v + (1 - α)·g²
 *   centered:  ḡ = α·ḡ + (1 - α)·g;  a = √(v - ḡ²) + eps      else  a = √v + eps
 *   momentum:  b = μ·b + g / a;  w -= lr·b                      else  w -= lr·g / a
 * </pre>
 * Defaults (PyTorch's): lr 0.01, alpha 0.99, eps 1e-8, momentum 0, centered off. (The lecture suggests a decay
 * of 0.9.) State: {@code square_avg}, {@code grad_avg} when centered, {@code momentum_buffer} with momentum.
 * {@link RMSpropGraves} is Graves's variant.
 */
public final class RMSprop extends Optimizer {
    private double alpha = 0.99;
    private double eps = 1e-8;
    private double momentum;
    private boolean centered;

    public RMSprop(List<Parameter> params, double lr) {
        super(params, lr);
    }

    /** Decay rate α of the moving averages, in [0, 1). */
    public RMSprop alpha(double alpha) {
        this.alpha = checkUnitInterval("alpha", alpha);
        return this;
    }

    public RMSprop eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    public RMSprop momentum(double momentum) {
        this.momentum = checkNonNegative("momentum", momentum);
        return this;
    }

    /** Normalises by the estimated variance of the gradient instead of its second moment. */
    public RMSprop centered(boolean centered) {
        this.centered = centered;
        return this;
    }

    @Override
    public String name() {
        return "RMSprop";
    }

    @Override
    protected String settings() {
        return "alpha=" + fmt(alpha) + ", eps=" + fmt(eps) + ", momentum=" + fmt(momentum) + ", centered=" + centered;
    }

    @Override
    protected List<String> slotNames() {
        return names("square_avg", centered ? "grad_avg" : null, momentum > 0 ? "momentum_buffer" : null);
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        float lr = (float) learningRate();
        float a = (float) alpha, rest = (float) (1 - alpha), e = (float) eps, mu = (float) momentum;
        float[] v = slot("square_avg")[index];
        float[] gAvg = centered ? slot("grad_avg")[index] : null;
        float[] b = momentum > 0 ? slot("momentum_buffer")[index] : null;
        for (int j = 0; j < w.length; j++) {
            float gj = g[j];
            float vj = v[j] * a + rest * gj * gj;
            v[j] = vj;
            float avg;
            if (gAvg != null) {
                float mj = gAvg[j] * a + rest * gj;
                gAvg[j] = mj;
                avg = (float) Math.sqrt(vj - mj * mj) + e;
            } else {
                avg = (float) Math.sqrt(vj) + e;
            }
            if (b != null) {
                float bj = b[j] * mu + gj / avg;
                b[j] = bj;
                w[j] -= lr * bj;
            } else {
                w[j] -= lr * (gj / avg);
            }
        }
    }
}
