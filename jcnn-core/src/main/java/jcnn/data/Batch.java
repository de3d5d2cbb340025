package jcnn.data;

import jcnn.tensor.Tensor;

/**
 * One mini-batch from a {@link DataLoader}: images {@code x} (size, C, H, W) and their {@code labels} (size).
 *
 * <p>A batch is a buffer owned by its loader and refilled by the next step of the iteration: use it (forward,
 * backward, update) before asking for the next one, or copy it. A loader keeps two: one of the full batch size,
 * and one for a smaller last batch, so both have exactly {@link #size()} rows.
 */
public final class Batch {
    private final Tensor x;
    private final int[] labels;
    private final int[] indices;
    private int index;

    Batch(int size, int channels, int height, int width) {
        this.x = Tensor.zeros(size, channels, height, width);
        this.labels = new int[size];
        this.indices = new int[size];
    }

    /** The images, (size, C, H, W). */
    public Tensor x() {
        return x;
    }

    /** The class index of each image; length {@link #size()}. */
    public int[] labels() {
        return labels;
    }

    /** The number of images in this batch (the batch size, or fewer in a last partial batch). */
    public int size() {
        return labels.length;
    }

    /** The position of this batch in its epoch: 0, 1, ... */
    public int index() {
        return index;
    }

    /** Where each image came from: its index in the data set. */
    public int[] indices() {
        return indices;
    }

    void setIndex(int index) {
        this.index = index;
    }

    @Override
    public String toString() {
        return "Batch " + index + ": " + Tensor.shapeString(x.shape());
    }
}
