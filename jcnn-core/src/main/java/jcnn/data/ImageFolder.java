package jcnn.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import jcnn.tensor.Tensor;

/**
 * A data set stored as image files, one sub-folder per class, as torchvision's {@code ImageFolder}:
 *
 * <pre>
 * root/cat/001.png
 * root/cat/002.jpg
 * root/dog/abc.jpeg
 * </pre>
 *
 * <p>Class indices follow the sorted folder names (cat = 0, dog = 1) and the folder names become the class names.
 * Images are read with {@code javax.imageio}: files ending in .png, .jpg or .jpeg (any case), in sorted order;
 * other files and hidden entries (names starting with '.') are ignored, as torchvision does. A file with an
 * image extension that does not decode fails the whole read with an {@link IOException} naming it.
 *
 * <p>Pixels become floats in [0, 1] and are converted to the requested channels: 1 = greyscale by luminance
 * {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as PIL's "L" mode), 3 = RGB (a grey image is repeated in
 * all three). Greyscale files are read from their raster as stored (8 or 16 bits), without colour management.
 * Alpha is ignored. Every image is resized to the requested height × width with {@link Resize}; an image that
 * already has that size is copied exactly.
 */
public final class ImageFolder {
    private ImageFolder() {}

    /** How images are resized. */
    public enum Resize {
        /**
         * Bilinear interpolation between the four nearest pixels, with pixel centres aligned as PyTorch's
         * {@code interpolate(mode="bilinear", align_corners=False, antialias=False)}. Good for enlarging and
         * mild shrinking; aliases when shrinking a lot.
         */
        BILINEAR,
        /**
         * Area averaging: each output pixel is the mean of the input area it covers, partial pixels weighted
         * by their overlap (OpenCV's {@code INTER_AREA} when shrinking, PIL's {@code BOX}). The right choice for
         * shrinking photos; enlarging gives blocky, nearest-like results.
         */
        AREA
    }

    /** The shape images are converted to: channels (1 or 3), height, width. */
    public record Format(int channels, int height, int width) {
        public Format {
            if (channels != 1 && channels != 3) throw new IllegalArgumentException("ImageFolder: channels must be 1 or 3, got " + channels);
            if (height < 1 || width < 1) throw new IllegalArgumentException("ImageFolder: size must be positive, got " + height + "x" + width);
        }
    }

    /**
     * Reads {@code root} with the format of its first image (first class folder, first file): 1 channel when
     * that image is greyscale, else 3, and its height and width; other sizes are resized with {@link Resize#AREA}.
     */
    public static Dataset read(Path root) throws IOException {
        return read(root, null, probe(root), Resize.AREA);
    }

    /** Reads {@code root} converting every image to {@code format} with {@code resize}. */
    public static Dataset read(Path root, Format format, Resize resize) throws IOException {
        return read(root, null, format, resize);
    }

