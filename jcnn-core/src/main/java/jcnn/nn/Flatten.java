package jcnn.nn;

import jcnn.tensor.Tensor;

/**
 * Flattens (N, d1, d2, ...) to (N, d1·d2·...) as a view, without copying; backward views the gradient in the
 * input's shape again. The seeds' Affine does this itself; here it is a layer of its own, as in PyTorch.
 */
public final class Flatten extends Layer {
    private int[] inputShape;

    @Override
    public int[] outputShape(int... s) {
        if (s.length < 1) throw error("expected an input with a batch dimension, got a scalar");
        long rest = 1;
        for (int i = 1; i < s.length; i++) rest *= s[i];
        return new int[] {s[0], (int) rest};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        inputShape = x.shape();
        return x.reshape(outputShape(inputShape));
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (inputShape == null) throw new IllegalStateException("Flatten: backward called before forward");
        return dy.reshape(inputShape);
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
