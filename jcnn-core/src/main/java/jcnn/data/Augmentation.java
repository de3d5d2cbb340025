package jcnn.data;

import java.util.Arrays;
import jcnn.tensor.Tensor;

/**
 * Random training-time augmentation of images: translation with zero fill and horizontal flips. Immutable.
 *
 * <p>{@code shift(k)} moves each image by (dy, dx), both drawn uniformly from {@code -k..k}; pixels that come in
 * from outside are 0. That is torchvision's {@code RandomCrop(size, padding=k)} with zero padding (crop offset
 * {@code k - dy, k - dx} in the padded image). {@code withHorizontalFlip(p)} mirrors the image left-right with
 * probability p first; it is off by default, and must stay off for digits and text. Formally, with
 * {@code in'} the (possibly) flipped input: {@code out[c][y][x] = in'[c][y - dy][x - dx]}, or 0 outside.
 *
 * <p>The draws are a pure function of (seed, epoch, sample index in the data set) through {@link #draw}, so an
 * image gets the same augmentation in the same epoch whatever the batch size or order, and a resumed run
 * repeats an uninterrupted one exactly. The {@link DataLoader} applies it while copying into the batch.
 *
 * <pre>{@code
 * Augmentation.shift(2)                            // digits: up to ±2 pixels
 * Augmentation.shift(4).withHorizontalFlip(0.5)    // CIFAR-style
 * }</pre>
 */
public final class Augmentation {
    private static final Augmentation NONE = new Augmentation(0, 0);

    private final int maxShift;
    private final double flipProbability;

    private Augmentation(int maxShift, double flipProbability) {
        this.maxShift = maxShift;
        this.flipProbability = flipProbability;
    }

    /** What one image gets: a shift by (dy, dx) pixels, after a left-right flip when {@code flip}. */
    public record Draw(int dy, int dx, boolean flip) {
        /** The draw that leaves an image unchanged. */
        public static final Draw IDENTITY = new Draw(0, 0, false);
    }

    /** No augmentation. */
    public static Augmentation none() {
        return NONE;
    }

    /** Random translation by up to ±{@code k} pixels in each direction, zero fill (no flips). */
    public static Augmentation shift(int k) {
        return NONE.withShift(k);
    }

    /** This augmentation with translation by up to ±{@code k} pixels (0 turns it off). */
    public Augmentation withShift(int k) {
        if (k < 0) throw new IllegalArgumentException("Augmentation: shift must be >= 0 pixels, got " + k);
        return new Augmentation(k, flipProbability);
    }

    /** This augmentation with a left-right flip of probability {@code p} (0 turns it off). */
    public Augmentation withHorizontalFlip(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Augmentation: flip probability must be in [0, 1], got " + p);
        return new Augmentation(maxShift, p);
    }

    /** The largest shift k, in pixels. */
    public int maxShift() {
        return maxShift;
    }

    public double horizontalFlipProbability() {
        return flipProbability;
    }

    /** True when this never changes an image. */
    public boolean isIdentity() {
        return maxShift == 0 && flipProbability == 0;
    }

    /**
     * The draw for image {@code sample} (its index in the data set) in epoch {@code epoch} of a run with
     * {@code seed}: a pure function of the three.
     */
    public Draw draw(long seed, int epoch, int sample) {
        if (isIdentity()) return Draw.IDENTITY;
        long h = Seeds.sample(seed, epoch, sample);
        int span = 2 * maxShift + 1;
        // Three independent values from one 64-bit seed; the modulo bias is below 2^-50.
        int dy = (int) Math.floorMod(h, (long) span) - maxShift;
        long h2 = Seeds.mix(h, 1);
        int dx = (int) Math.floorMod(h2, (long) span) - maxShift;
        double u = (Seeds.mix(h, 2) >>> 11) * 0x1.0p-53;
        return new Draw(dy, dx, u < flipProbability);
    }

    /**
     * Writes the augmented image to {@code dst}: one image of {@code channels × height × width} floats at
     * {@code srcOffset} in {@code src} goes to {@code dstOffset} in {@code dst} (the two must not overlap).
     * Rows are moved with {@link System#arraycopy}.
     */
    public static void apply(Draw d, float[] src, int srcOffset, float[] dst, int dstOffset, int channels, int height, int width) {
        int dy = d.dy(), dx = d.dx();
        // Destination columns x whose source column x - dx lies inside the image.
        int x0 = Math.max(0, dx), x1 = Math.min(width, width + dx);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int out = dstOffset + (c * height + y) * width;
                int sy = y - dy;
                if (sy < 0 || sy >= height || x0 >= x1) {
                    Arrays.fill(dst, out, out + width, 0f);
                    continue;
                }
                int in = srcOffset + (c * height + sy) * width;
                Arrays.fill(dst, out, out + x0, 0f);
                Arrays.fill(dst, out + x1, out + width, 0f);
                if (!d.flip()) {
                    System.arraycopy(src, in + x0 - dx, dst, out + x0, x1 - x0);
                } else {
                    // flipped source column of x: width - 1 - (x - dx)
                    int last = in + width - 1 + dx;
                    for (int x = x0; x < x1; x++) dst[out + x] = src[last - x];
                }
            }
        }
    }

    /** An augmented copy of an image (C, H, W) or (1, C, H, W). */
    public static Tensor apply(Draw d, Tensor image) {
        if (!(image.rank() == 3 || (image.rank() == 4 && image.size(0) == 1))) {
            throw new IllegalArgumentException("Augmentation.apply: expected an image (C, H, W) or (1, C, H, W), got shape "
                    + Tensor.shapeString(image.shape()));
        }
        Tensor out = Tensor.zeros(image.shape());
        apply(d, image.data(), 0, out.data(), 0, image.size(-3), image.size(-2), image.size(-1));
        return out;
    }

    /** E.g. {@code Augmentation(shift=2)}, {@code Augmentation(shift=4, horizontalFlip=0.5)}, {@code Augmentation(none)}. */
    @Override
    public String toString() {
        if (isIdentity()) return "Augmentation(none)";
        StringBuilder sb = new StringBuilder("Augmentation(");
        if (maxShift > 0) sb.append("shift=").append(maxShift);
        if (flipProbability > 0) sb.append(maxShift > 0 ? ", " : "").append("horizontalFlip=").append(flipProbability);
        return sb.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Augmentation a && a.maxShift == maxShift && a.flipProbability == flipProbability;
    }

    @Override
    public int hashCode() {
        return 31 * maxShift + Double.hashCode(flipProbability);
    }
}
