package jcnn.nn.activation;

/**
 * Softmax along dim 1 (Bridle, "Probabilistic Interpretation of Feedforward Classification Network Outputs",
 * 1990; the seeds' {@code softmax}; PyTorch's {@code nn.Softmax(dim=1)}): for each row x of C values,
 * <pre>
 *   y_k = e^(x_k) / Σ_j e^(x_j)  (computed as e^(x_k − m) / Σ_j e^(x_j − m), m = max_j x_j)
 *   ∂y_k/∂x_j = y_k·(δ_kj − y_j),   so dx_k = y_k·(dy_k − Σ_j dy_j·y_j)
 * </pre>
 * Shape: (N, C, ...), rank ≥ 2; the output has the input's shape and sums to 1 over dim 1 (see
 * {@link SoftmaxAlongChannels} for the layout and stability). For training a classifier, prefer the fused
 * {@code jcnn.loss.SoftmaxCrossEntropy}, whose gradient is simpler and more accurate.
 */
public final class Softmax extends SoftmaxAlongChannels {
    public Softmax() {
        super(1f, false);
    }
}
