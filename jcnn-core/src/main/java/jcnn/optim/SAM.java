package jcnn.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;

/**
 * Sharpness-Aware Minimization (Foret, Kleiner, Mobahi &amp; Neyshabur 2021, "Sharpness-Aware Minimization for
 * Efficiently Improving Generalization", Algorithm 1): wraps a base optimizer and feeds it the gradient at the
 * worst nearby point instead of the current one:
 * <pre>
 *   ε = ρ · g / (‖g‖ + 1e-12)        (‖g‖: L2 norm over all parameters)
 *   g' = ∇L(w + ε)                   (the closure re-runs forward and backward at w + ε)
 *   restore w, then base.step with g'
 * </pre>
 * Each step therefore costs two forward-backward passes, and {@link #step(double, Closure)} needs the closure
 * ({@link #step()} throws). The weights are restored exactly (from a copy, not by subtracting ε).
 *
 * <p>The learning rate, weight decay and gradient clipping are the base optimizer's (the setters here forward
 * to it); they act on g', while ε uses the raw first gradient. Default ρ = 0.05 (the paper's most common
 * value); {@code new SAM(params, lr)} wraps {@code SGD} with momentum 0.9, the paper's base optimizer. State:
 * {@code "step"} and the base's state with names prefixed {@code "base."}.
 */
public final class SAM extends Optimizer {
    private final Optimizer base;
    private double rho = 0.05;
    private float[][] saved;

    /** SAM over {@code new SGD(params, lr).momentum(0.9)}. */
    public SAM(List<Parameter> params, double lr) {
        this(new SGD(params, lr).momentum(0.9));
    }

    /** SAM over {@code base}, which keeps its settings and parameters. */
    public SAM(Optimizer base) {
        super(checkBase(base).parameters(), base.learningRate());
        this.base = base;
    }

    private static Optimizer checkBase(Optimizer base) {
        if (base == null) throw new IllegalArgumentException("SAM: the base optimizer is null");
        return base;
    }

    /** The neighbourhood radius ρ ({@code > 0}). */
    public SAM rho(double rho) {
        this.rho = checkPositive("rho", rho);
        return this;
    }

    public double rho() {
        return rho;
    }

    public Optimizer base() {
        return base;
    }

    @Override
    public String name() {
        return "SAM";
    }

    @Override
    public double learningRate() {
        return base.learningRate();
    }

    @Override
    public void setLearningRate(double lr) {
        base.setLearningRate(lr);
    }

    @Override
    public double weightDecay() {
        return base.weightDecay();
    }

    @Override
    public SAM weightDecay(double weightDecay) {
        base.weightDecay(weightDecay);
        return this;
    }

    @Override
    public SAM weightDecayOn(Parameter.Kind... kinds) {
        base.weightDecayOn(kinds);
        return this;
    }

    @Override
    public SAM clipGradNorm(double maxNorm) {
        base.clipGradNorm(maxNorm);
        return this;
    }

    @Override
    public SAM clipGradValue(double value) {
        base.clipGradValue(value);
        return this;
    }

    @Override
    public double clipGradNorm() {
        return base.clipGradNorm();
    }

    @Override
    public double clipGradValue() {
        return base.clipGradValue();
    }

    @Override
    public String toString() {
        return "SAM(rho=" + fmt(rho) + ", base=" + base + ")";
    }

    @Override
    protected void checkStep(double loss, Closure closure) {
        if (closure == null) {
            throw new IllegalArgumentException("SAM needs a closure that re-runs forward and backward on the same "
                    + "batch: call step(loss, closure)");
        }
    }

    @Override
    protected void update(double loss, Closure closure) {
        List<Parameter> params = parameters();
        if (saved == null) {
            saved = new float[params.size()][];
            for (int i = 0; i < saved.length; i++) saved[i] = new float[params.get(i).numel()];
        }
        float scale = (float) (rho / (globalGradNorm() + 1e-12));
        for (int i = 0; i < params.size(); i++) {
            float[] w = params.get(i).value().data();
            float[] g = params.get(i).grad().data();
            System.arraycopy(w, 0, saved[i], 0, w.length);
            for (int j = 0; j < w.length; j++) w[j] += scale * g[j];
        }
        try {
            closure.evaluate();
        } finally {
            for (int i = 0; i < params.size(); i++) {
                float[] w = params.get(i).value().data();
                System.arraycopy(saved[i], 0, w, 0, w.length);
            }
        }
        base.step(loss, null);
    }

    // State: our step count and the base's entries under "base.".

    private static final String PREFIX = "base.";

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(STEP, encodeCount(steps()));
        for (Map.Entry<String, Tensor> e : base.state().entrySet()) out.put(PREFIX + e.getKey(), e.getValue());
        return out;
    }

    @Override
    protected Map<String, int[]> expectedState() {
        Map<String, int[]> out = new LinkedHashMap<>();
        out.put(STEP, new int[] {2});
        for (Map.Entry<String, int[]> e : base.expectedState().entrySet()) out.put(PREFIX + e.getKey(), e.getValue());
        return out;
    }

    @Override
    protected void checkState(Map<String, Tensor> state) {
        super.checkState(state); // names and shapes, ours and the base's
        base.checkState(baseState(state));
    }

    @Override
    protected void applyState(Map<String, Tensor> state) {
        super.applyState(Map.of(STEP, state.get(STEP)));
        base.applyState(baseState(state));
    }

    private static Map<String, Tensor> baseState(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) out.put(e.getKey().substring(PREFIX.length()), e.getValue());
        }
        return out;
    }
}
