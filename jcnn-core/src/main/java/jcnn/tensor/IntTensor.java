package jcnn.tensor;

import java.util.Arrays;

/**
 * A dense int32 array with a shape, row-major: class labels, and the argmax "switches" of max pooling
 * (PyTorch's {@code indices}, which it keeps as int64).
 */
public final class IntTensor {
    private final int[] data;
    private final int[] shape;

    private IntTensor(int[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    public static IntTensor zeros(int... shape) {
        return new IntTensor(new int[Tensor.numel(shape)], shape.clone());
    }

    /** Wraps {@code data} (not copied). */
    public static IntTensor wrap(int[] data, int... shape) {
        if (Tensor.numel(shape) != data.length) {
            throw new IllegalArgumentException("IntTensor.wrap: shape " + Tensor.shapeString(shape) + " holds "
                    + Tensor.numel(shape) + " elements but the array has " + data.length);
        }
        return new IntTensor(data, shape.clone());
    }

    /** {@code previous} when it has {@code shape}, else a new zero tensor (see {@link Tensor#reuse}). */
    public static IntTensor reuse(IntTensor previous, int... shape) {
        if (previous != null && Arrays.equals(previous.shape, shape)) return previous;
        return zeros(shape);
    }

    public int[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    public int numel() {
        return data.length;
    }

    public int rank() {
        return shape.length;
    }

    public int size(int d) {
        return shape[d < 0 ? d + shape.length : d];
    }

    public IntTensor copy() {
        return new IntTensor(data.clone(), shape.clone());
    }

    @Override
    public String toString() {
        return "IntTensor" + Tensor.shapeString(shape) + (data.length <= 64 ? " " + Arrays.toString(data) : "");
    }
}
