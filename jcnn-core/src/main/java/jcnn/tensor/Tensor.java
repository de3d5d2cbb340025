package jcnn.tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A dense float32 array with a shape, stored row-major (C order) in one {@code float[]}.
 *
 * <p>Images are NCHW (batch, channels, height, width) and sequences NCL, as in PyTorch. A tensor is always
 * contiguous: {@link #reshape} returns a view that shares the data, and everything that would need strides
 * (transposes, slices) copies instead. The raw array is public through {@link #data()} because the kernels
 * and layers work on it directly.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    // ---------------------------------------------------------------------------------------------------
    // Creation
    // ---------------------------------------------------------------------------------------------------

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        int[] s = checkShape(shape);
        return new Tensor(new float[numel(s)], s);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Wraps {@code data} (not copied) with the given shape; the sizes must agree. */
    public static Tensor wrap(float[] data, int... shape) {
        int[] s = checkShape(shape);
        if (numel(s) != data.length) {
            throw new IllegalArgumentException("Tensor.wrap: shape " + shapeString(s) + " holds " + numel(s)
                    + " elements but the array has " + data.length);
        }
        return new Tensor(data, s);
    }

    /** A copy of {@code values} with the given shape (as {@code torch.tensor(values).reshape(shape)}). */
    public static Tensor of(float[] values, int... shape) {
        return wrap(values.clone(), shape);
    }

    /** 0, 1, 2, ... in the given shape (as {@code torch.arange(n).reshape(shape)}). */
    public static Tensor arange(int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = i;
        return t;
    }

    /** Samples from N(0, std²), drawn in index order from {@code rng}, so a seed gives the same tensor. */
    public static Tensor randn(RandomGenerator rng, float std, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) (rng.nextGaussian() * std);
        return t;
    }

    /** Samples from U(lo, hi), drawn in index order from {@code rng}. */
    public static Tensor uniform(RandomGenerator rng, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = lo + (hi - lo) * rng.nextFloat();
        return t;
    }

    /**
     * Returns {@code previous} when it already has {@code shape}, otherwise a new zero tensor. Layers keep their
     * outputs and work buffers this way so that training allocates nothing per batch once the shapes settle.
     * The contents of a reused tensor are whatever it held before.
     */
    public static Tensor reuse(Tensor previous, int... shape) {
        if (previous != null && Arrays.equals(previous.shape, shape)) return previous;
        return zeros(shape);
    }

    // ---------------------------------------------------------------------------------------------------
    // Shape
    // ---------------------------------------------------------------------------------------------------

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code d}; negative {@code d} counts from the end, as in PyTorch. */
    public int size(int d) {
        int r = shape.length;
        int i = d < 0 ? d + r : d;
        if (i < 0 || i >= r) {
            throw new IllegalArgumentException("dimension " + d + " out of range for a tensor of shape " + shapeString(shape));
        }
        return shape[i];
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int numel() {
        return data.length;
    }

    /** True when the shape equals {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /**
     * A view with another shape over the same data (no copy). One dimension may be -1 and is then inferred.
     */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension can be -1, got " + shapeString(newShape));
                infer = i;
            } else {
                if (s[i] < 0) throw new IllegalArgumentException("reshape: negative dimension in " + shapeString(newShape));
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || data.length % known != 0) {
                throw new IllegalArgumentException("reshape: cannot view a tensor of shape " + shapeString(shape)
                        + " as " + shapeString(newShape));
            }
            s[infer] = (int) (data.length / known);
        }
        if (numel(s) != data.length) {
            throw new IllegalArgumentException("reshape: cannot view a tensor of shape " + shapeString(shape)
                    + " (" + data.length + " elements) as " + shapeString(newShape));
        }
        return new Tensor(data, s);
    }

    /** The view (N, rest) of a tensor of shape (N, ...). */
    public Tensor flatten2d() {
        if (shape.length == 0) throw new IllegalArgumentException("flatten2d: a scalar has no batch dimension");
        int n = shape[0];
        return reshape(n, n == 0 ? 0 : data.length / n);
    }

    // ---------------------------------------------------------------------------------------------------
    // Data
    // ---------------------------------------------------------------------------------------------------

    /** The backing array, row-major. Shared with every view of this tensor. */
    public float[] data() {
        return data;
    }

    /** The element at the given index (one coordinate per dimension). */
    public float get(int... index) {
        return data[offset(index)];
    }

    /** Sets the element at the given index. */
    public void set(float value, int... index) {
        data[offset(index)] = value;
    }

    /** The flat offset of a multi-index. */
    public int offset(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates but the tensor has shape " + shapeString(shape));
        }
        int off = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape " + shapeString(shape));
            }
            off = off * shape[d] + index[d];
        }
        return off;
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone());
    }

    /** Copies the values of {@code src}, which must have the same number of elements; returns this. */
    public Tensor copyFrom(Tensor src) {
        if (src.data.length != data.length) {
            throw new IllegalArgumentException("copyFrom: source shape " + shapeString(src.shape)
                    + " does not fit destination shape " + shapeString(shape));
        }
        System.arraycopy(src.data, 0, data, 0, data.length);
        return this;
    }

    /** Sets every element to {@code value}; returns this. */
    public Tensor fill(float value) {
        Arrays.fill(data, value);
        return this;
    }

    /** The sum of all elements, accumulated in double. */
    public double sum() {
        double s = 0;
        for (float v : data) s += v;
        return s;
    }

    /** The dot product with a tensor of the same number of elements, accumulated in double. */
    public double dot(Tensor other) {
        if (other.data.length != data.length) {
            throw new IllegalArgumentException("dot: shapes " + shapeString(shape) + " and " + shapeString(other.shape) + " differ in size");
        }
        double s = 0;
        for (int i = 0; i < data.length; i++) s += (double) data[i] * other.data[i];
        return s;
    }

    /** The index of the first NaN or infinity, or -1 when every element is finite. */
    public int indexOfNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) return i;
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------
    // Printing and helpers
    // ---------------------------------------------------------------------------------------------------

    /** "(2, 3, 4)", the way PyTorch prints a size. */
    public static String shapeString(int... shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        return sb.append(')').toString();
    }

    /** The number of elements of a shape. */
    public static int numel(int... shape) {
        long n = 1;
        for (int s : shape) n *= s;
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("shape " + shapeString(shape) + " has more than 2^31 elements");
        return (int) n;
    }

    private static int[] checkShape(int[] shape) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + shapeString(shape));
        }
        numel(shape);
        return shape.clone();
    }

    /** The shape and, for up to 64 elements, the values, nested like numpy prints them. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shapeString(shape));
        if (data.length <= 64) {
            sb.append(' ');
            appendNested(sb, 0, 0);
        }
        return sb.toString();
    }

    private int appendNested(StringBuilder sb, int dim, int off) {
        if (dim == shape.length) {
            sb.append(data[off]);
            return off + 1;
        }
        sb.append('[');
        for (int i = 0; i < shape[dim]; i++) {
            if (i > 0) sb.append(dim == shape.length - 1 ? ", " : ",\n" + " ".repeat(dim + 1));
            off = appendNested(sb, dim + 1, off);
        }
        sb.append(']');
        return off;
    }
}
