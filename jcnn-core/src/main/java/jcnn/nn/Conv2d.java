package jcnn.nn;

/**
 * 2-D convolution over (N, C, H, W) input: the seeds' Convolution layer, "Affine on the im2col columns".
 *
 * <p>Args (PyTorch's, in camelCase): {@code inChannels}, {@code outChannels}, {@code kernelSize}; options
 * {@link #stride}, {@link #padding} (int, pair, per side, "same", "valid"), {@link #dilation}, {@link #groups},
 * {@link #bias}. Weight (outChannels, inChannels/groups, kH, kW), bias (outChannels), initialised as PyTorch
 * does (U(±1/√fanIn)).
 *
 * <p>Shape: input (N, C_in, H, W) → output (N, C_out, H_out, W_out) with
 * <pre>  H_out = floor((H + padTop + padBottom - dilation·(kH - 1) - 1) / stride) + 1</pre>
 * (the seeds' {@code (H + 2P - FH) / S + 1} when dilation is 1), and likewise W_out.
 *
 * <p>Example: {@code new Conv2d(1, 30, 5)} is the book's SimpleConvNet convolution;
 * {@code new Conv2d(16, 32, 3).stride(2).padding(1)} halves the size.
 */
public final class Conv2d extends ConvNd<Conv2d> {

    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(inChannels, outChannels, kernelSize, kernelSize);
    }

    public Conv2d(int inChannels, int outChannels, int kernelH, int kernelW) {
        super(2, false, inChannels, outChannels, kernelH, kernelW);
    }

    /** Stride per axis (vertical, horizontal). */
    public Conv2d stride(int sh, int sw) {
        return super.stride(sh, sw);
    }

    /** Dilation per axis. */
    public Conv2d dilation(int dh, int dw) {
        return super.dilation(dh, dw);
    }

    /** ph rows above and below, pw columns left and right. */
    public Conv2d padding(int ph, int pw) {
        return padding(Padding.of(ph, pw));
    }

    /** Each side on its own. */
    public Conv2d padding(int top, int bottom, int left, int right) {
        return padding(Padding.of(top, bottom, left, right));
    }
}
