package jcnn.nn;

/**
 * 1-D max pooling over (N, C, L): {@link MaxPool2d} on height 1. Options {@code stride} (default: kernelSize),
 * {@code padding}, {@code dilation}, {@code ceilMode}, {@code returnIndices}.
 *
 * <p>Shape: (N, C, L) → (N, C, L_out), {@code L_out = floor((L + 2·padding - dilation·(k-1) - 1) / stride) + 1}.
 */
public final class MaxPool1d extends MaxPool2d {

    public MaxPool1d(int kernelSize) {
        super(1, 1, kernelSize);
    }

    @Override
    public MaxPool2d dilation(int d) {
        return super.dilation(1, d);
    }
}
