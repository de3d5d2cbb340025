package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Nesterov's accelerated gradient (NAG): {@link SGD} with Nesterov momentum and μ = 0.9 by default.
 * Sutskever et al. (2013) write it as {@code v = μ·v - lr·∇f(w + μ·v); w += v}; PyTorch's form
 * {@code b = μ·b + g; w -= lr·(g + μ·b)} is the same method tracking the look-ahead point {@code w + μ·v}
 * (Bengio et al. 2013), so only the gradient at the current weights is needed.
 */
public final class Nesterov extends SGD {
    public Nesterov(List<Parameter> params, double lr) {
        super(params, lr);
        momentum(0.9);
        nesterov(true);
    }

    @Override
    public String name() {
        return "Nesterov";
    }
}
