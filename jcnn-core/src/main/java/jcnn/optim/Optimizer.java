package jcnn.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;

/**
 * A gradient-descent method: updates a fixed list of {@link Parameter}s from the gradients that the last
 * backward pass left in them. The seeds' "optimizer" concept; PyTorch's {@code torch.optim.Optimizer}.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3).betas(0.9, 0.999).weightDecay(5e-4).clipGradNorm(1.0);
 * for (batch : loader) {
 *     double loss = forwardAndBackward(batch);               // sets every Parameter.grad()
 *     opt.step(loss, () -> forwardAndBackward(batch));        // the closure is needed by SAM, the loss by Eve
 * }
 * }</pre>
 *
 * <p>One {@link #step(double, Closure) step}: (1) the gradients are clipped in place, first to the global
 * norm {@link #clipGradNorm(double)} then to {@link #clipGradValue(double)} (each off unless set), exactly as
 * {@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_} called before {@code optimizer.step()};
 * (2) L2 weight decay adds {@code weightDecay·w} to the gradient the rule sees (PyTorch style; the stored
 * gradient is left alone); AdamW decays the weights directly instead; (3) the step count is incremented (the
 * rule sees t = 1 on the first step) and the optimizer's rule runs.
 *
 * <p>State: the per-parameter arrays of a rule ("slots", PyTorch's {@code state[p]}) are float32 arrays
 * aligned with each {@link Parameter#value()}; {@link #state()} exports them with every scalar, and
 * {@link #loadState(Map)} restores them, so that a run resumed from a saved state continues bit for bit.
 * Hyper-parameters are not state: a resumed optimizer is built with the same settings.
 *
 * <p>Loops run over plain float arrays. Everything is deterministic; the two Santa methods draw their noise
 * from a counter-based generator keyed by (seed, step, parameter, element).
 */
public abstract class Optimizer {
    /** The name of the step-count entry of {@link #state()}. */
    public static final String STEP = "step";

    private final List<Parameter> params;
    private double lr;
    private long steps;
    private double weightDecay;
    private final EnumSet<Parameter.Kind> decayKinds = EnumSet.allOf(Parameter.Kind.class);
    private double maxGradNorm; // 0: off
    private double maxGradValue; // 0: off
    private final Map<String, float[][]> slots = new LinkedHashMap<>();
    private final Map<String, Float> scalars = new LinkedHashMap<>();
    private float[][] decayedGrad; // scratch: gradient + weightDecay·w

