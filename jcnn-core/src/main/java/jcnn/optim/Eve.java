package jcnn.optim;

import java.util.List;
import jcnn.nn.Parameter;

/**
 * Eve (Koushik &amp; Hayashi 2016, "Improving Stochastic Gradient Descent with Feedback", Algorithm 1): Adam
 * whose step is divided by d_t, a smoothed relative change of the objective, so the step shrinks while the
 * loss jumps around and grows while it changes little. It needs the loss of each batch ({@link
 * #step(double, Closure)}; with no loss it evaluates the closure), which must be {@code >= 0} (subtract a lower
 * bound otherwise) and {@code > 0} on the first step:
 * <pre>
 *   m, v, m̂, v̂ as Adam
 *   t = 1:  f̂ = f,  d = 1
 *   t > 1:  (δ, Δ) = f >= f̂ ? (k + 1, K + 1) : (1/(K + 1), 1/(k + 1))
 *           c = min(max(δ, f / f̂), Δ);   f̂' = c·f̂
 *           r = |f̂' - f̂| / min(f̂', f̂);   d = β3·d + (1 - β3)·r;   f̂ = f̂'
 *   w -= lr · m̂ / (d·√v̂ + eps)
 * </pre>
 * Defaults (the paper's): lr 0.001, betas (0.9, 0.999, 0.999), k 0.1, K 10, eps 1e-8.
 * State: {@code exp_avg}, {@code exp_avg_sq}, scalars {@code d} and {@code f_hat} (float precision).
 */
public final class Eve extends Optimizer {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double beta3 = 0.999;
    private double k = 0.1;
    private double bigK = 10;
    private double eps = 1e-8;

    public Eve(List<Parameter> params, double lr) {
        super(params, lr);
    }

    public Eve betas(double beta1, double beta2, double beta3) {
        this.beta1 = checkUnitInterval("beta1", beta1);
        this.beta2 = checkUnitInterval("beta2", beta2);
        this.beta3 = checkUnitInterval("beta3", beta3);
        return this;
    }

    /** The lower and upper thresholds k and K of the relative change ({@code 0 < k}, {@code 0 < K}). */
    public Eve thresholds(double k, double bigK) {
        this.k = checkPositive("k", k);
        this.bigK = checkPositive("K", bigK);
        return this;
    }

    public Eve eps(double eps) {
        this.eps = checkNonNegative("eps", eps);
        return this;
    }

    /** The current feedback coefficient d_t (1 before the second step). */
    public double feedback() {
        return scalar("d");
    }

    @Override
    public String name() {
        return "Eve";
    }

    @Override
    protected String settings() {
        return "betas=(" + fmt(beta1) + ", " + fmt(beta2) + ", " + fmt(beta3) + "), k=" + fmt(k) + ", K=" + fmt(bigK)
                + ", eps=" + fmt(eps);
    }

    @Override
    protected List<String> slotNames() {
        return List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    protected List<String> scalarNames() {
        return List.of("d", "f_hat");
    }

    @Override
    protected float scalarInitialValue(String scalar) {
        return scalar.equals("d") ? 1f : 0f;
    }

    @Override
    protected void checkStep(double loss, Closure closure) {
        if (Double.isNaN(loss) && closure == null) {
            throw new IllegalArgumentException(this + ": Eve needs the batch loss: call step(loss, closure)");
        }
        if (!Double.isNaN(loss)) checkLoss(loss, steps() == 0);
    }

    private void checkLoss(double loss, boolean first) {
        if (!(loss >= 0) || Double.isInfinite(loss) || (first && loss == 0)) {
            throw new IllegalArgumentException(name() + ": the loss must be finite and >= 0 (> 0 on the first step), got "
                    + loss + " at step " + (steps() + (first ? 1 : 0)) + "; subtract a lower bound of the objective");
        }
    }

    @Override
    protected void update(double loss, Closure closure) {
        if (Double.isNaN(loss)) {
            loss = closure.evaluate();
            checkLoss(loss, steps() == 1);
        }
        super.update(loss, closure);
    }

    @Override
    protected void beginStep(double f) {
        if (steps() == 1) {
            setScalar("f_hat", f);
            setScalar("d", 1);
            return;
        }
        double fHat = scalar("f_hat");
        double lo, hi;
        if (f >= fHat) {
            lo = k + 1;
            hi = bigK + 1;
        } else {
            lo = 1 / (bigK + 1);
            hi = 1 / (k + 1);
        }
        double c = Math.min(Math.max(lo, f / fHat), hi);
        double fNew = c * fHat;
        double r = Math.abs(fNew - fHat) / Math.min(fNew, fHat);
        setScalar("d", beta3 * scalar("d") + (1 - beta3) * r);
        setScalar("f_hat", fNew);
    }

    @Override
    protected void updateParameter(int index, float[] w, float[] g) {
        long t = steps();
        double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
        double lr = learningRate(), d = scalar("d");
        float[] m = slot("exp_avg")[index];
        float[] v = slot("exp_avg_sq")[index];
        for (int j = 0; j < w.length; j++) {
            double gj = g[j];
            double mj = beta1 * m[j] + (1 - beta1) * gj;
            double vj = beta2 * v[j] + (1 - beta2) * gj * gj;
            m[j] = (float) mj;
            v[j] = (float) vj;
            w[j] -= (float) (lr * (mj / bc1) / (d * Math.sqrt(vj / bc2) + eps));
        }
    }
}
