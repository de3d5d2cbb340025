package jcnn.viz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import jcnn.tensor.Tensor;

/**
 * Turns a picture (a file, an upload, a drawing) into a model's input: floats in [0, 1], (1, C, H, W).
 *
 * <p>Pixels are read as RGB; transparent pixels are laid over white (as a viewer shows them); one channel is
 * luminance {@code 0.299 R + 0.587 G + 0.114 B}. Then one of the {@link Fit}s brings the picture to H × W.
 */
public final class ImageInput {
    /** How a picture is brought to the model's input size. */
    public enum Fit {
        /** Resize to H × W, ignoring the aspect ratio (area averaging). */
        STRETCH,
        /**
         * MNIST's preparation of a handwritten digit: light ink on a dark background (a picture with a light border
         * is inverted first), cropped to the ink, scaled to fit a box of 20/28 of the size keeping its aspect
         * ratio, and placed so that its centre of mass is at the centre. A blank picture stays blank.
         */
        DIGIT,
        /** {@link #DIGIT} for one channel, {@link #STRETCH} for colour. */
        AUTO
    }

    private ImageInput() {}

    /** Decodes PNG, JPEG, GIF or BMP bytes; throws an IOException saying so when they are none of these. */
    public static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode the image: " + e.getMessage(), e);
        }
        if (img == null) throw new IOException("not a PNG, JPEG, GIF or BMP image");
        if (img.getWidth() < 1 || img.getHeight() < 1) throw new IOException("the image is empty");
        return img;
    }

    /** Reads an image file as the input of shape {@code sampleShape} (C, H, W). */
    public static Tensor load(Path file, int[] sampleShape, Fit fit) throws IOException {
        try {
            return toTensor(decode(Files.readAllBytes(file)), sampleShape, fit);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The picture as the model input (1, C, H, W) for {@code sampleShape} (C, H, W), C = 1 or 3. */
    public static Tensor toTensor(BufferedImage img, int[] sampleShape, Fit fit) {
        if (sampleShape.length != 3 || (sampleShape[0] != 1 && sampleShape[0] != 3) || sampleShape[1] < 1 || sampleShape[2] < 1) {
            throw new IllegalArgumentException("ImageInput: the model input must be (1 or 3, H, W), got " + Tensor.shapeString(sampleShape));
        }
        int c = sampleShape[0], h = sampleShape[1], w = sampleShape[2];
        float[][] planes = planes(img, c);
        int sh = img.getHeight(), sw = img.getWidth();
        Tensor out = Tensor.zeros(1, c, h, w);
        boolean digit = fit == Fit.DIGIT || (fit == Fit.AUTO && c == 1);
        for (int ch = 0; ch < c; ch++) {
            float[] p = digit ? digit(planes[ch], sh, sw, h, w) : resize(planes[ch], sh, sw, h, w);
            System.arraycopy(p, 0, out.data(), ch * h * w, h * w);
        }
        return out;
    }

    /** C planes in [0, 1] at the picture's own size. */
    static float[][] planes(BufferedImage img, int channels) {
        int h = img.getHeight(), w = img.getWidth(), n = h * w;
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[][] out = new float[channels][n];
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            float a = (p >>> 24) / 255f;
            float r = over(p >> 16 & 0xff, a), g = over(p >> 8 & 0xff, a), b = over(p & 0xff, a);
            if (channels == 1) {
                out[0][i] = 0.299f * r + 0.587f * g + 0.114f * b;
            } else {
                out[0][i] = r;
                out[1][i] = g;
                out[2][i] = b;
            }
        }
        return out;
    }

    private static float over(int v, float alpha) {
        return (v / 255f) * alpha + (1f - alpha);
    }

    /** MNIST-style digit placement of one plane (sh × sw) into h × w. */
    static float[] digit(float[] src, int sh, int sw, int h, int w) {
        float[] p = src.clone();
        if (borderMean(p, sh, sw) > 0.5f) for (int i = 0; i < p.length; i++) p[i] = 1f - p[i];
        float max = 0;
        for (float v : p) max = Math.max(max, v);
        if (max <= 0.05f) return new float[h * w];
        // The ink's bounding box: pixels above a tenth of the brightest.
        int top = sh, bottom = -1, left = sw, right = -1;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                if (p[y * sw + x] > 0.1f * max) {
                    top = Math.min(top, y);
                    bottom = Math.max(bottom, y);
                    left = Math.min(left, x);
                    right = Math.max(right, x);
                }
            }
        }
        int bh = bottom - top + 1, bw = right - left + 1;
        float[] crop = new float[bh * bw];
        for (int y = 0; y < bh; y++) System.arraycopy(p, (top + y) * sw + left, crop, y * bw, bw);
        // Fit the longer side to 20/28 of the target, keeping the aspect ratio.
        double box = 20.0 / 28.0;
        double f = Math.min(box * h / bh, box * w / bw);
        int th = Math.max(1, (int) Math.round(bh * f)), tw = Math.max(1, (int) Math.round(bw * f));
        float[] small = resize(crop, bh, bw, th, tw);
        // Centre of mass to the centre, kept inside the frame.
        double mass = 0, my = 0, mx = 0;
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) {
                double v = small[y * tw + x];
                mass += v;
                my += v * y;
                mx += v * x;
            }
        }
        double cy = mass > 0 ? my / mass : (th - 1) / 2.0, cx = mass > 0 ? mx / mass : (tw - 1) / 2.0;
        int oy = clampOffset((int) Math.round((h - 1) / 2.0 - cy), th, h);
        int ox = clampOffset((int) Math.round((w - 1) / 2.0 - cx), tw, w);
        float[] out = new float[h * w];
        for (int y = 0; y < th; y++) {
            for (int x = 0; x < tw; x++) out[(y + oy) * w + x + ox] = Math.clamp(small[y * tw + x], 0f, 1f);
        }
        return out;
    }

    private static int clampOffset(int o, int size, int frame) {
        return Math.max(0, Math.min(o, frame - size));
    }

    private static float borderMean(float[] p, int h, int w) {
        double s = 0;
        int n = 0;
        for (int x = 0; x < w; x++) {
            s += p[x] + p[(h - 1) * w + x];
            n += 2;
        }
        for (int y = 1; y < h - 1; y++) {
            s += p[y * w] + p[y * w + w - 1];
            n += 2;
        }
        return (float) (s / n);
    }

    /**
     * Area-averaging resize of a plane (sh × sw) to (h × w): each output pixel is the mean of the source area it
     * covers, partial pixels weighted by their overlap (enlarging repeats pixels).
     */
    static float[] resize(float[] src, int sh, int sw, int h, int w) {
        if (sh == h && sw == w) return src.clone();
        float[] rows = new float[sh * w];
        for (int y = 0; y < sh; y++) resizeLine(src, y * sw, 1, sw, rows, y * w, 1, w);
        float[] out = new float[h * w];
        for (int x = 0; x < w; x++) resizeLine(rows, x, w, sh, out, x, w, h);
        return out;
    }

    private static void resizeLine(float[] src, int so, int ss, int n, float[] dst, int d0, int ds, int m) {
        double scale = (double) n / m;
        for (int o = 0; o < m; o++) {
            double lo = o * scale, hi = (o + 1) * scale;
            int i0 = (int) Math.floor(lo), i1 = Math.min(n, (int) Math.ceil(hi));
            double sum = 0, wsum = 0;
            for (int i = i0; i < i1; i++) {
                double wt = Math.min(hi, i + 1) - Math.max(lo, i);
                if (wt <= 0) continue;
                sum += wt * src[so + i * ss];
                wsum += wt;
            }
            dst[d0 + o * ds] = (float) (wsum > 0 ? sum / wsum : 0);
        }
    }
}
