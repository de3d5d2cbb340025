package jcnn.nn;

/**
 * 1-D transposed convolution over (N, C, L): the backward of a {@link Conv1d}, run as {@link ConvTranspose2d}
 * of height 1. Weight (inChannels, outChannels/groups, kernelSize).
 *
 * <p>Shape: (N, C_in, L) → (N, C_out, L_out), {@code L_out = stride·(L-1) - 2·padding + dilation·(k-1) +
 * outputPadding + 1}.
 */
public final class ConvTranspose1d extends ConvNd<ConvTranspose1d> {

    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize) {
        super(1, true, inChannels, outChannels, 1, kernelSize);
    }

    /** Extra output positions at the end; must be smaller than max(stride, dilation). */
    public ConvTranspose1d outputPadding(int p) {
        return outputPadding(0, p);
    }
}
