package jcnn.nn;

import jcnn.tensor.Tensor;

/**
 * Batch normalisation of feature vectors and sequences (Ioffe &amp; Szegedy 2015), PyTorch's
 * {@code nn.BatchNorm1d}: each feature (channel) is normalised with the mean and variance over the batch (and,
 * for sequences, the length), then scaled by γ and shifted by β. Options, buffers and formulas: see
 * {@link BatchNormNd}.
 *
 * <p>Shape: input (N, C) — e.g. after a {@link Linear} — or (N, C, L) — e.g. after a {@link Conv1d} — with
 * C = numFeatures; output the same shape. Training needs N &gt; 1 for (N, C) and N·L &gt; 1 for (N, C, L).
 *
 * <pre>{@code
 * Sequential m = new Sequential(new Linear(784, 100), new BatchNorm1d(100), new ReLU(), new Linear(100, 10));
 * }</pre>
 */
public final class BatchNorm1d extends BatchNormNd<BatchNorm1d> {

    /** Normalises numFeatures features, with PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking stats. */
    public BatchNorm1d(int numFeatures) {
        super(numFeatures);
    }

    @Override
    void checkInput(int[] shape) {
        if (shape.length != 2 && shape.length != 3) {
            throw error("expected a 2-D input (N, C) or a 3-D input (N, C, L), got shape " + Tensor.shapeString(shape));
        }
        checkDim(shape, 1, numFeatures(), "channels C", shape.length == 2 ? "(N, C)" : "(N, C, L)");
    }
}
