package jcnn.loss;

import jcnn.tensor.Tensor;

/**
 * Mean squared error, PyTorch's {@code nn.MSELoss} with reduction "mean" (the book's {@code mean_squared_error},
 * averaged over elements rather than halved): {@code loss = Σ (p - t)² / numel} over every element of
 * prediction p and target t, which must have the same shape (any).
 *
 * <p>Backward: {@code dLoss/dp = 2·(p - t) / numel}. Forward computes it alongside the loss; the sum is
 * accumulated in double.
 */
public final class MeanSquaredError implements Loss {
    private Tensor grad;
    private boolean ready;

    @Override
    public float forward(Tensor prediction, Tensor target) {
        if (!prediction.hasShape(target.shape())) {
            throw new IllegalArgumentException("MeanSquaredError: prediction shape " + Tensor.shapeString(prediction.shape())
                    + " and target shape " + Tensor.shapeString(target.shape()) + " differ");
        }
        int n = prediction.numel();
        if (n == 0) throw new IllegalArgumentException("MeanSquaredError: empty prediction " + Tensor.shapeString(prediction.shape()));
        grad = Tensor.reuse(grad, prediction.shape());
        float[] p = prediction.data(), t = target.data(), g = grad.data();
        double sum = 0, k = 2.0 / n;
        for (int i = 0; i < n; i++) {
            double d = (double) p[i] - t[i];
            sum += d * d;
            g[i] = (float) (k * d);
        }
        ready = true;
        return (float) (sum / n);
    }

    @Override
    public Tensor backward() {
        if (!ready) throw new IllegalStateException("MeanSquaredError: backward called before forward");
        return grad;
    }

    @Override
    public String toString() {
        return "MeanSquaredError()";
    }
}
