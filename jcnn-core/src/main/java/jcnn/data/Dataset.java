package jcnn.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;

/**
 * A labelled image data set held in memory: images (N, C, H, W) float32 and one class index per image.
 *
 * <p>Pixels are whatever the reader produced; the readers of this package scale 8-bit images to [0, 1]. Class
 * indices lie in {@code [0, numClasses)}; class names are optional ({@link #classNames()} falls back to "0",
 * "1", ...).
 *
 * <p>A data set shares its arrays with the caller (nothing is copied on construction, and {@link #images()} and
 * {@link #labels()} return the backing storage, so that loaders can copy from them directly): treat them as
 * read-only. The methods that derive a data set ({@link #subset}, {@link #select}, {@link #split}) copy.
 *
 * <pre>{@code
 * Dataset train = Datasets.load("fashion-mnist", true);
 * Dataset.Split s = train.split(54_000, 42);     // s.first(): 54,000 training images, s.second(): 6,000 validation
 * }</pre>
 */
public final class Dataset {
    private final String name;
    private final Tensor images;
    private final int[] labels;
    private final int numClasses;
    private final List<String> classNames;

    /**
     * @param name       what the data set is called, for messages and logs (e.g. "mnist10k/train")
     * @param images     (N, C, H, W) float32, not copied
     * @param labels     N class indices in {@code [0, numClasses)}, not copied
     * @param numClasses the number of classes (at least 1; classes need not all occur)
     * @param classNames {@code numClasses} names, or {@code null} when the classes have none
     * @throws IllegalArgumentException when the shapes, labels or names do not fit together
     */
    public Dataset(String name, Tensor images, int[] labels, int numClasses, List<String> classNames) {
        String who = "Dataset '" + name + "'";
        if (images.rank() != 4) {
            throw new IllegalArgumentException(who + ": images must be (N, C, H, W), got shape " + Tensor.shapeString(images.shape()));
        }
        if (images.size(0) != labels.length) {
            throw new IllegalArgumentException(who + ": " + images.size(0) + " images (shape "
                    + Tensor.shapeString(images.shape()) + ") but " + labels.length + " labels");
        }
        if (numClasses < 1) throw new IllegalArgumentException(who + ": numClasses must be >= 1, got " + numClasses);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(who + ": label " + i + " is " + labels[i] + ", not in [0, " + numClasses + ")");
            }
        }
        if (classNames != null && classNames.size() != numClasses) {
            throw new IllegalArgumentException(who + ": " + classNames.size() + " class names for " + numClasses + " classes");
        }
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.numClasses = numClasses;
        this.classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** Two disjoint parts of a data set, as {@link #split} makes them. */
    public record Split(Dataset first, Dataset second) {}

    // ---------------------------------------------------------------------------------------------------
    // Accessors
    // ---------------------------------------------------------------------------------------------------

    public String name() {
        return name;
    }

    /** The number of images N. */
    public int size() {
        return labels.length;
    }

    /** All images, (N, C, H, W); the backing tensor, not a copy. */
    public Tensor images() {
        return images;
    }

    /** All labels; the backing array, not a copy. */
    public int[] labels() {
        return labels;
    }

    /** All labels as an (N,) int tensor sharing the backing array. */
    public IntTensor labelTensor() {
        return IntTensor.wrap(labels, labels.length);
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** Image {@code i} as a new tensor (1, C, H, W), ready to feed to a network. */
    public Tensor image(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("Dataset '" + name + "': image " + i + " of " + size());
        int n = imageSize();
        float[] out = new float[n];
        System.arraycopy(images.data(), i * n, out, 0, n);
        return Tensor.wrap(out, 1, channels(), height(), width());
    }

    public int numClasses() {
        return numClasses;
    }

    /** True when the classes have names of their own. */
    public boolean hasClassNames() {
        return classNames != null;
    }

    /** One name per class: the given names, or "0", "1", ... when the data set has none. */
    public List<String> classNames() {
        if (classNames != null) return classNames;
        List<String> numbers = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) numbers.add(Integer.toString(c));
        return List.copyOf(numbers);
    }

    /** The name of class {@code c}. */
    public String className(int c) {
        return classNames == null ? Integer.toString(c) : classNames.get(c);
    }

    public int channels() {
        return images.size(1);
    }

    public int height() {
        return images.size(2);
    }

    public int width() {
        return images.size(3);
    }

    /** {C, H, W}. */
    public int[] imageShape() {
        return new int[] {channels(), height(), width()};
    }

    /** C·H·W, the number of floats per image. */
    public int imageSize() {
        return channels() * height() * width();
    }

    /** How many images each class has (index = class). */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int l : labels) counts[l]++;
        return counts;
    }

    // ---------------------------------------------------------------------------------------------------
    // Derived data sets (all copy)
    // ---------------------------------------------------------------------------------------------------

    /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
    public Dataset subset(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("Dataset '" + name + "': subset(" + from + ", " + to + ") of " + size() + " images");
        }
        int n = imageSize();
        float[] x = Arrays.copyOfRange(images.data(), from * n, to * n);
        return new Dataset(name + "[" + from + ":" + to + "]", Tensor.wrap(x, to - from, channels(), height(), width()),
                Arrays.copyOfRange(labels, from, to), numClasses, classNames);
    }

    /** The images at {@code indices}, in that order, copied (an index may repeat). */
    public Dataset select(int[] indices, String newName) {
        int n = imageSize();
        float[] src = images.data();
        float[] x = new float[indices.length * n];
        int[] y = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("Dataset '" + name + "': index " + i + " of " + size());
            System.arraycopy(src, i * n, x, k * n, n);
            y[k] = labels[i];
        }
        return new Dataset(newName, Tensor.wrap(x, indices.length, channels(), height(), width()), y, numClasses, classNames);
    }

    /**
     * A seeded random split into two disjoint data sets of {@code firstSize} and {@code size() - firstSize} images,
     * for carving a validation set off the training data. The images are drawn by a shuffle that depends only on
     * {@code seed} and {@link #size()}; within each part they keep their original order. Both parts are copies.
     */
    public Split split(int firstSize, long seed) {
        if (firstSize < 0 || firstSize > size()) {
            throw new IllegalArgumentException("Dataset '" + name + "': split(" + firstSize + ") of " + size() + " images");
        }
        int[] perm = permutation(size(), new SplittableRandom(seed));
        int[] a = Arrays.copyOfRange(perm, 0, firstSize);
        int[] b = Arrays.copyOfRange(perm, firstSize, perm.length);
        Arrays.sort(a);
        Arrays.sort(b);
        String tag = "split(" + firstSize + ", seed=" + seed + ")";
        return new Split(select(a, name + "/" + tag + ".first"), select(b, name + "/" + tag + ".second"));
    }

    /** The same images and labels under another name. */
    public Dataset withName(String newName) {
        return new Dataset(newName, images, labels, numClasses, classNames);
    }

    /** 0..n-1 shuffled by Fisher-Yates, drawing from {@code rng}. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** "mnist10k/train: 8000 images (1, 28, 28), 10 classes". */
    @Override
    public String toString() {
        return name + ": " + size() + " images " + Tensor.shapeString(imageShape()) + ", " + numClasses + " classes";
    }
}