    /**
     * Reads {@code root} with a given list of classes, e.g. a test folder with the classes of its training
     * folder: each sub-folder must be named after one of {@code classes} and gets that class's index (classes
     * without a folder simply have no images). {@code classes == null} takes the sorted sub-folder names.
     */
    public static Dataset read(Path root, List<String> classes, Format format, Resize resize) throws IOException {
        List<Path> folders = classFolders(root);
        List<String> names = classes != null ? List.copyOf(classes) : folders.stream().map(ImageFolder::name).toList();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path folder : folders) {
            int label = names.indexOf(name(folder));
            if (label < 0) {
                throw new IOException(folder + ": folder '" + name(folder) + "' is not one of the classes " + names);
            }
            List<Path> images = imageFiles(folder);
            if (images.isEmpty()) throw new IOException(folder + ": class folder has no .png, .jpg or .jpeg images");
            for (Path f : images) {
                files.add(f);
                labels.add(label);
            }
        }
        int c = format.channels(), h = format.height(), w = format.width();
        float[] x = new float[Math.multiplyExact(files.size(), c * h * w)];
        for (int i = 0; i < files.size(); i++) {
            float[] planes = readImage(files.get(i), format, resize);
            System.arraycopy(planes, 0, x, i * c * h * w, planes.length);
        }
        Path rootName = root.toAbsolutePath().normalize().getFileName();
        return new Dataset(rootName == null ? root.toString() : rootName.toString(), Tensor.wrap(x, files.size(), c, h, w),
                labels.stream().mapToInt(Integer::intValue).toArray(), names.size(), names);
    }

    /** The format of the first image under {@code root}: 1 channel if it is greyscale else 3, and its size. */
    public static Format probe(Path root) throws IOException {
        for (Path folder : classFolders(root)) {
            List<Path> images = imageFiles(folder);
            if (images.isEmpty()) continue;
            BufferedImage img = decode(images.getFirst());
            return new Format(isGrey(img.getColorModel()) ? 1 : 3, img.getHeight(), img.getWidth());
        }
        throw new IOException(root + ": no .png, .jpg or .jpeg images in any class folder");
    }

    /** The sorted class names (sub-folder names) of {@code root}. */
    public static List<String> classes(Path root) throws IOException {
        return classFolders(root).stream().map(ImageFolder::name).toList();
    }

    /**
     * One image file converted to {@code format}: C planes of height × width floats in [0, 1].
     *
     * @throws IOException naming the file when it cannot be read or decoded
     */
    public static float[] readImage(Path file, Format format, Resize resize) throws IOException {
        BufferedImage img = decode(file);
        int sh = img.getHeight(), sw = img.getWidth();
        float[][] planes = planes(img, format.channels());
        float[] out = new float[format.channels() * format.height() * format.width()];
        int plane = format.height() * format.width();
        for (int c = 0; c < planes.length; c++) {
            float[] p = resize(planes[c], sh, sw, format.height(), format.width(), resize);
            System.arraycopy(p, 0, out, c * plane, plane);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // Files
    // ---------------------------------------------------------------------------------------------------

    private static List<Path> classFolders(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new IOException(root + ": not a directory (expected one sub-folder of images per class)");
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(p -> !name(p).startsWith(".") && Files.isDirectory(p)).sorted(ImageFolder::byName).toList();
        }
        if (folders.isEmpty()) throw new IOException(root + ": no class sub-folders (expected one sub-folder of images per class)");
        return folders;
    }

    private static List<Path> imageFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> !name(p).startsWith(".") && isImageName(name(p)) && Files.isRegularFile(p))
                    .sorted(ImageFolder::byName).toList();
        }
    }

    private static boolean isImageName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static int byName(Path a, Path b) {
        return name(a).compareTo(name(b));
    }

    private static BufferedImage decode(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode the image: " + e.getMessage(), e);
        }
        if (img == null) throw new IOException(file + ": not a readable PNG or JPEG image (no image decoder accepts it)");
        if (img.getWidth() < 1 || img.getHeight() < 1) throw new IOException(file + ": empty image");
        return img;
    }

    // ---------------------------------------------------------------------------------------------------
    // Pixels
    // ---------------------------------------------------------------------------------------------------

    private static boolean isGrey(ColorModel cm) {
        return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel);
    }

    /** The image as {@code channels} planes of floats in [0, 1], at its own size. */
    private static float[][] planes(BufferedImage img, int channels) {
        int h = img.getHeight(), w = img.getWidth(), n = h * w;
        float[][] out = new float[channels][n];
        if (isGrey(img.getColorModel())) {
            // The raster holds the stored grey levels; getRGB would pass them through a colour conversion.
            Raster r = img.getRaster();
            int[] samples = r.getSamples(r.getMinX(), r.getMinY(), w, h, 0, (int[]) null);
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int i = 0; i < n; i++) out[0][i] = samples[i] / max;
            for (int c = 1; c < channels; c++) System.arraycopy(out[0], 0, out[c], 0, n);
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            float r = (p >> 16 & 0xff) / 255f, g = (p >> 8 & 0xff) / 255f, b = (p & 0xff) / 255f;
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

    /** Resizes one plane (sh × sw) to (h × w): rows first, then columns, each a weighted sum of source pixels. */
    static float[] resize(float[] src, int sh, int sw, int h, int w, Resize mode) {
        if (sh == h && sw == w) return src;
        Taps tx = Taps.of(sw, w, mode), ty = Taps.of(sh, h, mode);
        float[] rows = new float[sh * w];
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < w; x++) rows[y * w + x] = tx.apply(x, src, y * sw, 1);
        }
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) out[y * w + x] = ty.apply(y, rows, x, w);
        }
        return out;
    }

    /** For each output index along one axis, the first source index and the weights of consecutive sources. */
    private record Taps(int[] first, float[][] weights) {
        static Taps of(int in, int out, Resize mode) {
            int[] first = new int[out];
            float[][] weights = new float[out][];
            double scale = (double) in / out;
            for (int o = 0; o < out; o++) {
                if (mode == Resize.BILINEAR) {
                    double s = Math.max(0, (o + 0.5) * scale - 0.5);
                    int i0 = Math.min((int) s, in - 1);
                    float l = i0 == in - 1 ? 0f : (float) (s - i0);
                    first[o] = i0;
                    weights[o] = i0 == in - 1 ? new float[] {1f} : new float[] {1f - l, l};
                } else {
                    double lo = o * scale, hi = Math.min(in, (o + 1) * scale);
                    int i0 = (int) Math.floor(lo), i1 = Math.min(in, (int) Math.ceil(hi));
                    float[] wts = new float[Math.max(1, i1 - i0)];
                    for (int i = i0; i < i0 + wts.length; i++) {
                        wts[i - i0] = (float) ((Math.min(hi, i + 1) - Math.max(lo, i)) / (hi - lo));
                    }
                    first[o] = i0;
                    weights[o] = wts;
                }
            }
            return new Taps(first, weights);
        }

        /** Σ weights[o][t] · v[offset + (first[o] + t) · stride]. */
        float apply(int o, float[] v, int offset, int stride) {
            float[] wts = weights[o];
            int base = offset + first[o] * stride;
            double s = 0;
            for (int t = 0; t < wts.length; t++) s += (double) wts[t] * v[base + t * stride];
            return (float) s;
        }
    }
}
