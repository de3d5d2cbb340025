package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Stochastic gradient descent with optional momentum, dampening and Nesterov momentum, in PyTorch 1.13's
 * formulation ({@code torch.optim.SGD}): with {@code d = g} (plus weight decay),
 * <pre>
 *   momentum = 0:  w -= lr·d
 *   otherwise:     b = d on the first step, else b = μ·b + (1 - dampening)·d
 *                  w -= lr·(nesterov ? d + μ·b : b)
 * </pre>
 * This is the plain SGD of the seeds; {@link Momentum} and {@link Nesterov} are the same rule with momentum
 * 0.9 (Sutskever et al. 2013, "On the importance of initialization and momentum in deep learning"). Defaults:
 * momentum 0, dampening 0, nesterov off. State: {@code momentum_buffer} when momentum is on.
 */
public class SGD extends Optimizer {
    private double momentum;
    private double dampening;
    private boolean nesterov;

    public SGD(List<Parameter> params, double lr) {
        super(params, lr);
    }

    /** Momentum factor μ ({@code >= 0}). */
    public SGD momentum(double momentum) {
        this.momentum = checkNonNegative("momentum", momentum);
        return this;
    }

    /** Dampening of the gradient added to the momentum buffer ({@code >= 0}). */
    public SGD dampening(double dampening) {
        this.dampening = checkNonNegative("dampening", dampening);
        return this;
    }

    /** Nesterov momentum (needs momentum {@code > 0} and dampening 0). */
    public SGD nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public String name() {
        return "SGD";
    }

    @Override
    protected String settings() {
        return "momentum=" + fmt(momentum) + ", dampening=" + fmt(dampening) + ", nesterov=" + nesterov;
    }

    @Override
    protected List<String> slotNames() {
        return momentum != 0 ? List.of("momentum_buffer") : List.of();
    }

    @Override
    protected void checkStep(double loss, Closure closure) {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalStateException(this + ": Nesterov momentum needs momentum > 0 and dampening 0");
        }
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        float lr = (float) learningRate();
        if (momentum == 0) {
            for (int j = 0; j < w.length; j++) w[j] -= lr * g[j];
            return;
        }
        float[] b = slot("momentum_buffer")[index];
        float mu = (float) momentum;
        float keep = (float) (1 - dampening);
        boolean first = steps() == 1;
        for (int j = 0; j < w.length; j++) {
            float bj = first ? g[j] : b[j] * mu + keep * g[j];
            b[j] = bj;
            float d = nesterov ? g[j] + mu * bj : bj;
            w[j] -= lr * d;
        }
    }
}
