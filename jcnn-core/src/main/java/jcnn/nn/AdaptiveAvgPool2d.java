package jcnn.nn;

import jcnn.kernel.Pooling;
import jcnn.tensor.Tensor;

/**
 * Adaptive average pooling to a fixed output size, whatever the input size: output (oh, ow) averages rows
 * {@code [floor(oh·H/outH), ceil((oh+1)·H/outH))} and likewise columns, as PyTorch's AdaptiveAvgPool2d.
 * {@code new AdaptiveAvgPool2d(1)} is global average pooling.
 *
 * <p>Shape: (N, C, H, W) → (N, C, outH, outW).
 */
public final class AdaptiveAvgPool2d extends Layer {
    private final int outH, outW;
    private Tensor output;
    private Tensor gradInput;
    private int[] inputShape;

    public AdaptiveAvgPool2d(int outputSize) {
        this(outputSize, outputSize);
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: outputSize must be >= 1, got (" + outH + ", " + outW + ")");
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public int[] outputShape(int... s) {
        checkRank(s, 4, "(N, C, H, W)");
        if (s[2] < 1 || s[3] < 1) throw error("input " + Tensor.shapeString(s) + " has an empty plane");
        return new int[] {s[0], s[1], outH, outW};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] s = x.shape();
        output = Tensor.reuse(output, outputShape(s));
        Pooling.adaptiveAvgForward(x.data(), s[2], s[3], output.data(), outH, outW, s[0] * s[1]);
        inputShape = s;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, output);
        gradInput = Tensor.reuse(gradInput, inputShape);
        Pooling.adaptiveAvgBackward(dy.data(), outH, outW, gradInput.data(), inputShape[2], inputShape[3],
                inputShape[0] * inputShape[1]);
        return gradInput;
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPool2d(outputSize=" + (outH == outW ? Integer.toString(outH) : "(" + outH + ", " + outW + ")") + ")";
    }
}
