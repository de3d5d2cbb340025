package jcnn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import jcnn.tensor.Tensor;

/**
 * The IDX format of the MNIST files (and of Fashion-MNIST, which copies it), plain or gzip-compressed.
 *
 * <p>A file is a big-endian 32-bit magic number {@code 0x0000TTDD} (TT = element type, 0x08 for unsigned bytes;
 * DD = number of dimensions), then DD big-endian 32-bit sizes, then the elements row-major. Images are
 * {@code 0x00000803} (count, rows, columns), labels {@code 0x00000801} (count). Only unsigned-byte files are read,
 * which is what every MNIST-style data set uses. Compression is detected from the gzip magic bytes
 * {@code 1f 8b}, not from the file name.
 *
 * <p>Errors are {@link IOException}s whose message starts with the file and says what is wrong: a bad magic
 * number, a wrong dimension count, truncated data, extra data after the end, a label count that differs from
 * the image count, a label outside {@code [0, numClasses)}.
 */
public final class Idx {
    /** Magic number of an unsigned-byte image file: type 0x08, three dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte label file: type 0x08, one dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;

    private Idx() {}

    /**
     * Images as stored: {@code count} images of {@code height × width} unsigned bytes, row-major, in
     * {@code pixels} (0..255, read as {@code b & 0xff}).
     */
    public record Images(int count, int height, int width, byte[] pixels) {
        /**
         * The images as a tensor (count, 1, height, width), pixels scaled to [0, 1]: {@code v / 255f}, the same
         * float as torchvision's {@code ToTensor}.
         */
        public Tensor toTensor() {
            float[] table = new float[256];
            for (int v = 0; v < 256; v++) table[v] = v / 255f;
            return convert(table);
        }

        /** The images as a tensor (count, 1, height, width), each pixel value 0..255 multiplied by {@code scale}. */
        public Tensor toTensor(float scale) {
            float[] table = new float[256];
            for (int v = 0; v < 256; v++) table[v] = v * scale;
            return convert(table);
        }

        private Tensor convert(float[] table) {
            float[] out = new float[pixels.length];
            for (int i = 0; i < out.length; i++) out[i] = table[pixels[i] & 0xff];
            return Tensor.wrap(out, count, 1, height, width);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Data sets
    // ---------------------------------------------------------------------------------------------------

    /**
     * Reads an image file and its label file into a data set with pixels in [0, 1].
     *
     * @param numClasses the number of classes; every label must lie in {@code [0, numClasses)}
     * @param classNames one name per class, or {@code null} for none
     */
    public static Dataset read(String name, Path images, Path labels, int numClasses, List<String> classNames)
            throws IOException {
        return dataset(name, readImages(images), images.toString(), readLabels(labels), labels.toString(), numClasses, classNames);
    }

    /**
     * Pairs images and labels read elsewhere (from the classpath, say) into a data set with pixels in [0, 1],
     * checking that the counts agree and every label is in range. The sources name the files in messages.
     */
    public static Dataset dataset(String name, Images images, String imagesSource, int[] labels, String labelsSource,
                                  int numClasses, List<String> classNames) throws IOException {
        if (labels.length != images.count()) {
            throw new IOException(labelsSource + ": " + labels.length + " labels but " + imagesSource + " has "
                    + images.count() + " images");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= numClasses) {
                throw new IOException(labelsSource + ": label " + i + " is " + labels[i] + ", out of range for "
                        + numClasses + " classes (0.." + (numClasses - 1) + ")");
            }
        }
        return new Dataset(name, images.toTensor(), labels, numClasses, classNames);
    }

    // ---------------------------------------------------------------------------------------------------
    // Files
    // ---------------------------------------------------------------------------------------------------

    /** Reads an image file ({@code 0x00000803}), plain or gzip. */
    public static Images readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return readImages(in, file.toString());
        }
    }

    /** Reads a label file ({@code 0x00000801}), plain or gzip; labels are 0..255. */
    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return readLabels(in, file.toString());
        }
    }

    /** Reads an image file from a stream (plain or gzip); {@code source} names it in error messages. */
    public static Images readImages(InputStream in, String source) throws IOException {
        try (InputStream s = decompressed(in, source)) {
            int[] dims = header(s, source, 3, "images");
            long total = (long) dims[0] * dims[1] * dims[2];
            if (total > Integer.MAX_VALUE - 8) {
                throw new IOException(source + ": implausible IDX image sizes " + dims[0] + " x " + dims[1] + " x " + dims[2]);
            }
            byte[] pixels = body(s, source, (int) total, dims[0] + " images of " + dims[1] + "x" + dims[2] + " pixels");
            return new Images(dims[0], dims[1], dims[2], pixels);
        }
    }

    /** Reads a label file from a stream (plain or gzip); {@code source} names it in error messages. */
    public static int[] readLabels(InputStream in, String source) throws IOException {
        try (InputStream s = decompressed(in, source)) {
            int n = header(s, source, 1, "labels")[0];
            byte[] raw = body(s, source, n, n + " labels");
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = raw[i] & 0xff;
            return labels;
        }
    }

    private static InputStream open(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
    }

    /** The stream, unzipped when it starts with the gzip magic {@code 1f 8b}. */
    private static InputStream decompressed(InputStream raw, String source) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 != 0x1f || b1 != 0x8b) return in;
        try {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        } catch (ZipException | EOFException e) {
            throw new IOException(source + ": corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /** Reads and checks the magic number and the dimension sizes. */
    private static int[] header(InputStream in, String source, int rank, String what) throws IOException {
        int magic = readInt(in, source, "the magic number");
        int expected = UNSIGNED_BYTE << 8 | rank;
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UNSIGNED_BYTE) {
            throw new IOException(source + ": bad magic number 0x" + hex(magic) + ", not an IDX file of unsigned bytes"
                    + " (IDX " + what + " start with 0x" + hex(expected) + ")");
        }
        if ((magic & 0xff) != rank) {
            throw new IOException(source + ": wrong dimension count " + (magic & 0xff) + " (magic 0x" + hex(magic)
                    + "); IDX " + what + " have " + rank + " (magic 0x" + hex(expected) + ")");
        }
        int[] dims = new int[rank];
        for (int d = 0; d < rank; d++) {
            dims[d] = readInt(in, source, "dimension " + d);
            if (dims[d] < 0) throw new IOException(source + ": negative size " + dims[d] + " of dimension " + d);
        }
        return dims;
    }

    /** Reads exactly {@code n} bytes and checks that nothing follows. */
    private static byte[] body(InputStream in, String source, int n, String what) throws IOException {
        byte[] b;
        try {
            b = in.readNBytes(n);
            if (b.length == n && in.read() != -1) {
                throw new IOException(source + ": unexpected data after the " + what + " the header announces");
            }
        } catch (ZipException | EOFException e) {
            throw new IOException(source + ": truncated or corrupt gzip data: " + e.getMessage(), e);
        }
        if (b.length != n) {
            throw new IOException(source + ": truncated: the header announces " + what + " (" + n + " bytes) but only "
                    + b.length + " bytes follow");
        }
        return b;
    }

    private static int readInt(InputStream in, String source, String what) throws IOException {
        byte[] b;
        try {
            b = in.readNBytes(4);
        } catch (ZipException | EOFException e) {
            throw new IOException(source + ": truncated or corrupt gzip data: " + e.getMessage(), e);
        }
        if (b.length != 4) throw new IOException(source + ": truncated: the file ends inside the header (" + what + ")");
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
