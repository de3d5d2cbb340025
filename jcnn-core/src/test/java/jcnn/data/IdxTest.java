package jcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    /** An IDX file: magic, big-endian sizes, then the bytes. */
    static byte[] idx(int magic, int[] dims, int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, magic);
        for (int d : dims) writeInt(out, d);
        for (int v : values) out.write(v);
        return out.toByteArray();
    }

    static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16 & 0xff);
        out.write(v >>> 8 & 0xff);
        out.write(v & 0xff);
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        }
        return out.toByteArray();
    }

    /** Two 2x3 images and their labels. */
    static final int[] PIXELS = {0, 1, 2, 3, 128, 255, 10, 20, 30, 40, 50, 60};
    static final byte[] IMAGES = idx(0x00000803, new int[] {2, 2, 3}, PIXELS);
    static final byte[] LABELS = idx(0x00000801, new int[] {2}, 7, 3);

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void readsPlainAndGzipByContentNotName() throws IOException {
        // the gzip file has no .gz suffix and the plain one has: detection goes by the magic bytes
        Path[][] pairs = {
            {write("plain-images", IMAGES), write("plain-labels", LABELS)},
            {write("zipped-images", gzip(IMAGES)), write("zipped-labels", gzip(LABELS))},
            {write("misnamed-images.gz", IMAGES), write("misnamed-labels.gz", LABELS)},
        };
        for (Path[] p : pairs) {
            Idx.Images img = Idx.readImages(p[0]);
            assertEquals(2, img.count());
            assertEquals(2, img.height());
            assertEquals(3, img.width());
            int[] unsigned = new int[img.pixels().length];
            for (int i = 0; i < unsigned.length; i++) unsigned[i] = img.pixels()[i] & 0xff;
            assertArrayEquals(PIXELS, unsigned, p[0].toString());
            assertArrayEquals(new int[] {7, 3}, Idx.readLabels(p[1]));

            Dataset d = Idx.read("tiny", p[0], p[1], 10, null);
            assertArrayEquals(new int[] {2, 1, 2, 3}, d.images().shape());
            float[] expected = new float[PIXELS.length];
            for (int i = 0; i < expected.length; i++) expected[i] = PIXELS[i] / 255f;
            assertArrayEquals(expected, d.images().data());
            assertEquals(1f, d.images().get(0, 0, 1, 2));
            assertArrayEquals(new int[] {7, 3}, d.labels());
        }
    }

    @Test
    void rawScaleKeepsByteValues() {
        Idx.Images img = new Idx.Images(1, 1, 3, new byte[] {0, (byte) 200, (byte) 255});
        assertArrayEquals(new float[] {0, 200, 255}, img.toTensor(1f).data());
    }

    @Test
    void emptyFilesAreValid() throws IOException {
        Path images = write("e-images", idx(0x803, new int[] {0, 28, 28}));
        Path labels = write("e-labels", idx(0x801, new int[] {0}));
        Dataset d = Idx.read("empty", images, labels, 10, null);
        assertEquals(0, d.size());
        assertArrayEquals(new int[] {0, 1, 28, 28}, d.images().shape());
    }

    private String imagesError(byte[] bytes) throws IOException {
        Path f = write("bad-images", bytes);
        IOException e = assertThrows(IOException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    private String labelsError(byte[] bytes) throws IOException {
        Path f = write("bad-labels", bytes);
        IOException e = assertThrows(IOException.class, () -> Idx.readLabels(f));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void badMagic() throws IOException {
        assertTrue(imagesError(idx(0x12340803, new int[] {1, 1, 1}, 0)).contains(
                "bad magic number 0x12340803, not an IDX file of unsigned bytes (IDX images start with 0x00000803)"));
        // element type 0x0d (float) is not read
        assertTrue(imagesError(idx(0x00000d03, new int[] {1, 1, 1}, 0, 0, 0, 0)).contains("bad magic number 0x00000d03"));
        // a PNG is not an IDX file
        assertTrue(labelsError(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4}).contains("bad magic number 0x89504e47"));
    }

    @Test
    void wrongDimensionCount() throws IOException {
        // a label file given as images, and an image file given as labels
        assertTrue(imagesError(LABELS).contains("wrong dimension count 1 (magic 0x00000801); IDX images have 3 (magic 0x00000803)"));
        assertTrue(labelsError(IMAGES).contains("wrong dimension count 3 (magic 0x00000803); IDX labels have 1 (magic 0x00000801)"));
    }

    @Test
    void truncatedData() throws IOException {
        byte[] cut = Arrays.copyOf(IMAGES, IMAGES.length - 5);
        String expected = "truncated: the header announces 2 images of 2x3 pixels (12 bytes) but only 7 bytes follow";
        assertTrue(imagesError(cut).contains(expected), imagesError(cut));
        assertTrue(imagesError(gzip(cut)).contains(expected));
        assertTrue(labelsError(Arrays.copyOf(LABELS, 9)).contains("truncated: the header announces 2 labels (2 bytes) but only 1 bytes follow"));
        assertTrue(imagesError(Arrays.copyOf(IMAGES, 10)).contains("truncated: the file ends inside the header (dimension 1)"));
        assertTrue(imagesError(new byte[0]).contains("truncated: the file ends inside the header (the magic number)"));
    }

    @Test
    void truncatedGzipStream() throws IOException {
        byte[] z = gzip(IMAGES);
        String m = imagesError(Arrays.copyOf(z, z.length - 12));
        assertTrue(m.contains("truncated or corrupt gzip data"), m);
    }

    @Test
    void extraDataAfterTheEnd() throws IOException {
        byte[] longer = Arrays.copyOf(LABELS, LABELS.length + 1);
        assertTrue(labelsError(longer).contains("unexpected data after the 2 labels the header announces"));
    }

    @Test
    void negativeSize() throws IOException {
        assertTrue(labelsError(idx(0x801, new int[] {-1})).contains("negative size -1 of dimension 0"));
    }

    @Test
    void labelCountMustMatchImageCount() throws IOException {
        Path images = write("images", IMAGES);
        Path labels = write("labels", idx(0x801, new int[] {3}, 1, 2, 3));
        IOException e = assertThrows(IOException.class, () -> Idx.read("x", images, labels, 10, null));
        assertEquals(labels + ": 3 labels but " + images + " has 2 images", e.getMessage());
    }

    @Test
    void labelOutOfRange() throws IOException {
        Path images = write("images", IMAGES);
        Path labels = write("labels", idx(0x801, new int[] {2}, 4, 10));
        IOException e = assertThrows(IOException.class, () -> Idx.read("x", images, labels, 10, null));
        assertEquals(labels + ": label 1 is 10, out of range for 10 classes (0..9)", e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope-images");
        IOException e = assertThrows(IOException.class, () -> Idx.readImages(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
