package jcnn.nn;

import jcnn.tensor.Tensor;

/**
 * Rectified linear unit, {@code y = max(x, 0)}; backward passes the gradient where the input was positive.
 * NaN inputs stay NaN (so a diverging run shows up in the loss instead of being hidden by the clamp).
 *
 * <p>Shape: any; the output has the input's shape.
 */
public final class ReLU extends Layer {
    private Tensor output;
    private Tensor gradInput;

    @Override
    public int[] outputShape(int... inputShape) {
        return inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        output = Tensor.reuse(output, x.shape());
        float[] in = x.data(), out = output.data();
        for (int i = 0; i < in.length; i++) out[i] = Math.max(in[i], 0f);
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, output);
        gradInput = Tensor.reuse(gradInput, dy.shape());
        float[] y = output.data(), g = dy.data(), dx = gradInput.data();
        // y > 0 exactly where x > 0, so the output serves as the mask.
        for (int i = 0; i < g.length; i++) dx[i] = y[i] > 0f ? g[i] : 0f;
        return gradInput;
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
