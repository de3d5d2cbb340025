package jcnn.nn.activation;

import jcnn.kernel.Parallel;
import jcnn.nn.Layer;
import jcnn.tensor.Tensor;

/**
 * The softmax family along dim 1 — {@link Softmax}, {@link Softmin} and {@link LogSoftmax} — sharing one
 * numerically stable kernel.
 *
 * <p>Layout: an input of shape (N, C, d2, d3, ...) (rank ≥ 2) is N·d2·d3··· rows of C values each: the row of
 * (n, i) holds x[n][c][i] for c = 0..C−1, at offset n·C·S + c·S + i with S = d2·d3···, i.e. stride S. For the
 * usual (N, C) scores S = 1 and every row is contiguous; for (N, C, H, W) maps each pixel is normalised over the
 * channels, as PyTorch's {@code dim=1}.
 *
 * <p>Stability: with t = s·x (s = 1, or −1 for softmin) and m = max over the row, every exponential is
 * e^(t − m) ≤ 1, so nothing overflows, and the sum is accumulated in double. NaN anywhere in a row makes the
 * whole row NaN, as in PyTorch.
 */
public abstract sealed class SoftmaxAlongChannels extends Layer permits Softmax, Softmin, LogSoftmax {
    private static final int PARALLEL_MIN = 1 << 14;

    private final float sign;
    private final boolean log;
    private Tensor output;
    private Tensor gradInput;
    private boolean trained;

    SoftmaxAlongChannels(float sign, boolean log) {
        this.sign = sign;
        this.log = log;
    }

    @Override
    public final int[] outputShape(int... inputShape) {
        if (inputShape.length < 2) {
            throw error("expected an input of rank >= 2 (N, C, ...) to normalise along dim 1, got shape "
                    + Tensor.shapeString(inputShape));
        }
        return inputShape.clone();
    }

    @Override
    public final Tensor forward(Tensor x, boolean training) {
        int[] shape = outputShape(x.shape());
        output = Tensor.reuse(output, shape);
        int c = shape[1];
        int rows = c == 0 ? 0 : x.numel() / c;
        int stride = rows == 0 ? 1 : rows / shape[0];
        float[] in = x.data(), out = output.data();
        if (x.numel() < PARALLEL_MIN) forwardRows(in, out, c, stride, 0, rows);
        else Parallel.forRange(rows, (r0, r1, chunk) -> forwardRows(in, out, c, stride, r0, r1));
        trained = training;
        return output;
    }

    @Override
    public final Tensor backward(Tensor dy) {
        checkGradOutput(dy, trained ? output : null);
        if (!isInputGradRequired()) return null;
        int[] shape = output.shape();
        gradInput = Tensor.reuse(gradInput, shape);
        int c = shape[1];
        int rows = c == 0 ? 0 : dy.numel() / c;
        int stride = rows == 0 ? 1 : rows / shape[0];
        float[] y = output.data(), g = dy.data(), dx = gradInput.data();
        if (dy.numel() < PARALLEL_MIN) backwardRows(y, g, dx, c, stride, 0, rows);
        else Parallel.forRange(rows, (r0, r1, chunk) -> backwardRows(y, g, dx, c, stride, r0, r1));
        return gradInput;
    }

    /** The offset of element 0 of row {@code r}: rows run over (n, i) with i fastest. */
    private static int rowStart(int r, int c, int stride) {
        return (r / stride) * c * stride + r % stride;
    }

    private void forwardRows(float[] x, float[] y, int c, int stride, int r0, int r1) {
        float s = sign;
        for (int r = r0; r < r1; r++) {
            int o = rowStart(r, c, stride), end = o + c * stride;
            float m = Float.NEGATIVE_INFINITY;
            for (int k = o; k < end; k += stride) m = Math.max(m, s * x[k]);
            double sum = 0;
            if (log) {
                for (int k = o; k < end; k += stride) sum += Math.exp((double) (s * x[k]) - m);
                double shift = m + Math.log(sum);
                for (int k = o; k < end; k += stride) y[k] = (float) ((double) (s * x[k]) - shift);
            } else {
                for (int k = o; k < end; k += stride) {
                    double e = Math.exp((double) (s * x[k]) - m);
                    y[k] = (float) e;
                    sum += e;
                }
                double inv = 1 / sum;
                for (int k = o; k < end; k += stride) y[k] = (float) (y[k] * inv);
            }
        }
    }

    /**
     * Softmax (s = ±1): dx_k = s·y_k·(dy_k − Σ_j dy_j·y_j). Log-softmax: dx_k = dy_k − e^(y_k)·Σ_j dy_j.
     */
    private void backwardRows(float[] y, float[] dy, float[] dx, int c, int stride, int r0, int r1) {
        float s = sign;
        for (int r = r0; r < r1; r++) {
            int o = rowStart(r, c, stride), end = o + c * stride;
            double sum = 0;
            if (log) {
                for (int k = o; k < end; k += stride) sum += dy[k];
                for (int k = o; k < end; k += stride) dx[k] = (float) (dy[k] - Math.exp(y[k]) * sum);
            } else {
                for (int k = o; k < end; k += stride) sum += (double) dy[k] * y[k];
                for (int k = o; k < end; k += stride) dx[k] = (float) (s * y[k] * (dy[k] - sum));
            }
        }
    }

    /** PyTorch's repr; the dimension is always 1. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "(dim=1)";
    }
}
