package jcnn.loss;

import jcnn.tensor.Tensor;

/**
 * Softmax followed by cross-entropy, as one layer (the book's SoftmaxWithLoss, PyTorch's CrossEntropyLoss):
 * {@code loss = mean_n( logsumexp(z_n) - Σ_c t_nc·z_nc )} for logits z (N, C).
 *
 * <p>Targets are class indices (a tensor of shape (N,) holding 0..C-1, or an {@code int[]}) or a probability
 * per class (N, C), e.g. one-hot. With label smoothing ε the target becomes {@code (1-ε)·t + ε/C}. The
 * log-sum-exp subtracts the row maximum first, so large logits do not overflow.
 *
 * <p>Backward: {@code dLoss/dz = (softmax(z) - t) / N}.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private final float labelSmoothing;
    private Tensor probabilities;
    private Tensor targets;
    private Tensor grad;
    private double[] exps;

    public SoftmaxCrossEntropy() {
        this(0f);
    }

    /** @param labelSmoothing ε in [0, 1): how much of each target is spread uniformly over the classes */
    public SoftmaxCrossEntropy(float labelSmoothing) {
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: labelSmoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
    }

    /** Mean loss for class-index targets. */
    public float forward(Tensor logits, int[] labels) {
        float[] t = new float[labels.length];
        for (int i = 0; i < labels.length; i++) t[i] = labels[i];
        return forward(logits, Tensor.wrap(t, labels.length));
    }

    @Override
    public float forward(Tensor logits, Tensor target) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: expected logits (N, C), got shape " + Tensor.shapeString(logits.shape()));
        }
        int n = logits.size(0), c = logits.size(1);
        probabilities = Tensor.reuse(probabilities, n, c);
        targets = Tensor.reuse(targets, n, c);
        float[] t = targets.data();
        if (target.rank() == 1 && target.size(0) == n) {
            java.util.Arrays.fill(t, labelSmoothing / c);
            for (int i = 0; i < n; i++) {
                float v = target.data()[i];
                int k = (int) v;
                if (k != v || k < 0 || k >= c) {
                    throw new IllegalArgumentException("SoftmaxCrossEntropy: target " + i + " is " + v
                            + ", not a class index in [0, " + c + ")");
                }
                t[i * c + k] += 1f - labelSmoothing;
            }
        } else if (target.hasShape(n, c)) {
            float[] src = target.data();
            for (int i = 0; i < t.length; i++) t[i] = (1f - labelSmoothing) * src[i] + labelSmoothing / c;
        } else {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: logits " + Tensor.shapeString(logits.shape())
                    + " need targets (" + n + ",) of class indices or (" + n + ", " + c + ") of probabilities, got "
                    + Tensor.shapeString(target.shape()));
        }
        float[] z = logits.data(), p = probabilities.data();
        // each exponential computed once (the row's are kept for the normalisation): half of this method's time
        if (exps == null || exps.length < c) exps = new double[c];
        double[] e = exps;
        double total = 0;
        for (int i = 0; i < n; i++) {
            int o = i * c;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) max = Math.max(max, z[o + j]);
            double sum = 0;
            for (int j = 0; j < c; j++) sum += e[j] = Math.exp(z[o + j] - max);
            double logSumExp = max + Math.log(sum);
            for (int j = 0; j < c; j++) {
                p[o + j] = (float) (e[j] / sum);
                if (t[o + j] != 0f) total += t[o + j] * (logSumExp - z[o + j]);
            }
        }
        return (float) (total / n);
    }

    @Override
    public Tensor backward() {
        if (probabilities == null) throw new IllegalStateException("SoftmaxCrossEntropy: backward called before forward");
        int n = probabilities.size(0);
        grad = Tensor.reuse(grad, probabilities.shape());
        float[] p = probabilities.data(), t = targets.data(), g = grad.data();
        float inv = 1f / n;
        for (int i = 0; i < g.length; i++) g[i] = (p[i] - t[i]) * inv;
        return grad;
    }

    /** The softmax probabilities of the last forward (N, C). */
    public Tensor probabilities() {
        return probabilities;
    }

    @Override
    public String toString() {
        return labelSmoothing == 0f ? "SoftmaxCrossEntropy()" : "SoftmaxCrossEntropy(labelSmoothing=" + labelSmoothing + ")";
    }
}
