package jcnn.nn;

/**
 * 1-D convolution over (N, C, L) input, run as the 2-D convolution of height 1 (seed 004's "kernel 1×4").
 *
 * <p>Args: {@code inChannels}, {@code outChannels}, {@code kernelSize}; options {@link #stride},
 * {@link #padding} (int, left/right, "same", "valid"), {@link #dilation}, {@link #groups}, {@link #bias}.
 * Weight (outChannels, inChannels/groups, kernelSize), as in PyTorch.
 *
 * <p>Shape: (N, C_in, L) → (N, C_out, L_out), {@code L_out = floor((L + padLeft + padRight - dilation·(k-1) - 1)
 * / stride) + 1}.
 */
public final class Conv1d extends ConvNd<Conv1d> {

    public Conv1d(int inChannels, int outChannels, int kernelSize) {
        super(1, false, inChannels, outChannels, 1, kernelSize);
    }

    /** {@code left} zeros before the sequence and {@code right} after it. */
    public Conv1d padding(int left, int right) {
        return padding(Padding.of(0, 0, left, right));
    }
}
