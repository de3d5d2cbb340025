package jcnn.nn;

import jcnn.tensor.Tensor;

/**
 * A trainable tensor and its gradient, as the optimizer sees it. {@link #value()} and {@link #grad()} are
 * fixed for the parameter's life (loading weights copies into them), so optimizers may keep per-parameter
 * state aligned with them.
 *
 * <p>{@code fanIn} and {@code fanOut} are the numbers of inputs and outputs each weight connects, as PyTorch's
 * {@code init} computes them ((in/groups)·kH·kW and out·kH·kW for a convolution); the initialisation schemes of
 * {@link Init} need them.
 */
public final class Parameter {
    /** What a parameter is for, so initialisers and weight decay can treat weights and biases differently. */
    public enum Kind { WEIGHT, BIAS, OTHER }

    private final String name;
    private final Kind kind;
    private final Tensor value;
    private final Tensor grad;
    private final int fanIn;
    private final int fanOut;

    public Parameter(String name, Kind kind, Tensor value, int fanIn, int fanOut) {
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
        this.fanIn = fanIn;
        this.fanOut = fanOut;
    }

    /** The name inside its layer, as in PyTorch: "weight", "bias". */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public Tensor value() {
        return value;
    }

    /** The gradient of the last backward pass (backward overwrites it; it does not accumulate). */
    public Tensor grad() {
        return grad;
    }

    public int fanIn() {
        return fanIn;
    }

    public int fanOut() {
        return fanOut;
    }

    public int[] shape() {
        return value.shape();
    }

    public int numel() {
        return value.numel();
    }

    @Override
    public String toString() {
        return name + Tensor.shapeString(value.shape());
    }
}
