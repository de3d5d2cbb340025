package jcnn.nn;

/**
 * 2-D transposed convolution, the seeds' Deconvolution: exactly the backward (input gradient) of a
 * {@link Conv2d} with the same options, used as a forward pass. It computes col2im(Wᵀ · x), which seed 003
 * describes as a convolution of x dilated by {@code stride - 1}, zero-padded by {@code dilation·(k-1) - padding}
 * and convolved with the flipped kernel.
 *
 * <p>Args: {@code inChannels}, {@code outChannels}, {@code kernelSize}; options {@link #stride},
 * {@link #padding} (int or pair, removed from both sides of the output), {@link #outputPadding} (extra rows and
 * columns at the bottom/right, to pick among the input sizes a strided convolution maps to the same size),
 * {@link #dilation}, {@link #groups}, {@link #bias}. Weight (inChannels, outChannels/groups, kH, kW), PyTorch's
 * layout, which is the weight of the convolution it inverts.
 *
 * <p>Shape: (N, C_in, H, W) → (N, C_out, H_out, W_out) with
 * <pre>  H_out = stride·(H - 1) - 2·padding + dilation·(kH - 1) + outputPadding + 1</pre>
 * (the seeds' {@code stride·(in-1) + k - 2·pad} when dilation is 1 and outputPadding 0).
 */
public final class ConvTranspose2d extends ConvNd<ConvTranspose2d> {

    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, kernelSize);
    }

    public ConvTranspose2d(int inChannels, int outChannels, int kernelH, int kernelW) {
        super(2, true, inChannels, outChannels, kernelH, kernelW);
    }

    public ConvTranspose2d stride(int sh, int sw) {
        return super.stride(sh, sw);
    }

    public ConvTranspose2d dilation(int dh, int dw) {
        return super.dilation(dh, dw);
    }

    /** ph rows removed top and bottom, pw columns left and right. */
    public ConvTranspose2d padding(int ph, int pw) {
        return padding(Padding.of(ph, pw));
    }

    /** Extra output rows and columns (bottom/right); must be smaller than max(stride, dilation). */
    public ConvTranspose2d outputPadding(int p) {
        return outputPadding(p, p);
    }

    public ConvTranspose2d outputPadding(int ph, int pw) {
        return super.outputPadding(ph, pw);
    }
}
