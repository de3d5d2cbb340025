package jcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    // Reference values read with Python from the same .gz files:
    //   b = gzip.open('train-labels-idx1-ubyte.gz').read(); list(b[8:28]); collections.Counter(b[8:])
    //   im = gzip.open('train-images-idx3-ubyte.gz').read(); sum(im[16:16 + 784])
    private static final int[] MNIST10K_TRAIN_FIRST = {8, 0, 2, 0, 0, 0, 9, 6, 4, 1, 4, 1, 4, 0, 6, 5, 1, 8, 9, 7};
    private static final int[] MNIST10K_TEST_FIRST = {9, 8, 7, 4, 2, 6, 9, 9, 4, 5, 3, 0, 0, 1, 9, 9, 8, 9, 7, 0};
    private static final int[] MNIST10K_TRAIN_COUNTS = {810, 913, 786, 805, 799, 685, 807, 862, 745, 788};
    private static final int[] MNIST10K_TEST_COUNTS = {191, 214, 205, 227, 181, 178, 207, 208, 199, 190};
    private static final int[] FASHION_TRAIN_FIRST = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 0, 9, 5, 5, 7, 9, 1, 0, 6, 4};
    private static final int[] FASHION_TEST_FIRST = {9, 2, 1, 1, 6, 1, 4, 6, 5, 7, 4, 5, 7, 3, 4, 1, 2, 4, 8, 0};

    @Test
    void mnist10kTrain() throws IOException {
        Dataset d = Datasets.mnist10k(true);
        checkMnistShaped(d, 8000);
        assertEquals("mnist10k/train", d.name());
        assertArrayEquals(MNIST10K_TRAIN_FIRST, Arrays.copyOf(d.labels(), 20));
        assertArrayEquals(MNIST10K_TRAIN_COUNTS, d.classCounts());
        double firstImageSum = 0;
        for (int i = 0; i < 784; i++) firstImageSum += d.images().data()[i] * 255.0;
        assertEquals(24984, firstImageSum, 1e-2);
    }

    @Test
    void mnist10kTest() throws IOException {
        Dataset d = Datasets.mnist10k(false);
        checkMnistShaped(d, 2000);
        assertEquals("mnist10k/test", d.name());
        assertArrayEquals(MNIST10K_TEST_FIRST, Arrays.copyOf(d.labels(), 20));
        assertArrayEquals(MNIST10K_TEST_COUNTS, d.classCounts());
    }

    private static void checkMnistShaped(Dataset d, int n) {
        assertArrayEquals(new int[] {n, 1, 28, 28}, d.images().shape());
        assertEquals(10, d.numClasses());
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : d.images().data()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        for (int c : d.classCounts()) assertTrue(c > 0, "every class present");
    }

    @Test
    void fashionMnist() throws IOException {
        Path home = Datasets.fashionMnistDirectory();
        assumeTrue(Files.isDirectory(home), "Fashion-MNIST not installed at " + home);
        Dataset train = Datasets.fashionMnist(true);
        assertArrayEquals(new int[] {60000, 1, 28, 28}, train.images().shape());
        assertEquals(10, train.numClasses());
        assertEquals("Ankle boot", train.className(9));
        assertEquals(Datasets.FASHION_MNIST_CLASSES, train.classNames());
        assertArrayEquals(FASHION_TRAIN_FIRST, Arrays.copyOf(train.labels(), 20));
        for (int c : train.classCounts()) assertEquals(6000, c);
        Dataset test = Datasets.load("Fashion_MNIST", false);
        assertEquals(10000, test.size());
        assertEquals("fashion-mnist/test", test.name());
        assertArrayEquals(FASHION_TEST_FIRST, Arrays.copyOf(test.labels(), 20));
    }

    @Test
    void fashionMnistMissingSaysHowToInstall() {
        Path missing = dir.resolve("no-fashion");
        IOException e = assertThrows(IOException.class, () -> Datasets.fashionMnist(missing, true));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(missing.resolve("train-images-idx3-ubyte.gz").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("JCNN_FASHION_MNIST"), e.getMessage());
    }

    @Test
    void fashionMnistDirectoryHonoursTheProperty() {
        String old = System.getProperty(Datasets.FASHION_MNIST_PROPERTY);
        try {
            System.setProperty(Datasets.FASHION_MNIST_PROPERTY, dir.toString());
            assertEquals(dir, Datasets.fashionMnistDirectory());
            IOException e = assertThrows(IOException.class, () -> Datasets.load("fashion-mnist", true));
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(Datasets.FASHION_MNIST_PROPERTY);
            else System.setProperty(Datasets.FASHION_MNIST_PROPERTY, old);
        }
    }

    @Test
    void namesIgnoreCaseAndPunctuation() throws IOException {
        assertEquals(2000, Datasets.load("MNIST-10k", false).size());
        assertEquals(8000, Datasets.load("mnist_10K", true).size());
    }

    @Test
    void unknownSpecListsTheAcceptedForms() {
        IOException e = assertThrows(IOException.class, () -> Datasets.load("cifar-11", true));
        String m = e.getMessage();
        assertTrue(m.startsWith("unknown data set 'cifar-11': not a known name and no such file or directory"), m);
        for (String form : new String[] {"mnist10k", "fashion-mnist", "IDX files", ".npz", "DIR of images"}) {
            assertTrue(m.contains(form), form + " in " + m);
        }
        Path txt = dir.resolve("notes.txt");
        IOException f = assertThrows(IOException.class, () -> Datasets.load(Files.writeString(txt, "hi").toString(), true));
        assertTrue(f.getMessage().startsWith(txt + ": a file that is not an .npz archive"), f.getMessage());
    }

    @Test
    void idxDirectory() throws IOException {
        Path d = Files.createDirectory(dir.resolve("digits"));
        Files.write(d.resolve("train-images-idx3-ubyte.gz"), IdxTest.gzip(IdxTest.IMAGES));
        Files.write(d.resolve("train-labels-idx1-ubyte"), IdxTest.LABELS);
        Files.write(d.resolve("t10k-images-idx3-ubyte"), IdxTest.idx(0x803, new int[] {1, 2, 3}, 1, 2, 3, 4, 5, 6));
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), IdxTest.idx(0x801, new int[] {1}, 2));
        Dataset train = Datasets.load(d.toString(), true);
        assertEquals("digits/train", train.name());
        assertArrayEquals(new int[] {7, 3}, train.labels());
        assertEquals(8, train.numClasses(), "largest label of both parts + 1");
        Dataset test = Datasets.load(d.toString(), false);
        assertEquals("digits/test", test.name());
        assertEquals(8, test.numClasses());
        assertEquals(6 / 255f, test.images().get(0, 0, 1, 2));

        Files.write(d.resolve("train-labels-idx1-ubyte.gz"), IdxTest.gzip(IdxTest.LABELS));
        assertEquals(2, Datasets.load(d.toString(), true).size(), "a plain and a gzipped copy: the plain one");
        Files.write(d.resolve("train-labels-old"), IdxTest.LABELS);
        IOException e = assertThrows(IOException.class, () -> Datasets.load(d.toString(), true));
        assertTrue(e.getMessage().contains("several train labels files, cannot choose"), e.getMessage());
    }

    @Test
    void npzRoundTrip() throws IOException {
        Dataset train = new Dataset("a", Tensors.random(1, 6, 3, 4, 5), new int[] {0, 1, 2, 3, 4, 0}, 5, null);
        Dataset test = new Dataset("b", Tensors.random(2, 2, 3, 4, 5), new int[] {4, 4}, 5, null);
        Path file = dir.resolve("set.npz");
        Datasets.writeNpz(file, train, test);
        Dataset tr = Datasets.load(file.toString(), true);
        Dataset te = Datasets.load(file.toString(), false);
        assertEquals("set/train", tr.name());
        assertArrayEquals(train.images().shape(), tr.images().shape());
        assertArrayEquals(train.images().data(), tr.images().data());
        assertArrayEquals(train.labels(), tr.labels());
        assertArrayEquals(test.images().data(), te.images().data());
        assertArrayEquals(test.labels(), te.labels());
        assertEquals(5, tr.numClasses());
        assertEquals(5, te.numClasses());
    }

    @Test
    void npzWithUint8ImagesOfShapeNHW() throws IOException {
        Path file = dir.resolve("u8.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            entry(zip, "x_train", npy("|u1", "(2, 1, 3)", new byte[] {0, 51, (byte) 255, 1, 2, 3}));
            entry(zip, "y_train", npy("<i8", "(2,)", new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0}));
            entry(zip, "x_test", npy("|u1", "(1, 1, 3)", new byte[] {9, 9, 9}));
            entry(zip, "y_test", npy("|u1", "(1,)", new byte[] {0}));
        }
        Dataset d = Datasets.npz(file, true);
        assertArrayEquals(new int[] {2, 1, 1, 3}, d.images().shape());
        assertArrayEquals(new float[] {0, 51 / 255f, 1, 1 / 255f, 2 / 255f, 3 / 255f}, d.images().data());
        assertArrayEquals(new int[] {1, 2}, d.labels());
        assertEquals(3, d.numClasses());
    }

    @Test
    void npzErrors() throws IOException {
        Path file = dir.resolve("bad.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            entry(zip, "x_train", npy("<f4", "(2, 3)", new byte[24]));
            entry(zip, "y_train", npy("|u1", "(2,)", new byte[2]));
        }
        IOException shape = assertThrows(IOException.class, () -> Datasets.npz(file, true));
        assertEquals(file + "[x_train]: images must be (N, H, W) or (N, C, H, W), got shape (2, 3)", shape.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Datasets.npz(file, false));
        assertTrue(missing.getMessage().startsWith(file + ": no array 'x_test'"), missing.getMessage());
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** A version-1.0 .npy file (header padded to 64 bytes, as numpy writes it). */
    private static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = 64 - (10 + dict.length() + 1) % 64;
        String header = dict + " ".repeat(pad % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(data);
        return out.toByteArray();
    }

    @Test
    void imageFolderWithTrainAndTest() throws IOException {
        Path root = dir.resolve("shapes");
        ImageFolderTest.greyPng(root.resolve("train/square/a.png"), 4, 6, 10);
        ImageFolderTest.greyPng(root.resolve("train/circle/b.png"), 4, 6, 20);
        ImageFolderTest.greyPng(root.resolve("train/circle/c.png"), 8, 12, 30);
        ImageFolderTest.greyPng(root.resolve("test/square/d.png"), 2, 3, 40);
        Dataset train = Datasets.load(root.toString(), true);
        Dataset test = Datasets.load(root.toString(), false);
        assertEquals("shapes/train", train.name());
        assertEquals(java.util.List.of("circle", "square"), train.classNames());
        assertArrayEquals(new int[] {3, 1, 4, 6}, train.images().shape(), "format of the first training image");
        assertArrayEquals(new int[] {0, 0, 1}, train.labels());
        assertArrayEquals(new int[] {1, 1, 4, 6}, test.images().shape());
        assertArrayEquals(new int[] {1}, test.labels(), "test classes indexed like training");
        assertEquals(2, test.numClasses());
        Tensor expected = Tensor.full(40 / 255f, 1, 1, 4, 6);
        Tensors.assertClose(expected, test.images(), 1e-6, 1e-6, "upscaled constant image");

        Path flat = dir.resolve("flat");
        ImageFolderTest.greyPng(flat.resolve("x/a.png"), 2, 2, 1);
        assertEquals(1, Datasets.load(flat.toString(), true).size());
        IOException e = assertThrows(IOException.class, () -> Datasets.load(flat.toString(), false));
        assertTrue(e.getMessage().contains("has no test part"), e.getMessage());
    }
}