    /**
     * @param params the parameters to train, each once (not empty)
     * @param lr     the learning rate, finite and {@code >= 0}
     */
    protected Optimizer(List<Parameter> params, double lr) {
        if (params == null) throw new IllegalArgumentException(name() + ": the parameter list is null");
        if (params.isEmpty()) throw new IllegalArgumentException(name() + ": the parameter list is empty");
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (p == null) throw new IllegalArgumentException(name() + ": parameter " + i + " is null");
            if (!seen.add(p)) {
                throw new IllegalArgumentException(name() + ": parameter " + i + " (" + p + ") appears more than once");
            }
        }
        this.params = List.copyOf(params);
        this.lr = checkLearningRate(lr);
    }

    // ---------------------------------------------------------------------------------------------------
    // The step
    // ---------------------------------------------------------------------------------------------------

    /** One step without a loss value or closure: {@code step(Double.NaN, null)}. Eve and SAM need more. */
    public final void step() {
        step(Double.NaN, null);
    }

    /**
     * One step from the gradients now in the parameters.
     *
     * @param loss    this batch's loss at the current weights (NaN when unknown); Eve adapts to it
     * @param closure re-runs forward and backward on the same batch at the current weights, leaving fresh
     *                gradients and returning the loss (null when not available); SAM needs it
     */
    public final void step(double loss, Closure closure) {
        checkStep(loss, closure);
        allocateState();
        clipGradients();
        steps++;
        update(loss, closure);
    }

    /** Throws, before anything changes, when this step cannot be taken with these arguments. */
    protected void checkStep(double loss, Closure closure) {}

    /**
     * The rule. The default runs {@link #beginStep(double)} once, then {@link #updateParameter} for every
     * parameter with the gradient after weight decay.
     */
    protected void update(double loss, Closure closure) {
        beginStep(loss);
        for (int i = 0; i < params.size(); i++) {
            float[] w = params.get(i).value().data(), g = gradient(i);
            final int index = i;
            if (elementwise() && w.length >= PARALLEL_MIN) {
                // every element follows the rule on its own, so ranges can be updated in parallel (in parts claimed
                // as the threads come: the caller starts at once, a parked worker tens of microseconds later)
                jcnn.kernel.Parallel.forParts(w.length, 8, (from, to, part, worker) -> updateRange(index, w, g, from, to));
            } else {
                updateParameter(i, w, g);
            }
        }
    }

    /** Parameters at least this large are updated by all threads when the rule is {@link #elementwise()}. */
    static final int PARALLEL_MIN = 1 << 16;

    /**
     * True when the rule updates each element from that element's own state alone (Adam, SGD...), so that
     * {@link #updateRange} may run on parts of a parameter in parallel without changing any result.
     */
    protected boolean elementwise() {
        return false;
    }

    /** Updates elements [from, to) of parameter {@code index}; only for {@link #elementwise()} rules. */
    protected void updateRange(int index, float[] w, float[] g, int from, int to) {
        throw new IllegalStateException(name() + " does not update ranges");
    }

    /** Per-step scalar work (bias corrections, schedules of the rule), before the parameter loop. */
    protected void beginStep(double loss) {}

    /**
     * Updates parameter {@code index} in place.
     *
     * @param w the parameter's values
     * @param g its gradient, weight decay included (do not modify)
     */
    protected void updateParameter(int index, float[] w, float[] g) {
        throw new IllegalStateException(name() + " does not update parameters one at a time");
    }

    /** The gradient of parameter {@code index} that the rule sees: the stored one plus L2 weight decay. */
    protected final float[] gradient(int index) {
        Parameter p = params.get(index);
        float[] g = p.grad().data();
        double wd = weightDecayOf(index);
        if (wd == 0 || decoupledWeightDecay()) return g;
        if (decayedGrad == null) decayedGrad = new float[params.size()][];
        if (decayedGrad[index] == null) decayedGrad[index] = new float[g.length];
        float[] out = decayedGrad[index];
        float[] w = p.value().data();
        float f = (float) wd;
        for (int j = 0; j < g.length; j++) out[j] = g[j] + f * w[j];
        return out;
    }

    /** True when the rule applies weight decay to the weights itself (AdamW) instead of to the gradient. */
    protected boolean decoupledWeightDecay() {
        return false;
    }

    /** The weight decay for parameter {@code index}: {@link #weightDecay()} or 0 for an excluded kind. */
    protected final double weightDecayOf(int index) {
        return decayKinds.contains(params.get(index).kind()) ? weightDecay : 0;
    }

    private void clipGradients() {
        if (maxGradNorm > 0) {
            double total = globalGradNorm();
            double coef = maxGradNorm / (total + 1e-6); // torch.nn.utils.clip_grad_norm_
            if (coef < 1) {
                float c = (float) coef;
                for (Parameter p : params) {
                    float[] g = p.grad().data();
                    for (int j = 0; j < g.length; j++) g[j] *= c;
                }
            }
        }
        if (maxGradValue > 0) {
            float hi = (float) maxGradValue;
            float lo = -hi;
            for (Parameter p : params) {
                float[] g = p.grad().data();
                for (int j = 0; j < g.length; j++) g[j] = Math.min(Math.max(g[j], lo), hi);
            }
        }
    }

    /** The L2 norm of all the stored gradients together, accumulated in double. */
    protected final double globalGradNorm() {
        double sum = 0;
        for (Parameter p : params) {
            for (float v : p.grad().data()) sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    // ---------------------------------------------------------------------------------------------------
    // Settings
    // ---------------------------------------------------------------------------------------------------

    /** The catalogue name ("Adam", "RMSpropGraves", ...), as {@link Optimizers#byName} knows it. */
    public abstract String name();

    /** The parameters, in order (unmodifiable). */
    public List<Parameter> parameters() {
        return params;
    }

    public double learningRate() {
        return lr;
    }

    /** Sets the learning rate (finite, {@code >= 0}); schedules call this every batch. */
    public void setLearningRate(double lr) {
        this.lr = checkLearningRate(lr);
    }

    /** The number of steps taken (restored by {@link #loadState}). */
    public long steps() {
        return steps;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /**
     * L2 weight decay (finite, {@code >= 0}; 0 = off): {@code weightDecay·w} is added to the gradient the rule
     * sees, as PyTorch's {@code weight_decay}. AdamW instead multiplies the weights by {@code 1 - lr·weightDecay}
     * before its update (decoupled, Loshchilov &amp; Hutter 2019). Applies to every parameter unless
     * restricted with {@link #weightDecayOn}.
     */
    public Optimizer weightDecay(double weightDecay) {
        this.weightDecay = checkNonNegative("weightDecay", weightDecay);
        return this;
    }

    /** Restricts weight decay to parameters of the given kinds (e.g. {@code WEIGHT} only: no decay on biases). */
    public Optimizer weightDecayOn(Parameter.Kind... kinds) {
        if (kinds == null || kinds.length == 0) {
            throw new IllegalArgumentException(name() + ": weightDecayOn needs at least one parameter kind");
        }
        decayKinds.clear();
        for (Parameter.Kind k : kinds) {
            if (k == null) throw new IllegalArgumentException(name() + ": weightDecayOn got a null kind");
            decayKinds.add(k);
        }
        return this;
    }

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}
     * ({@code torch.nn.utils.clip_grad_norm_}: factor {@code maxNorm / (norm + 1e-6)} when below 1).
     * {@code maxNorm > 0}; 0 turns clipping off.
     */
    public Optimizer clipGradNorm(double maxNorm) {
        this.maxGradNorm = checkNonNegative("clipGradNorm", maxNorm);
        return this;
    }

    /** Clamps every gradient element to [-value, value] ({@code clip_grad_value_}); 0 turns it off. */
    public Optimizer clipGradValue(double value) {
        this.maxGradValue = checkNonNegative("clipGradValue", value);
        return this;
    }

    public double clipGradNorm() {
        return maxGradNorm;
    }

    public double clipGradValue() {
        return maxGradValue;
    }

    /** "Adam(lr=0.001, betas=(0.9, 0.999), ..., weightDecay=0, clipGradNorm=off, clipGradValue=off)". */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name()).append("(lr=").append(fmt(learningRate()));
        String s = settings();
        if (!s.isEmpty()) sb.append(", ").append(s);
        sb.append(", weightDecay=").append(fmt(weightDecay));
        if (decayKinds.size() < Parameter.Kind.values().length) sb.append(", weightDecayOn=").append(decayKinds);
        sb.append(", clipGradNorm=").append(maxGradNorm > 0 ? fmt(maxGradNorm) : "off");
        sb.append(", clipGradValue=").append(maxGradValue > 0 ? fmt(maxGradValue) : "off");
        return sb.append(')').toString();
    }

    /** The rule's own settings for {@link #toString()}, e.g. {@code "betas=(0.9, 0.999), eps=1e-8"}. */
    protected String settings() {
        return "";
    }

    /** A number as toString prints it: 0.001, 1e-8, 0.9, 10. */
    protected static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = Double.toString(v);
        int e = s.indexOf('E');
        if (e < 0) return s;
        String mantissa = s.substring(0, e);
        if (mantissa.endsWith(".0")) mantissa = mantissa.substring(0, mantissa.length() - 2);
        return mantissa + "e" + s.substring(e + 1);
    }

    // ---------------------------------------------------------------------------------------------------
    // Validation helpers
    // ---------------------------------------------------------------------------------------------------

    private double checkLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name() + ": the learning rate must be a finite number >= 0, got " + lr);
        }
        return lr;
    }

    /** Checks {@code 0 <= value < infinity}. */
    protected final double checkNonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name() + ": " + what + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    /** Checks {@code 0 < value < infinity}. */
    protected final double checkPositive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name() + ": " + what + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    /** Checks {@code 0 <= value < 1} (decay rates such as betas). */
    protected final double checkUnitInterval(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name() + ": " + what + " must be in [0, 1), got " + value);
        }
        return value;
    }

    // ---------------------------------------------------------------------------------------------------
    // State
    // ---------------------------------------------------------------------------------------------------

    /** The names of the rule's per-parameter slots under the current settings (e.g. "exp_avg", "exp_avg_sq"). */
    protected List<String> slotNames() {
        return List.of();
    }

    /** The value a slot starts at (0 unless overridden: Adagrad's initial accumulator, SMORMS3's memory). */
    protected float slotInitialValue(String slot) {
        return 0f;
    }

    /** The names of the rule's scalar state (e.g. NAdam's "mu_product"). */
    protected List<String> scalarNames() {
        return List.of();
    }

    /** The value a scalar starts at. */
    protected float scalarInitialValue(String scalar) {
        return 0f;
    }

    /** The arrays of a slot, one per parameter (created at their initial value on first use). */
    protected final float[][] slot(String name) {
        float[][] s = slots.get(name);
        if (s == null) {
            s = new float[params.size()][];
            float init = slotInitialValue(name);
            for (int i = 0; i < s.length; i++) {
                s[i] = new float[params.get(i).numel()];
                if (init != 0f) java.util.Arrays.fill(s[i], init);
            }
            slots.put(name, s);
        }
        return s;
    }

    /**
     * A scalar of the state. Scalars are kept in float precision (as {@link #state()} exports them), so a
     * resumed run sees exactly the values the uninterrupted one saw.
     */
    protected final float scalar(String name) {
        Float v = scalars.get(name);
        if (v == null) {
            v = scalarInitialValue(name);
            scalars.put(name, v);
        }
        return v;
    }

    /** Sets a scalar, rounded to float. */
    protected final void setScalar(String name, double value) {
        scalars.put(name, (float) value);
    }

    private void allocateState() {
        for (String s : slotNames()) slot(s);
        for (String s : scalarNames()) scalar(s);
    }

    /**
     * Everything needed to resume: {@code "step"}, a tensor of shape (2,) holding the step count as
     * {@code {count / 2^24, count % 2^24}} (both exact in float32); each scalar of the rule as a tensor of
     * shape (1,); and each per-parameter slot as {@code "<index>.<slot>"} with the parameter's shape
     * (e.g. {@code "0.exp_avg"}). The tensors are copies.
     */
    public Map<String, Tensor> state() {
        allocateState();
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(STEP, encodeCount(steps));
        for (String s : scalarNames()) out.put(s, Tensor.of(new float[] {scalar(s)}, 1));
        List<String> names = slotNames();
        for (int i = 0; i < params.size(); i++) {
            for (String s : names) out.put(i + "." + s, Tensor.of(slot(s)[i], params.get(i).shape()));
        }
        return out;
    }

    /**
     * Restores a {@link #state()} (of an optimizer of the same kind, settings and parameter shapes). Every
     * name and shape is checked first: a missing, unexpected or mis-shaped entry, or a step count that is not
     * a count, throws {@link IllegalArgumentException} naming it, and the optimizer is left unchanged.
     */
    public final void loadState(Map<String, Tensor> state) {
        if (state == null) throw new IllegalArgumentException(name() + ".loadState: the state is null");
        checkState(state);
        applyState(state);
    }

    /** The names and shapes {@link #loadState} expects, in {@link #state()}'s order. */
    protected Map<String, int[]> expectedState() {
        Map<String, int[]> out = new LinkedHashMap<>();
        out.put(STEP, new int[] {2});
        for (String s : scalarNames()) out.put(s, new int[] {1});
        List<String> names = slotNames();
        for (int i = 0; i < params.size(); i++) {
            for (String s : names) out.put(i + "." + s, params.get(i).shape());
        }
        return out;
    }

    /** Throws {@link IllegalArgumentException} naming the first problem of {@code state}; changes nothing. */
    protected void checkState(Map<String, Tensor> state) {
        Map<String, int[]> expected = expectedState();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            String key = e.getKey();
            if (!state.containsKey(key)) {
                throw new IllegalArgumentException(name() + ".loadState: missing '" + key + "' of shape "
                        + Tensor.shapeString(e.getValue()) + "; expected entries " + expected.keySet());
            }
            Tensor t = state.get(key);
            if (t == null) throw new IllegalArgumentException(name() + ".loadState: '" + key + "' is null");
            if (!t.hasShape(e.getValue())) {
                throw new IllegalArgumentException(name() + ".loadState: '" + key + "' has shape "
                        + Tensor.shapeString(t.shape()) + ", expected " + Tensor.shapeString(e.getValue()));
            }
        }
        for (String key : state.keySet()) {
            if (!expected.containsKey(key)) {
                throw new IllegalArgumentException(name() + ".loadState: unexpected entry '" + key
                        + "'; expected entries " + expected.keySet());
            }
        }
        decodeCount(state.get(STEP), name() + ".loadState: '" + STEP + "'");
    }

    /** Copies a checked state in. */
    protected void applyState(Map<String, Tensor> state) {
        steps = decodeCount(state.get(STEP), STEP);
        for (String s : scalarNames()) setScalar(s, state.get(s).data()[0]);
        List<String> names = slotNames();
        for (String s : names) {
            float[][] arrays = slot(s);
            for (int i = 0; i < params.size(); i++) {
                System.arraycopy(state.get(i + "." + s).data(), 0, arrays[i], 0, arrays[i].length);
            }
        }
    }

    private static final long COUNT_BASE = 1L << 24;

    static Tensor encodeCount(long count) {
        return Tensor.of(new float[] {count / COUNT_BASE, count % COUNT_BASE}, 2);
    }

    static long decodeCount(Tensor t, String what) {
        float hi = t.data()[0], lo = t.data()[1];
        if (!(hi >= 0 && lo >= 0 && lo < COUNT_BASE && hi == Math.rint(hi) && lo == Math.rint(lo) && hi < COUNT_BASE)) {
            throw new IllegalArgumentException(what + " must hold a step count as {count / 2^24, count % 2^24}, got ["
                    + hi + ", " + lo + "]");
        }
        return (long) hi * COUNT_BASE + (long) lo;
    }

    /** The non-null names, in order: {@link #slotNames()} with optional slots, {@code names("a", on ? "b" : null)}. */
    protected static List<String> names(String... names) {
        List<String> out = new ArrayList<>(names.length);
        for (String n : names) if (n != null) out.add(n);
        return out;
    }
}
