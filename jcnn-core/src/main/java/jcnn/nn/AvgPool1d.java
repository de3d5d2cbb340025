package jcnn.nn;

/**
 * 1-D average pooling over (N, C, L): {@link AvgPool2d} on height 1. Options {@code stride} (default:
 * kernelSize), {@code padding}, {@code ceilMode}, {@code countIncludePad}.
 *
 * <p>Shape: (N, C, L) → (N, C, L_out), {@code L_out = floor((L + 2·padding - k) / stride) + 1}.
 */
public final class AvgPool1d extends AvgPool2d {

    public AvgPool1d(int kernelSize) {
        super(1, 1, kernelSize);
    }
}
