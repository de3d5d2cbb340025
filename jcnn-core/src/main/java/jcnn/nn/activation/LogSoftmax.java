package jcnn.nn.activation;

/**
 * Log-softmax along dim 1 (PyTorch's {@code nn.LogSoftmax(dim=1)}), the log-probabilities that NLL loss takes:
 * <pre>
 *   y_k = x_k − log Σ_j e^(x_j)  (computed as x_k − m − log Σ_j e^(x_j − m), m = max_j x_j)
 *   dx_k = dy_k − e^(y_k)·Σ_j dy_j
 * </pre>
 * Unlike log(softmax(x)) it stays finite for very negative scores (y ≈ x_k − m rather than log 0 = −∞).
 * Shape: (N, C, ...), rank ≥ 2, output of the same shape (see {@link SoftmaxAlongChannels}).
 */
public final class LogSoftmax extends SoftmaxAlongChannels {
    public LogSoftmax() {
        super(1f, true);
    }
}
