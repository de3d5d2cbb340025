package jcnn.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import jcnn.data.Augmentation;
import jcnn.data.Dataset;
import jcnn.data.Datasets;
import jcnn.data.Normalize;
import jcnn.io.ModelFile;
import jcnn.nn.Architecture;
import jcnn.nn.Init;
import jcnn.nn.Sequential;
import jcnn.optim.Optimizers;
import jcnn.optim.Schedules;
import jcnn.train.ModelInfo;
import jcnn.train.Trainer;

/**
 * The model {@code jcnn serve} shows when it is given none: a small two-convolution network trained on the embedded
 * digits (mnist10k), cached in a file after its first training so that later starts are instant.
 *
 * <pre>
 * Conv2d(1, 8, 5) → ReLU → MaxPool2d(2) → Conv2d(8, 16, 5) → ReLU → MaxPool2d(2) → Flatten → Linear(256, 10)
 * </pre>
 * Two convolution layers give the deconvnet something to project through; 6,000 parameters train in seconds.
 * Recipe: He initialisation, Adam (lr 0.003) with a cosine schedule, batches of 64, ±2-pixel shifts, 4 epochs.
 *
 * <p>The cache is {@code $JCNN_CACHE_DIR/serve-digits-v1.jcnn}, else {@code $XDG_CACHE_HOME/jcnn/...}, else
 * {@code ~/.cache/jcnn/...}. A cache file that cannot be read is trained again and replaced.
 */
public final class DemoModel {
    public static final String ARCHITECTURE =
            "Conv2d(1, 12, 5), ReLU(), MaxPool2d(2), Conv2d(12, 24, 5), ReLU(), MaxPool2d(2), Flatten(), Linear(384, 10)";
    public static final String CACHE_NAME = "serve-digits-v1.jcnn";
    public static final int EPOCHS = 6;
    public static final long SEED = 7;

    private DemoModel() {}

    /** The cache file (not necessarily existing). */
    public static Path cacheFile() {
        String dir = System.getenv("JCNN_CACHE_DIR");
        if (dir != null && !dir.isBlank()) return Path.of(dir, CACHE_NAME);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jcnn").resolve(CACHE_NAME);
    }

    /** The cached model, or null when there is none or it cannot be read. */
    public static ModelFile.Contents cached(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return ModelFile.load(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A fresh, initialised (untrained) demo network. */
    public static Sequential fresh() {
        return Architecture.parseModel(ARCHITECTURE).initialize(Init.heNormal(), SEED);
    }

    /** What a training run of the demo network needs: the trainer, the data, and the info its file records. */
    public record Plan(Trainer trainer, Dataset train, Map<String, String> info) {}

    /**
     * The run that trains {@code model} on {@code data} (a {@link Datasets#load} spec, e.g. "mnist10k") for
     * {@code epochs}, with the test set as validation. {@code normalize} is the model's; when it is null the
     * normalisation is fitted on the data if {@code fit}, and there is none otherwise (a model trained without).
     */
    public static Plan plan(Sequential model, String data, int epochs, Normalize normalize, boolean fit) throws IOException {
        Dataset train = Datasets.load(data, true), test = Datasets.load(data, false);
        Normalize norm = normalize != null ? normalize : fit ? Normalize.fit(train) : null;
        Trainer t = new Trainer(model, Optimizers.byName("adam", model.parameters(), 0.003))
                .epochs(epochs).batchSize(64).seed(SEED).schedule(Schedules.cosine(epochs))
                .augmentation(Augmentation.shift(2)).normalize(norm).validation(test);
        Map<String, String> info = new LinkedHashMap<>();
        new ModelInfo(train.imageShape(), train.classNames(), norm).writeTo(info);
        info.put("model", "serve-demo");
        info.put("data", data);
        info.put("epochs", Integer.toString(epochs));
        info.put("seed", Long.toString(SEED));
        return new Plan(t, train, info);
    }
}
