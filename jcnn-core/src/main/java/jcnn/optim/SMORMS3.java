package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * SMORMS3 (Simon Funk 2015, "RMSprop loses to SMORMS3 - Beware the Epsilon!", sifter.org/~simon/journal):
 * squared mean over root mean squared, cubed. Each weight keeps a memory length {@code mem} that shortens when
 * its gradient is consistent:
 * <pre>
 *   r  = 1 / (mem + 1)
 *   ḡ  = (1 - r)·ḡ + r·g;   ḡ2 = (1 - r)·ḡ2 + r·g²
 *   x  = ḡ² / (ḡ2 + eps)
 *   w -= g · min(lr, x) / (√ḡ2 + eps)
 *   mem = 1 + mem·(1 - x)
 * </pre>
 * Defaults (the post's): lr 0.001, eps 1e-16. State: {@code mem} (starts at 1), {@code g}, {@code g2}.
 */
public final class SMORMS3 extends Optimizer {
    private double eps = 1e-16;

    public SMORMS3(List<Parameter> params, double lr) {
        super(params, lr);
    }

    public SMORMS3 eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    @Override
    public String name() {
        return "SMORMS3";
    }

    @Override
    protected String settings() {
        return "eps=" + fmt(eps);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("mem", "g", "g2");
    }

    @Override
    protected float slotInitialValue(String slot) {
        return slot.equals("mem") ? 1f : 0f;
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        double lr = learningRate();
        float[] mem = slot("mem")[index];
        float[] mean = slot("g")[index];
        float[] sq = slot("g2")[index];
        for (int j = 0; j < w.length; j++) {
            double gj = g[j];
            double r = 1 / (mem[j] + 1.0);
            double mj = (1 - r) * mean[j] + r * gj;
            double sj = (1 - r) * sq[j] + r * gj * gj;
            double x = mj * mj / (sj + eps);
            w[j] -= (float) (gj * Math.min(lr, x) / (Math.sqrt(sj) + eps));
            mem[j] = (float) (1 + mem[j] * (1 - x));
            mean[j] = (float) mj;
            sq[j] = (float) sj;
        }
    }
}
