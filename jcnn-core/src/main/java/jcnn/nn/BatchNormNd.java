package jcnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import jcnn.kernel.BatchNormKernel;
import jcnn.tensor.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share: batch normalisation (Ioffe &amp; Szegedy 2015,
 * "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift") over the
 * channel dimension 1 of an (N, C, ...) input, with PyTorch's options, defaults and names.
 *
 * <p>Per channel c, over the m = N·(spatial size) values of the batch:
 * <pre>
 *   training:   μ = mean(x), σ² = mean((x - μ)²) (biased), y = γ·(x - μ)/√(σ² + ε) + β
 *               running_mean ← (1 - momentum)·running_mean + momentum·μ
 *               running_var  ← (1 - momentum)·running_var  + momentum·σ²·m/(m - 1) (unbiased)
 *               num_batches_tracked ← num_batches_tracked + 1
 *   evaluation: y = γ·(x - running_mean)/√(running_var + ε) + β
 * </pre>
 * With {@link #cumulativeAverage(boolean) cumulativeAverage} (PyTorch's {@code momentum=None}) the factor is
 * 1/num_batches_tracked instead of momentum, i.e. the running statistics are the plain average over all batches.
 * Without {@link #trackRunningStats(boolean) trackRunningStats} there are no buffers and evaluation also uses the
 * batch statistics. Without {@link #affine(boolean) affine} there is no γ and β (γ = 1, β = 0).
 *
 * <p>Backward (after a training forward) is the exact gradient through the batch statistics, see
 * {@link BatchNormKernel#backward}. The input is kept until backward, not a copy of x̂: x̂ is recomputed from x,
 * μ and 1/σ, which costs one pass and saves a buffer the size of the input.
 *
 * <p>State: parameters {@code weight} (γ, initialised to 1) and {@code bias} (β, 0), both of
 * {@link Parameter.Kind#OTHER} so that weight-initialisation schemes leave them alone; buffers
 * {@code running_mean} (0), {@code running_var} (1) and {@code num_batches_tracked} (0, a float tensor of one
 * element; PyTorch's is int64), which {@link Sequential#stateDict()} saves under PyTorch's names.
 *
 * @param <T> the concrete layer, so that option setters chain
 */
abstract class BatchNormNd<T extends BatchNormNd<T>> extends Layer {
    static final double DEFAULT_EPS = 1e-5;
    static final double DEFAULT_MOMENTUM = 0.1;

    private final int numFeatures;
    private double eps = DEFAULT_EPS;
    private double momentum = DEFAULT_MOMENTUM;
    private boolean cumulativeAverage;
    private Parameter weight;
    private Parameter bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor numBatchesTracked;
    private boolean trackRunningStats = true;

    // per-channel work arrays (length C), reused
    private final double[] mean;
    private final double[] var;
    private final double[] invStd;
    private final double[] scale;
    private final double[] shift;

    private Tensor input;       // kept from a training forward until backward
    private Tensor output;
    private Tensor gradInput;

    BatchNormNd(int numFeatures) {
        if (numFeatures < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + "(" + numFeatures + "): numFeatures must be >= 1");
        }
        this.numFeatures = numFeatures;
        this.runningMean = Tensor.zeros(numFeatures);
        this.runningVar = Tensor.full(1f, numFeatures);
        this.numBatchesTracked = Tensor.zeros(1);
        this.mean = new double[numFeatures];
        this.var = new double[numFeatures];
        this.invStd = new double[numFeatures];
        this.scale = new double[numFeatures];
        this.shift = new double[numFeatures];
        affine(true);
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    // ---------------------------------------------------------------------------------------------------
    // Options (PyTorch's constructor arguments)
    // ---------------------------------------------------------------------------------------------------

    /** ε added to the variance before the square root (default 1e-5); must be &gt;= 0. */
    public T eps(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) throw error("eps must be a finite number >= 0, got " + eps);
        this.eps = eps;
        return self();
    }

    /** The running statistics' update factor in [0, 1] (default 0.1); turns {@link #cumulativeAverage} off. */
    public T momentum(double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) throw error("momentum must be in [0, 1], got " + momentum);
        this.momentum = momentum;
        this.cumulativeAverage = false;
        return self();
    }

    /**
     * PyTorch's {@code momentum=None}: running statistics are the cumulative average over all training batches
     * (factor 1/num_batches_tracked) instead of an exponential moving average.
     */
    public T cumulativeAverage(boolean enabled) {
        this.cumulativeAverage = enabled;
        return self();
    }

    /**
     * With a learnable per-channel scale γ ("weight", 1) and shift β ("bias", 0) (default), or without. Switching
     * creates fresh parameters.
     */
    public T affine(boolean enabled) {
        if (enabled) {
            weight = new Parameter("weight", Parameter.Kind.OTHER, Tensor.full(1f, numFeatures), 1, 1);
            bias = new Parameter("bias", Parameter.Kind.OTHER, Tensor.zeros(numFeatures), 1, 1);
        } else {
            weight = null;
            bias = null;
        }
        return self();
    }

    /**
     * Whether training updates running statistics that evaluation then uses (default). Without, the layer has no
     * buffers and always normalises with the statistics of the batch at hand. Either way the statistics restart
     * from mean 0, variance 1.
     */
    public T trackRunningStats(boolean enabled) {
        this.trackRunningStats = enabled;
        resetRunningStats();
        return self();
    }

    public int numFeatures() { return numFeatures; }
    public double eps() { return eps; }
    public double momentum() { return momentum; }
    public boolean isCumulativeAverage() { return cumulativeAverage; }
    public boolean isAffine() { return weight != null; }
    public boolean isTrackingRunningStats() { return trackRunningStats; }

    /** γ (C,), or null without {@link #affine(boolean) affine}. */
    public Parameter weight() { return weight; }

    /** β (C,), or null without {@link #affine(boolean) affine}. */
    public Parameter bias() { return bias; }

    /** The running mean (C,) (kept, but neither updated nor saved, without trackRunningStats). */
    public Tensor runningMean() { return runningMean; }

    /** The running (unbiased) variance (C,). */
    public Tensor runningVar() { return runningVar; }

    /** The number of training batches seen since the last reset, as a float tensor of one element. */
    public Tensor numBatchesTracked() { return numBatchesTracked; }

    /** Running mean 0, variance 1, no batches tracked: PyTorch's {@code reset_running_stats()}. */
    public void resetRunningStats() {
        runningMean.fill(0f);
        runningVar.fill(1f);
        numBatchesTracked.fill(0f);
    }

    @Override
    public List<Parameter> parameters() {
        return weight == null ? List.of() : List.of(weight, bias);
    }

    @Override
    public Map<String, Tensor> buffers() {
        if (!trackRunningStats) return Map.of();
        Map<String, Tensor> b = new LinkedHashMap<>();
        b.put("running_mean", runningMean);
        b.put("running_var", runningVar);
        b.put("num_batches_tracked", numBatchesTracked);
        return b;
    }

    /**
     * PyTorch's {@code reset_parameters()}: γ = 1 and β = 0 whatever the scheme (they are not weights in the sense
     * of He or Xavier), and the running statistics reset. Draws nothing from {@code rng}.
     */
    @Override
    public void initialize(Init init, RandomGenerator rng) {
        if (weight != null) {
            weight.value().fill(1f);
            bias.value().fill(0f);
        }
        resetRunningStats();
    }

    // ---------------------------------------------------------------------------------------------------
    // Shapes
    // ---------------------------------------------------------------------------------------------------

    /** Throws unless {@code shape} is an input this layer takes (rank and channel count). */
    abstract void checkInput(int[] shape);

    @Override
    public int[] outputShape(int... inputShape) {
        checkInput(inputShape);
        return inputShape.clone();
    }

    /** The product of the dimensions after the channel dimension. */
    private static int spatial(int[] shape) {
        int s = 1;
        for (int i = 2; i < shape.length; i++) s *= shape[i];
        return s;
    }

    // ---------------------------------------------------------------------------------------------------
    // Forward and backward
    // ---------------------------------------------------------------------------------------------------

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] shape = x.shape();
        checkInput(shape);
        int n = shape[0], c = numFeatures, s = spatial(shape);
        boolean useBatchStats = training || !trackRunningStats;
        long m = (long) n * s;
        if (useBatchStats && m <= 1) {
            // the variance of one value is 0 (biased) or undefined (unbiased): PyTorch refuses, and so do we
            throw error("Expected more than 1 value per channel when training, got input shape " + Tensor.shapeString(shape));
        }
        output = Tensor.reuse(output, shape);
        float[] g = weight == null ? null : weight.value().data();
        float[] b = bias == null ? null : bias.value().data();
        if (useBatchStats) {
            BatchNormKernel.statistics(x.data(), n, c, s, mean, var);
            for (int ch = 0; ch < c; ch++) {
                invStd[ch] = 1.0 / Math.sqrt(var[ch] + eps);
                scale[ch] = (g == null ? 1.0 : g[ch]) * invStd[ch];
                shift[ch] = b == null ? 0.0 : b[ch];
            }
            BatchNormKernel.normalize(x.data(), output.data(), n, c, s, mean, scale, shift);
            if (training && trackRunningStats) updateRunningStats(m);
        } else {
            float[] rm = runningMean.data(), rv = runningVar.data();
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = rm[ch];
                scale[ch] = (g == null ? 1.0 : g[ch]) / Math.sqrt(rv[ch] + eps);
                shift[ch] = b == null ? 0.0 : b[ch];
            }
            BatchNormKernel.normalize(x.data(), output.data(), n, c, s, mean, scale, shift);
        }
        input = training ? x : null; // mean and invStd now hold its statistics
        return output;
    }

    private void updateRunningStats(long m) {
        float[] nb = numBatchesTracked.data();
        nb[0] += 1f;
        double f = cumulativeAverage ? 1.0 / nb[0] : momentum;
        float[] rm = runningMean.data(), rv = runningVar.data();
        double unbias = (double) m / (m - 1);
        for (int ch = 0; ch < numFeatures; ch++) {
            rm[ch] = (float) ((1 - f) * rm[ch] + f * mean[ch]);
            rv[ch] = (float) ((1 - f) * rv[ch] + f * var[ch] * unbias);
        }
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, output);
        if (input == null) {
            throw new IllegalStateException(this + ": backward needs a forward with training=true");
        }
        int[] shape = input.shape();
        int n = shape[0], s = spatial(shape);
        float[] dx = null;
        if (isInputGradRequired()) {
            gradInput = Tensor.reuse(gradInput, shape);
            dx = gradInput.data();
        }
        BatchNormKernel.backward(input.data(), dy.data(), dx, n, numFeatures, s, mean, invStd,
                weight == null ? null : weight.value().data(),
                weight == null ? null : weight.grad().data(),
                bias == null ? null : bias.grad().data());
        return dx == null ? null : gradInput;
    }

    // ---------------------------------------------------------------------------------------------------
    // Text
    // ---------------------------------------------------------------------------------------------------

    /** "BatchNorm2d(64)", with the non-default options: "BatchNorm2d(64, eps=0.001, momentum=0.01, affine=false)". */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(numFeatures);
        if (eps != DEFAULT_EPS) sb.append(", eps=").append(eps);
        if (cumulativeAverage) sb.append(", cumulativeAverage=true");
        else if (momentum != DEFAULT_MOMENTUM) sb.append(", momentum=").append(momentum);
        if (weight == null) sb.append(", affine=false");
        if (!trackRunningStats) sb.append(", trackRunningStats=false");
        return sb.append(')').toString();
    }
}
