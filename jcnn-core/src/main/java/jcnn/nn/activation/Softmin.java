package jcnn.nn.activation;

/**
 * Softmin along dim 1 (PyTorch's {@code nn.Softmin(dim=1)}): the softmax of −x, giving the largest weight to
 * the smallest value:
 * <pre>
 *   y_k = e^(−x_k) / Σ_j e^(−x_j)
 *   dx_k = −y_k·(dy_k − Σ_j dy_j·y_j)
 * </pre>
 * Shape: (N, C, ...), rank ≥ 2, output of the same shape (see {@link SoftmaxAlongChannels}).
 */
public final class Softmin extends SoftmaxAlongChannels {
    public Softmin() {
        super(-1f, false);
    }
}
