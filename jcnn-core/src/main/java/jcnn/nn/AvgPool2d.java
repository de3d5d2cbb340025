package jcnn.nn;

import jcnn.kernel.ConvGeometry;
import jcnn.kernel.Pooling;
import jcnn.tensor.Tensor;

/**
 * 2-D average pooling over (N, C, H, W); backward spreads each gradient evenly over its window.
 *
 * <p>Args: {@code kernelSize}; options {@link #stride} (default: kernelSize), {@link #padding} (zeros, at most
 * half the kernel), {@link #ceilMode}, {@link #countIncludePad} (default true: padding zeros count in the
 * divisor, as in PyTorch), {@link #divisorOverride}.
 *
 * <p>Shape: (N, C, H, W) → (N, C, H_out, W_out), {@code H_out = floor((H + 2·padding - k) / stride) + 1}
 * (ceil in ceil mode).
 */
public class AvgPool2d extends PoolNd<AvgPool2d> {
    private boolean countIncludePad = true;
    private int divisorOverride = 0;
    private ConvGeometry geometry;
    private Tensor output;
    private Tensor gradInput;
    private int[] inputShape;

    public AvgPool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public AvgPool2d(int kernelH, int kernelW) {
        super(2, kernelH, kernelW);
    }

    AvgPool2d(int dims, int kernelH, int kernelW) {
        super(dims, kernelH, kernelW);
    }

    public AvgPool2d stride(int sh, int sw) {
        return super.stride(sh, sw);
    }

    public AvgPool2d padding(int ph, int pw) {
        return super.padding(ph, pw);
    }

    /** Whether padding zeros count in the divisor (default true). */
    public AvgPool2d countIncludePad(boolean include) {
        countIncludePad = include;
        return this;
    }

    /** Divide every window's sum by {@code d} instead (PyTorch's {@code divisor_override}); 0 turns it off. */
    public AvgPool2d divisorOverride(int d) {
        if (d < 0) throw error("divisorOverride must be >= 0 (0 = off), got " + d);
        divisorOverride = d;
        return this;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] s = x.shape();
        geometry = geometry(s);
        output = Tensor.reuse(output, outputShape(s, geometry));
        Pooling.avgPoolForward(geometry, x.data(), output.data(), s[0] * s[1], countIncludePad, divisorOverride);
        inputShape = s;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, output);
        gradInput = Tensor.reuse(gradInput, inputShape);
        Pooling.avgPoolBackward(geometry, dy.data(), gradInput.data(), inputShape[0] * inputShape[1],
                countIncludePad, divisorOverride);
        return gradInput;
    }

    @Override
    public String toString() {
        var parts = reprParts();
        if (!countIncludePad) parts.add("countIncludePad=false");
        if (divisorOverride > 0) parts.add("divisorOverride=" + divisorOverride);
        return getClass().getSimpleName() + "(" + String.join(", ", parts) + ")";
    }
}
