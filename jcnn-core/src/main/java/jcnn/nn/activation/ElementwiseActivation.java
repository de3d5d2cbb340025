package jcnn.nn.activation;

import jcnn.kernel.Parallel;
import jcnn.nn.Layer;
import jcnn.tensor.Tensor;

/**
 * An activation applied to every element on its own, {@code y = f(x)}, with backward
 * {@code dx = dy · f'(x)}. This class owns the buffers, the checks and the parallel split; a subclass writes two
 * array loops, {@link #values} and {@link #gradients}, so the per-element work is straight-line code with no
 * virtual call inside the loop.
 *
 * <p>Precision: inputs and outputs are float32 and the plain arithmetic (products, clamps, comparisons) is done
 * in float, as PyTorch does. Java has no float {@code exp}, {@code tanh} or {@code log1p}, so those go through
 * {@link Math}'s double routines and are rounded to float once; a few activations also keep an intermediate in
 * double where float would cancel or overflow (their Javadoc says so).
 *
 * <p>Shape: any; the output has the input's shape. A training forward keeps a reference to its input until
 * backward (do not modify it in between); an evaluation forward keeps nothing that backward needs, so backward
 * after it throws. Tensors of at least {@value #PARALLEL_MIN} elements are split across {@link Parallel}'s
 * threads; the result does not depend on the split.
 */
public abstract class ElementwiseActivation extends Layer {
    /** Below this many elements a loop runs on the caller's thread only. */
    static final int PARALLEL_MIN = 1 << 15;

    /**
     * The loops are called on blocks of at most this many elements. A loop called once per batch over a whole
     * tensor would only ever run as on-stack-replacement code, which the JIT optimises far less (measured: ReLU's
     * backward 5× slower); called per block, {@link #values} and {@link #gradients} are hot methods that get
     * fully compiled and vectorised.
     */
    static final int BLOCK = 4096;

    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    /** Sets {@code y[i] = f(x[i])} for {@code i} in {@code [from, to)}. */
    protected abstract void values(float[] x, float[] y, int from, int to);

    /**
     * Sets {@code dx[i] = dy[i] · f'(x[i])} for {@code i} in {@code [from, to)}; {@code y} holds {@code f(x)}
     * from the forward pass, for activations whose derivative is cheaper from the output.
     */
    protected abstract void gradients(float[] x, float[] y, float[] dy, float[] dx, int from, int to);

    @Override
    public final int[] outputShape(int... inputShape) {
        return inputShape.clone();
    }

    @Override
    public final Tensor forward(Tensor x, boolean training) {
        output = Tensor.reuse(output, x.shape());
        float[] in = x.data(), out = output.data();
        if (in.length < PARALLEL_MIN) valuesInBlocks(in, out, 0, in.length);
        else Parallel.forRange(in.length, (start, end, chunk) -> valuesInBlocks(in, out, start, end));
        input = training ? x : null;
        return output;
    }

    @Override
    public final Tensor backward(Tensor dy) {
        checkGradOutput(dy, input == null ? null : output);
        if (!isInputGradRequired()) return null;
        gradInput = Tensor.reuse(gradInput, dy.shape());
        float[] x = input.data(), y = output.data(), g = dy.data(), dx = gradInput.data();
        if (g.length < PARALLEL_MIN) gradientsInBlocks(x, y, g, dx, 0, g.length);
        else Parallel.forRange(g.length, (start, end, chunk) -> gradientsInBlocks(x, y, g, dx, start, end));
        return gradInput;
    }

    /**
     * Takes {@code activated}, already equal to f(input), as this layer's output — for a model that computed the
     * activation inside the previous layer (a ReLU fused into a convolution) — so that backward works as usual.
     */
    protected final void adopt(Tensor activated, boolean training) {
        output = activated;
        input = training ? activated : null;
    }

    /** The output of the last forward (owned by this layer), or null. */
    protected final Tensor lastOutput() {
        return output;
    }

    private void valuesInBlocks(float[] x, float[] y, int from, int to) {
        for (int b = from; b < to; b += BLOCK) values(x, y, b, Math.min(b + BLOCK, to));
    }

    private void gradientsInBlocks(float[] x, float[] y, float[] dy, float[] dx, int from, int to) {
        for (int b = from; b < to; b += BLOCK) gradients(x, y, dy, dx, b, Math.min(b + BLOCK, to));
    }

    /** The class name with empty parentheses; activations with options override this. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "()";
    }
}
