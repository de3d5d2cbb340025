package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization"): Adam whose weight decay shrinks
 * the weights directly, {@code w *= 1 - lr·weightDecay}, before the Adam update, instead of adding
 * {@code weightDecay·w} to the gradient, so decay is not rescaled by the adaptive denominators. PyTorch 1.13's
 * formulation ({@code torch.optim.AdamW}; the paper's schedule multiplier is the learning rate).
 * Defaults (PyTorch's): lr 0.001, betas (0.9, 0.999), eps 1e-8, weightDecay 0.01, amsgrad off.
 */
public final class AdamW extends Adam {
    public AdamW(List<Parameter> params, double lr) {
        super(params, lr);
        weightDecay(1e-2);
    }

    @Override
    public String name() {
        return "AdamW";
    }

    @Override
    protected boolean decoupledWeightDecay() {
        return true;
    }

    /** Decoupled decay first (w ← w·(1 - lr·λ)), then Adam's step, element by element over the range. */
    @Override
    protected void updateRange(int index, float[] w, float[] g, int from, int to) {
        double wd = weightDecayOf(index);
        if (wd != 0) {
            float keep = (float) (1 - learningRate() * wd);
            for (int j = from; j < to; j++) w[j] *= keep;
        }
        super.updateRange(index, w, g, from, to);
    }
}
