package jcnn.nn;

import java.util.List;
import java.util.Map;
import jcnn.tensor.Tensor;

/**
 * One step of a network, with its forward pass and the exact backward pass beside it.
 *
 * <p>The life of a layer in training: {@code y = forward(x, true)} caches what backward will need;
 * {@code dx = backward(dy)} returns dLoss/dx and <em>sets</em> (does not accumulate) the gradient of every
 * {@link Parameter}; an optimizer then updates the parameters. {@code forward(x, false)} (evaluation) caches
 * nothing that backward needs and layers such as Dropout and BatchNorm behave as at inference.
 *
 * <p>Buffers: the tensors that forward and backward return belong to the layer and are overwritten by its
 * next call (that is how training runs without allocating per batch). Keep one with {@link Tensor#copy()}.
 * Likewise a layer keeps a reference to its input until backward; do not modify it in between.
 *
 * <p>Errors: a wrong input rank, channel count or size throws {@link IllegalArgumentException} naming the
 * layer (its {@link #toString()}), what it expected and what it got.
 */
public abstract class Layer {
    private String name = "";
    private boolean inputGradRequired = true;
    private boolean training = true;

    /** Computes the output; {@code training} selects training behaviour and caching for backward. */
    public abstract Tensor forward(Tensor input, boolean training);

    /** Forward in the layer's current mode ({@link #train(boolean)}; training by default, as in PyTorch). */
    public final Tensor forward(Tensor input) {
        return forward(input, training);
    }

    /**
     * Given dLoss/dOutput of the last training forward, sets every parameter's gradient and returns
     * dLoss/dInput, or {@code null} when {@link #setInputGradRequired(boolean) no input gradient is wanted}.
     */
    public abstract Tensor backward(Tensor gradOutput);

    /** The output shape for an input of the given shape (batch dimension included); throws if impossible. */
    public abstract int[] outputShape(int... inputShape);

    /** The trainable parameters, in a fixed order (empty for layers without any). */
    public List<Parameter> parameters() {
        return List.of();
    }

    /**
     * State that is saved with the model but not trained, by name (BatchNorm's running statistics), as in
     * PyTorch's {@code register_buffer}. Empty for most layers.
     */
    public Map<String, Tensor> buffers() {
        return Map.of();
    }

    /** Re-initialises the parameters with {@code init}, drawing from {@code rng}. */
    public void initialize(Init init, java.util.random.RandomGenerator rng) {
        for (Parameter p : parameters()) init.apply(p, rng);
    }

    /** Sets training (true) or evaluation (false) mode for {@link #forward(Tensor)}. */
    public Layer train(boolean training) {
        this.training = training;
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Whether backward must compute dLoss/dInput. The first layer of a network does not need it (nothing
     * upstream learns), which saves a third of a convolution's backward work; {@code Sequential} turns it off
     * there.
     */
    public void setInputGradRequired(boolean required) {
        this.inputGradRequired = required;
    }

    public boolean isInputGradRequired() {
        return inputGradRequired;
    }

    /** The name given by the model that holds this layer (empty for a free-standing layer). */
    public String name() {
        return name;
    }

    public Layer setName(String name) {
        this.name = name == null ? "" : name;
        return this;
    }

    /** The number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) n += p.numel();
        return n;
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers for subclasses: checks that throw messages naming this layer.
    // ---------------------------------------------------------------------------------------------------

    /**
     * An IllegalArgumentException prefixed with this layer's description; a model adds the layer's position
     * and name when it passes the exception on.
     */
    protected IllegalArgumentException error(String message) {
        return new IllegalArgumentException(this + ": " + message);
    }

    /** Checks the input has {@code rank} dimensions; {@code layout} names them, e.g. "(N, C, H, W)". */
    protected void checkRank(int[] shape, int rank, String layout) {
        if (shape.length != rank) {
            throw error("expected a " + rank + "-D input " + layout + ", got shape " + Tensor.shapeString(shape));
        }
    }

    /** Checks dimension {@code dim} of the input equals {@code expected}; {@code what} names it. */
    protected void checkDim(int[] shape, int dim, int expected, String what, String layout) {
        if (shape[dim] != expected) {
            throw error("expected input " + layout + " with " + what + " = " + expected + ", got shape "
                    + Tensor.shapeString(shape));
        }
    }

    /** Checks that backward follows a training forward and that dy has the output's shape. */
    protected void checkGradOutput(Tensor gradOutput, Tensor output) {
        if (output == null) {
            throw new IllegalStateException(this + ": backward called before a training forward");
        }
        if (!gradOutput.hasShape(output.shape())) {
            throw error("gradOutput has shape " + Tensor.shapeString(gradOutput.shape())
                    + " but the forward output had shape " + Tensor.shapeString(output.shape()));
        }
    }
}
