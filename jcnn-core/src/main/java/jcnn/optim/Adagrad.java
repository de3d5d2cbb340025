package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AdaGrad (Duchi, Hazan &amp; Singer 2011, "Adaptive Subgradient Methods for Online Learning and Stochastic
 * Optimization"), in PyTorch 1.13's formulation ({@code torch.optim.Adagrad}):
 * <pre>
 *   lr_t = lr / (1 + (t - 1)·lrDecay)
 *   s   += g²
 *   w   -= lr_t · g / (√s + eps)
 * </pre>
 * Defaults (PyTorch's): lr 0.01, lrDecay 0, initialAccumulatorValue 0, eps 1e-10. State: {@code sum}.
 */
public final class Adagrad extends Optimizer {
    private double lrDecay;
    private double initialAccumulatorValue;
    private double eps = 1e-10;

    public Adagrad(List<Parameter> params, double lr) {
        super(params, lr);
    }

    public Adagrad lrDecay(double lrDecay) {
        this.lrDecay = checkNonNegative("lrDecay", lrDecay);
        return this;
    }

    /** The value the sum of squares starts at (takes effect when the state is created, at the first step). */
    public Adagrad initialAccumulatorValue(double value) {
        this.initialAccumulatorValue = checkNonNegative("initialAccumulatorValue", value);
        return this;
    }

    public Adagrad eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    @Override
    public String name() {
        return "AdaGrad";
    }

    @Override
    protected String settings() {
        return "lrDecay=" + fmt(lrDecay) + ", initialAccumulatorValue=" + fmt(initialAccumulatorValue) + ", eps=" + fmt(eps);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("sum");
    }

    @Override
    protected float slotInitialValue(String slot) {
        return (float) initialAccumulatorValue;
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        float clr = (float) (learningRate() / (1 + (steps() - 1) * lrDecay));
        float e = (float) eps;
        float[] s = slot("sum")[index];
        for (int j = 0; j < w.length; j++) {
            float sj = s[j] + g[j] * g[j];
            s[j] = sj;
            w[j] -= clr * (g[j] / ((float) Math.sqrt(sj) + e));
        }
    }
}
