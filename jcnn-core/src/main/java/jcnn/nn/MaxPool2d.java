package jcnn.nn;

import jcnn.kernel.ConvGeometry;
import jcnn.kernel.Pooling;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;

/**
 * 2-D max pooling over (N, C, H, W): the seeds' Pooling layer. Forward keeps, for every output, where in the
 * input plane its maximum was (the "switches", PyTorch's {@code indices}); backward sends each gradient there.
 *
 * <p>Args: {@code kernelSize}; options {@link #stride} (default: kernelSize), {@link #padding} (-∞, at most
 * half the kernel), {@link #dilation}, {@link #ceilMode}, {@link #returnIndices} (keep the indices after an
 * evaluation forward too, for {@link MaxUnpool2d}).
 *
 * <p>Shape: (N, C, H, W) → (N, C, H_out, W_out),
 * {@code H_out = floor((H + 2·padding - dilation·(k-1) - 1) / stride) + 1} (ceil in ceil mode, dropping a last
 * window that would start in the padding).
 */
public class MaxPool2d extends PoolNd<MaxPool2d> {
    private boolean returnIndices = false;
    private ConvGeometry geometry;
    private Tensor output;
    private IntTensor indices;
    private Tensor gradInput;
    private int[] inputShape;

    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize);
    }

    public MaxPool2d(int kernelH, int kernelW) {
        super(2, kernelH, kernelW);
    }

    MaxPool2d(int dims, int kernelH, int kernelW) {
        super(dims, kernelH, kernelW);
    }

    public MaxPool2d stride(int sh, int sw) {
        return super.stride(sh, sw);
    }

    public MaxPool2d padding(int ph, int pw) {
        return super.padding(ph, pw);
    }

    public MaxPool2d dilation(int d) {
        return super.dilation(d, d);
    }

    public MaxPool2d dilation(int dh, int dw) {
        return super.dilation(dh, dw);
    }

    /**
     * Whether this is the plain 2×2 window with stride 2 of a 2-D network and keeps no indices: the pooling an
     * evaluation chain of convolutions takes into its output transform (see Sequential).
     */
    boolean halvesPlainly() {
        return halves() && !returnIndices;
    }

    /**
     * Whether this is the 2×2 window with stride 2 of a 2-D network (no padding, dilation or ceil mode): the pooling a
     * convolution by F(4×4, 3×3) can take into its output transform, writing its output and indices (see ConvNd).
     */
    boolean halves() {
        return getClass() == MaxPool2d.class && java.util.Arrays.equals(kernelSize(), new int[] {2, 2})
                && java.util.Arrays.equals(stride(), new int[] {2, 2}) && java.util.Arrays.equals(padding(), new int[] {0, 0})
                && java.util.Arrays.equals(dilation(), new int[] {1, 1}) && !ceilMode();
    }

    /** The indices' array to write in a forward after {@link #prepareForward} (null where none are kept). */
    int[] indexData(boolean training) {
        return indices(training);
    }

    /** Keep the argmax indices after every forward, not only in training (PyTorch's {@code return_indices}). */
    public MaxPool2d returnIndices(boolean keep) {
        returnIndices = keep;
        return this;
    }

    /** Where each output's maximum was: flat positions ih·W + iw in its input plane, shaped like the output. */
    public IntTensor indices() {
        return indices;
    }

    /** The shape of the last input (MaxUnpool2d needs it to restore the size). */
    public int[] lastInputShape() {
        return inputShape == null ? null : inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] s = x.shape();
        prepareForward(s, training);
        Pooling.maxPoolForward(geometry, x.data(), output.data(), indices(training), s[0] * s[1]);
        return output;
    }

    /**
     * The first half of a forward done in parts (see Sequential's fusion): checks the input shape and sizes the
     * output and the indices. {@link #forwardImages} then pools the images part by part; returns the output.
     */
    Tensor prepareForward(int[] inputShape, boolean training) {
        geometry = geometry(inputShape);
        int[] outShape = outputShape(inputShape, geometry);
        output = Tensor.reuse(output, outShape);
        if (training || returnIndices) indices = IntTensor.reuse(indices, outShape);
        this.inputShape = inputShape;
        return output;
    }

    /** Pools images [n0, n1) of x on the calling thread, after {@link #prepareForward} (with the same training flag). */
    void forwardImages(Tensor x, boolean training, int n0, int n1) {
        int channels = inputShape[1];
        Pooling.maxPoolPlanes(geometry, x.data(), output.data(), indices(training), n0 * channels, n1 * channels);
    }

    private int[] indices(boolean training) {
        return training || returnIndices ? indices.data() : null;
    }

    @Override
    public Tensor backward(Tensor dy) {
        return backward(dy, false);
    }

    /**
     * Backward through this pooling and, with {@code reluBefore}, the ReLU whose output was this layer's input, in
     * one pass: the gradient is dropped where the ReLU's output at the switch — which is this layer's own output —
     * is not positive (see Sequential's fusion).
     */
    Tensor backward(Tensor dy, boolean reluBefore) {
        prepareBackward(dy);
        Pooling.maxPoolBackward(geometry, dy.data(), indices.data(), gradInput.data(), inputShape[0] * inputShape[1],
                reluBefore ? output.data() : null);
        return gradInput;
    }

    /**
     * The first half of a backward done in parts (see Sequential's fusion): checks dy and sizes the input gradient,
     * which {@link #backwardImages} then writes part by part; returns it.
     */
    Tensor prepareBackward(Tensor dy) {
        checkGradOutput(dy, output);
        if (indices == null || !indices.hasShape(output.shape())) {
            throw new IllegalStateException(this + ": backward needs a forward with training=true");
        }
        gradInput = Tensor.reuse(gradInput, inputShape);
        return gradInput;
    }

    /** The last forward's outputs (for a convolution that takes this pooling's backward along, see ConvNd). */
    float[] outputData() {
        return output.data();
    }

    /** The input gradient of images [n0, n1) on the calling thread, after {@link #prepareBackward}. */
    void backwardImages(Tensor dy, boolean reluBefore, int n0, int n1) {
        int channels = inputShape[1];
        Pooling.maxPoolBackwardPlanes(geometry, dy.data(), indices.data(), gradInput.data(), n0 * channels,
                n1 * channels, reluBefore ? output.data() : null);
    }

    @Override
    public String toString() {
        var parts = reprParts();
        if (returnIndices) parts.add("returnIndices=true");
        return getClass().getSimpleName() + "(" + String.join(", ", parts) + ")";
    }
}
