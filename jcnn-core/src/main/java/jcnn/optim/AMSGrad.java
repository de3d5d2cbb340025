package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AMSGrad (Reddi, Kale &amp; Kumar 2018, "On the Convergence of Adam and Beyond"): Adam that divides by the
 * running maximum v̂ = max(v̂, v) of the second-moment average, so the effective step never grows. As in
 * PyTorch ({@code Adam(amsgrad=True)}) Adam's bias corrections are kept (the paper's Algorithm 2 has none and
 * lets the step size decay as lr/√t instead). Defaults: lr 0.001, betas (0.9, 0.999), eps 1e-8.
 */
public final class AMSGrad extends Adam {
    public AMSGrad(List<Parameter> params, double lr) {
        super(params, lr);
        amsgrad(true);
    }

    @Override
    public String name() {
        return "AMSGrad";
    }
}
