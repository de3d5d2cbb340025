package jcnn.nn;

/**
 * Batch normalisation of images (Ioffe &amp; Szegedy 2015), PyTorch's {@code nn.BatchNorm2d}: each channel is
 * normalised with the mean and variance over the batch and both spatial dimensions, then scaled by γ and shifted
 * by β. Options, buffers and formulas: see {@link BatchNormNd}.
 *
 * <p>Shape: input (N, C, H, W) with C = numFeatures; output the same shape. Training needs N·H·W &gt; 1.
 *
 * <pre>{@code
 * Sequential m = new Sequential(new Conv2d(3, 16, 3).padding(1).bias(false), new BatchNorm2d(16), new ReLU());
 * new BatchNorm2d(16).momentum(0.01).eps(1e-3);   // options chain
 * }</pre>
 */
public final class BatchNorm2d extends BatchNormNd<BatchNorm2d> {
    private static final String LAYOUT = "(N, C, H, W)";

    /** Normalises numFeatures channels, with PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking stats. */
    public BatchNorm2d(int numFeatures) {
        super(numFeatures);
    }

    @Override
    void checkInput(int[] shape) {
        checkRank(shape, 4, LAYOUT);
        checkDim(shape, 1, numFeatures(), "channels C", LAYOUT);
    }
}
