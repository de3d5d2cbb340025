package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AMSBound (Luo et al. 2019): {@link AdaBound} built on AMSGrad, dividing by the running maximum of the
 * second-moment average. Defaults as AdaBound: lr 0.001, betas (0.9, 0.999), finalLr 0.1, gamma 1e-3, eps 1e-8.
 */
public final class AMSBound extends AdaBound {
    public AMSBound(List<Parameter> params, double lr) {
        super(params, lr);
        amsbound(true);
    }

    @Override
    public String name() {
        return "AMSBound";
    }
}
