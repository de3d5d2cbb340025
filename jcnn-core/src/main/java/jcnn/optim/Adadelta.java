package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AdaDelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method"), in PyTorch 1.13's formulation
 * ({@code torch.optim.Adadelta}), which scales the paper's update by a learning rate:
 * <pre>
 *   v  = ρ·v + (1 - ρ)·g²
 *   Δ  = √(u + eps) / √(v + eps) · g
 *   u  = ρ·u + (1 - ρ)·Δ²
 *   w -= lr·Δ
 * </pre>
 * Defaults (PyTorch's; the paper's ρ = 0.95, ε = 1e-6 with lr 1): lr 1.0, rho 0.9, eps 1e-6.
 * State: {@code square_avg} (v), {@code acc_delta} (u).
 */
public final class Adadelta extends Optimizer {
    private double rho = 0.9;
    private double eps = 1e-6;

    public Adadelta(List<Parameter> params, double lr) {
        super(params, lr);
    }

    /** Decay rate ρ, in [0, 1]. */
    public Adadelta rho(double rho) {
        if (!(rho >= 0 && rho <= 1)) throw new IllegalArgumentException(name() + ": rho must be in [0, 1], got " + rho);
        this.rho = rho;
        return this;
    }

    public Adadelta eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    @Override
    public String name() {
        return "AdaDelta";
    }

    @Override
    protected String settings() {
        return "rho=" + fmt(rho) + ", eps=" + fmt(eps);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("square_avg", "acc_delta");
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        float lr = (float) learningRate();
        float r = (float) rho, rest = (float) (1 - rho), e = (float) eps;
        float[] v = slot("square_avg")[index];
        float[] u = slot("acc_delta")[index];
        for (int j = 0; j < w.length; j++) {
            float gj = g[j];
            float vj = v[j] * r + rest * gj * gj;
            v[j] = vj;
            float std = (float) Math.sqrt(vj + e);
            float delta = (float) Math.sqrt(u[j] + e) / std * gj;
            u[j] = u[j] * r + rest * delta * delta;
            w[j] -= lr * delta;
        }
    }
}
