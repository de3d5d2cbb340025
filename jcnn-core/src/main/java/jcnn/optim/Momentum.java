package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Momentum SGD (the seeds' MSGD): {@link SGD} with momentum μ = 0.9 by default. In PyTorch's form
 * {@code b = μ·b + g; w -= lr·b}, which for a constant learning rate is Sutskever et al. (2013)'s classical
 * momentum {@code v = μ·v - lr·g; w += v} with {@code v = -lr·b}. Change μ with {@link #momentum(double)}.
 */
public final class Momentum extends SGD {
    public Momentum(List<Parameter> params, double lr) {
        super(params, lr);
        momentum(0.9);
    }

    @Override
    public String name() {
        return "Momentum";
    }
}
