package jcnn.data;

import java.util.Arrays;
import jcnn.tensor.Tensor;

/**
 * Per-channel standardisation {@code x' = (x - mean[c]) / std[c]}, as torchvision's {@code Normalize}.
 *
 * <p>Fit it on the training data ({@link #fit}) and apply the same values everywhere: to the training and test
 * sets ({@link #apply(Dataset)}), to mini-batches ({@link #applyInPlace(Tensor)}, or let the {@link DataLoader}
 * do it after augmentation) and to a single image at prediction time ({@link #apply(Tensor)}). Save
 * {@link #mean()} and {@link #std()} with the model so that predictions see what training saw.
 *
 * <pre>{@code
 * Normalize norm = Normalize.fit(train);            // Normalize(mean=[0.2860], std=[0.3530]) for Fashion-MNIST
 * Tensor x = norm.apply(test.image(0));             // a (1, C, H, W) copy, standardised
 * }</pre>
 */
public final class Normalize {
    private final float[] mean;
    private final float[] std;

    private Normalize(float[] mean, float[] std) {
        this.mean = mean;
        this.std = std;
    }

    /**
     * Given per-channel means and standard deviations (one each per channel).
     *
     * @throws IllegalArgumentException when the lengths differ or a std is not positive and finite
     */
    public static Normalize of(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " means and " + std.length
                    + " stds; need one of each per channel");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0 && Float.isFinite(std[c])) || !Float.isFinite(mean[c])) {
                throw new IllegalArgumentException("Normalize: channel " + c + " has mean " + mean[c] + " and std " + std[c]
                        + "; the std must be positive and both finite");
            }
        }
        return new Normalize(mean.clone(), std.clone());
    }

    /**
     * The mean and (population, divide-by-N) standard deviation of each channel over every pixel of every image.
     * A constant channel (std 0) gets std 1, so it is only shifted.
     */
    public static Normalize fit(Dataset data) {
        if (data.size() == 0) throw new IllegalArgumentException("Normalize.fit: data set '" + data.name() + "' is empty");
        int channels = data.channels(), plane = data.height() * data.width();
        float[] x = data.images().data();
        float[] mean = new float[channels], std = new float[channels];
        for (int c = 0; c < channels; c++) {
            // Two passes in double: the mean first, then the squared deviations, which stays accurate when
            // the mean is large against the spread.
            double sum = 0;
            for (int i = 0; i < data.size(); i++) {
                int off = (i * channels + c) * plane;
                for (int k = 0; k < plane; k++) sum += x[off + k];
            }
            double m = sum / ((double) data.size() * plane);
            double sq = 0;
            for (int i = 0; i < data.size(); i++) {
                int off = (i * channels + c) * plane;
                for (int k = 0; k < plane; k++) {
                    double d = x[off + k] - m;
                    sq += d * d;
                }
            }
            double s = Math.sqrt(sq / ((double) data.size() * plane));
            mean[c] = (float) m;
            std[c] = s > 0 ? (float) s : 1f;
        }
        return new Normalize(mean, std);
    }

    /** The number of channels. */
    public int channels() {
        return mean.length;
    }

    /** The per-channel means (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviations (a copy). */
    public float[] std() {
        return std.clone();
    }

    /** A new data set with standardised images (a copy; the original is unchanged). */
    public Dataset apply(Dataset data) {
        Tensor x = applyInPlace(data.images().copy());
        return new Dataset(data.name(), x, data.labels(), data.numClasses(), data.hasClassNames() ? data.classNames() : null);
    }

    /** A standardised copy of an image (C, H, W) or a batch (N, C, H, W). */
    public Tensor apply(Tensor x) {
        return applyInPlace(x.copy());
    }

    /**
     * Standardises an image (C, H, W) or a batch (N, C, H, W) in place and returns it.
     *
     * @throws IllegalArgumentException when the rank is not 3 or 4 or the channel count differs
     */
    public Tensor applyInPlace(Tensor x) {
        if ((x.rank() != 3 && x.rank() != 4) || x.size(-3) != mean.length) {
            throw new IllegalArgumentException(this + ": expected (C, H, W) or (N, C, H, W) with C = " + mean.length
                    + ", got shape " + Tensor.shapeString(x.shape()));
        }
        int n = x.rank() == 4 ? x.size(0) : 1;
        applyInPlace(x.data(), 0, n, x.size(-2) * x.size(-1));
        return x;
    }

    /** Standardises {@code count} images of {@code channels() × plane} floats starting at {@code offset}. */
    void applyInPlace(float[] x, int offset, int count, int plane) {
        int channels = mean.length;
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < channels; c++) {
                // Subtract, then divide (not multiply by 1/std): the same float operations as torchvision.
                float m = mean[c], s = std[c];
                int off = offset + (i * channels + c) * plane;
                for (int k = off; k < off + plane; k++) x[k] = (x[k] - m) / s;
            }
        }
    }

    /** torchvision's repr, e.g. {@code Normalize(mean=[0.1307], std=[0.3081])}. */
    @Override
    public String toString() {
        return "Normalize(mean=" + format(mean) + ", std=" + format(std) + ")";
    }

    private static String format(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(String.format(java.util.Locale.ROOT, "%.4f", v[i]));
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalize n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }
}
