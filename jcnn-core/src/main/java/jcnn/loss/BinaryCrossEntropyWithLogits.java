package jcnn.loss;

import jcnn.tensor.Tensor;

/**
 * Sigmoid followed by binary cross-entropy, as one numerically stable step: PyTorch's
 * {@code nn.BCEWithLogitsLoss} with reduction "mean". For logits z and targets t in [0, 1] (soft labels allowed)
 * of the same shape (any), per element
 * <pre>
 *   loss = -[w·t·log σ(z) + (1 - t)·log(1 - σ(z))]
 *        = (1 - t)·z + (1 + (w - 1)·t)·(log(1 + e^(-|z|)) + max(-z, 0))
 * </pre>
 * averaged over all elements. w is the optional positive-class weight {@code posWeight} (1 without one), which
 * trades recall against precision: w &gt; 1 weighs the positives up. With w = 1 this is the familiar
 * {@code max(z, 0) - z·t + log(1 + e^(-|z|))}. The exponent is never positive, so no |z| overflows, and
 * {@code log1p} keeps the small terms.
 *
 * <p>posWeight has one value per class, broadcast along the last dimension as in PyTorch: shape (C,) for
 * logits (..., C), or a single value (shape (1,)) for all elements.
 *
 * <p>Backward: {@code dLoss/dz = ((1 + (w - 1)·t)·σ(z) - w·t) / numel}, i.e. {@code (σ(z) - t) / numel} with w = 1.
 */
public final class BinaryCrossEntropyWithLogits implements Loss {
    private final Tensor posWeight;
    private Tensor grad;
    private boolean ready;

    public BinaryCrossEntropyWithLogits() {
        this.posWeight = null;
    }

    /** @param posWeight the weight of positive targets per class (C,), or one value (1,); copied */
    public BinaryCrossEntropyWithLogits(Tensor posWeight) {
        if (posWeight == null || posWeight.rank() != 1 || posWeight.numel() == 0) {
            throw new IllegalArgumentException("BinaryCrossEntropyWithLogits: posWeight must have shape (C,), got "
                    + (posWeight == null ? "null" : Tensor.shapeString(posWeight.shape())));
        }
        this.posWeight = posWeight.copy();
    }

    /** The positive-class weights (a copy), or null. */
    public Tensor posWeight() {
        return posWeight == null ? null : posWeight.copy();
    }

    @Override
    public float forward(Tensor logits, Tensor target) {
        if (!logits.hasShape(target.shape())) {
            throw new IllegalArgumentException("BinaryCrossEntropyWithLogits: logits shape " + Tensor.shapeString(logits.shape())
                    + " and target shape " + Tensor.shapeString(target.shape()) + " differ");
        }
        int n = logits.numel();
        if (n == 0) throw new IllegalArgumentException("BinaryCrossEntropyWithLogits: empty logits " + Tensor.shapeString(logits.shape()));
        int classes = 1;
        if (posWeight != null && posWeight.numel() != 1) {
            classes = logits.rank() == 0 ? 1 : logits.size(-1);
            if (posWeight.numel() != classes) {
                throw new IllegalArgumentException("BinaryCrossEntropyWithLogits: posWeight shape " + Tensor.shapeString(posWeight.shape())
                        + " does not match the last dimension of logits shape " + Tensor.shapeString(logits.shape()));
            }
        }
        grad = Tensor.reuse(grad, logits.shape());
        float[] z = logits.data(), t = target.data(), g = grad.data();
        float[] w = posWeight == null ? null : posWeight.data();
        double sum = 0, inv = 1.0 / n;
        for (int i = 0; i < n; i++) {
            double zi = z[i], ti = t[i];
            double wi = w == null ? 1.0 : w[w.length == 1 ? 0 : i % classes];
            double e = Math.exp(-Math.abs(zi));                 // in (0, 1]
            double sigmoid = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
            double logWeight = 1 + (wi - 1) * ti;
            sum += (1 - ti) * zi + logWeight * (Math.log1p(e) + Math.max(-zi, 0));
            g[i] = (float) ((logWeight * sigmoid - wi * ti) * inv);
        }
        ready = true;
        return (float) (sum * inv);
    }

    @Override
    public Tensor backward() {
        if (!ready) throw new IllegalStateException("BinaryCrossEntropyWithLogits: backward called before forward");
        return grad;
    }

    @Override
    public String toString() {
        if (posWeight == null) return "BinaryCrossEntropyWithLogits()";
        return "BinaryCrossEntropyWithLogits(posWeight=" + java.util.Arrays.toString(posWeight.data()) + ")";
    }
}
