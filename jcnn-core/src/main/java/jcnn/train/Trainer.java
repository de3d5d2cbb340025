package jcnn.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcnn.data.Augmentation;
import jcnn.data.Batch;
import jcnn.data.DataLoader;
import jcnn.data.Dataset;
import jcnn.data.Normalize;
import jcnn.io.ModelFile;
import jcnn.loss.SoftmaxCrossEntropy;
import jcnn.nn.Layer;
import jcnn.nn.Sequential;
import jcnn.nn.Stochastic;
import jcnn.optim.LrSchedule;
import jcnn.optim.Optimizer;
import jcnn.tensor.Tensor;

/**
 * Trains a classifier with mini-batch gradient descent: the seeds' training loop, with validation each epoch,
 * a history, early stopping, learning-rate schedules, checkpoints and resumption.
 *
 * <p>Each step is the four lines of every framework:
 * <pre>{@code
 * Tensor logits = model.forward(batch.x(), true);
 * float loss = lossFunction.forward(logits, batch.labels());
 * model.backward(lossFunction.backward());
 * optimizer.step(loss, closure);
 * }</pre>
 *
 * <p>Reproducibility: the order of the samples in epoch e, their augmentation and the dropout masks are
 * functions of (seed, e) only, and the kernels are deterministic for a given thread count. A run stopped after
 * any epoch and {@linkplain #resume resumed} from its checkpoint therefore ends bit for bit where an uninterrupted
 * run with the same seed and thread count ends.
 */
public final class Trainer {
    private final Sequential model;
    private final Optimizer optimizer;
    private final SoftmaxCrossEntropy lossFunction;
    private int epochs = 10;
    private int batchSize = 100;
    private long seed = 0;
    private LrSchedule schedule;
    private Augmentation augmentation = Augmentation.none();
    private Normalize normalize;
    private Dataset validation;
    private int patience = 0;
    private Path checkpoint;
    private Map<String, String> checkpointInfo = Map.of();
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final List<EpochStats> history = new ArrayList<>();
    private double baseLr;

    public Trainer(Sequential model, Optimizer optimizer) {
        this(model, optimizer, new SoftmaxCrossEntropy());
    }

    public Trainer(Sequential model, Optimizer optimizer, SoftmaxCrossEntropy lossFunction) {
        this.model = model;
        this.optimizer = optimizer;
        this.lossFunction = lossFunction;
        this.baseLr = optimizer.learningRate();
    }

    // ---------------------------------------------------------------------------------------------------
    // Options
    // ---------------------------------------------------------------------------------------------------

    /** The last epoch to train (epochs are numbered from 1; a resumed run continues after its last one). */
    public Trainer epochs(int epochs) {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        this.epochs = epochs;
        return this;
    }

    public Trainer batchSize(int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.batchSize = batchSize;
        return this;
    }

    /** The seed of the data order, augmentation and dropout. */
    public Trainer seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The learning rate as a function of the (fractional) epoch, applied before every step. */
    public Trainer schedule(LrSchedule schedule) {
        this.schedule = schedule;
        return this;
    }

    public Trainer augmentation(Augmentation augmentation) {
        this.augmentation = augmentation == null ? Augmentation.none() : augmentation;
        return this;
    }

    /** Normalisation applied to every batch (training, validation and evaluation). */
    public Trainer normalize(Normalize normalize) {
        this.normalize = normalize;
        return this;
    }

    /** A data set evaluated after every epoch. */
    public Trainer validation(Dataset validation) {
        this.validation = validation;
        return this;
    }

    /**
     * Stop when the validation loss has not improved for {@code patience} epochs, and put back the weights of
     * the best epoch (0: off; needs a validation set).
     */
    public Trainer earlyStopping(int patience) {
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
        this.patience = patience;
        return this;
    }

    /**
     * Save a checkpoint to {@code file} at the end of every epoch: the model, the optimizer state, the history and
     * {@code info} (the caller's record of the configuration), written atomically.
     */
    public Trainer checkpoint(Path file, Map<String, String> info) {
        this.checkpoint = file;
        this.checkpointInfo = new LinkedHashMap<>(info);
        return this;
    }

    public Trainer listener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Continues from a checkpoint written by {@link #checkpoint}: the optimizer state and history are restored
     * (the model passed to the constructor must already hold the checkpoint's weights) and training resumes
     * after the last completed epoch.
     */
    public Trainer resume(ModelFile.Contents saved) {
        optimizer.loadState(saved.optimizerState());
        history.clear();
        for (String line : saved.history()) history.add(EpochStats.parse(line));
        return this;
    }

    public List<EpochStats> history() {
        return List.copyOf(history);
    }

    public Sequential model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The normalisation applied to every batch, or null. */
    public Normalize normalize() {
        return normalize;
    }

    // ---------------------------------------------------------------------------------------------------
    // Training
    // ---------------------------------------------------------------------------------------------------

    /** Trains until {@link #epochs} (or early stopping) and returns the whole history. */
    public List<EpochStats> fit(Dataset train) {
        checkCompatible(train, "training");
        if (validation != null) checkCompatible(validation, "validation");
        if (patience > 0 && validation == null) throw new IllegalStateException("early stopping needs a validation set");
        DataLoader loader = new DataLoader(train, batchSize).shuffle(true).seed(seed).augmentation(augmentation);
        if (normalize != null) loader.normalize(normalize);
        int first = history.size() + 1;
        int batches = loader.batchesPerEpoch();
        for (TrainingListener l : listeners) l.onStart(first, epochs, batches);
        double bestLoss = Double.POSITIVE_INFINITY;
        Map<String, Tensor> best = null;
        int sinceBest = 0;
        for (EpochStats s : history) {
            if (s.hasValidation() && s.valLoss() < bestLoss) bestLoss = s.valLoss();
        }
        for (int epoch = first; epoch <= epochs; epoch++) {
            EpochStats stats = trainEpoch(loader, epoch, batches);
            history.add(stats);
            for (TrainingListener l : listeners) l.onEpochEnd(stats);
            if (checkpoint != null) saveCheckpoint();
            if (patience > 0) {
                if (stats.valLoss() < bestLoss) {
                    bestLoss = stats.valLoss();
                    best = copy(model.stateDict());
                    sinceBest = 0;
                } else if (++sinceBest >= patience) {
                    break;
                }
            }
        }
        if (best != null) model.loadStateDict(best);
        for (TrainingListener l : listeners) l.onEnd(history());
        return history();
    }

    private EpochStats trainEpoch(DataLoader loader, int epoch, int batches) {
        model.train(true);
        reseedStochasticLayers(epoch);
        long start = System.nanoTime();
        double lossSum = 0;
        long correct = 0, seen = 0;
        int b = 0;
        for (Batch batch : loader.epoch(epoch)) {
            if (schedule != null) optimizer.setLearningRate(schedule.at(baseLr, epoch - 1 + (double) b / batches));
            Tensor x = batch.x();
            int[] labels = batch.labels();
            Tensor logits = model.forward(x, true);
            correct += countCorrect(logits, labels, batch.size());
            float loss = lossFunction.forward(logits, labels);
            if (!Float.isFinite(loss)) {
                throw new TrainingDivergedException(String.format(
                        "the loss became %s in epoch %d, batch %d (learning rate %.3g); lower the learning rate or add gradient clipping",
                        loss, epoch, b + 1, optimizer.learningRate()));
            }
            model.backward(lossFunction.backward());
            optimizer.step(loss, () -> {
                float l = lossFunction.forward(model.forward(x, true), labels);
                model.backward(lossFunction.backward());
                return l;
            });
            lossSum += (double) loss * batch.size();
            seen += batch.size();
            b++;
            double speed = seen / ((System.nanoTime() - start) / 1e9);
            for (TrainingListener l : listeners) l.onBatch(epoch, b, batches, lossSum / seen, (double) correct / seen, speed);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double valLoss = Double.NaN, valAcc = Double.NaN;
        if (validation != null) {
            Evaluation v = evaluate(validation);
            valLoss = v.loss();
            valAcc = v.accuracy();
        }
        return new EpochStats(epoch, lossSum / seen, (double) correct / seen, valLoss, valAcc,
                optimizer.learningRate(), seconds, seen / seconds);
    }

    /** Each Dropout (and any other {@link Stochastic} layer) gets a seed that depends on (seed, epoch, index). */
    private void reseedStochasticLayers(int epoch) {
        for (int i = 0; i < model.size(); i++) {
            Layer l = model.get(i);
            if (l instanceof Stochastic s) s.seed(mix(seed, epoch, i));
        }
    }

    private static long mix(long seed, int epoch, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private void saveCheckpoint() {
        Map<String, String> info = new LinkedHashMap<>(checkpointInfo);
        info.put("epochs-done", Integer.toString(history.size()));
        List<String> lines = history.stream().map(EpochStats::toLine).toList();
        try {
            ModelFile.save(checkpoint, new ModelFile.Contents(model, info, lines, optimizer.state()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Evaluation
    // ---------------------------------------------------------------------------------------------------

    /** Loss, accuracy and confusion matrix of the model on {@code data} (evaluation mode, this trainer's normalisation). */
    public Evaluation evaluate(Dataset data) {
        return evaluate(model, data, normalize, Math.max(batchSize, 100));
    }

    /** Loss, accuracy and confusion matrix of {@code model} on {@code data}, in evaluation mode. */
    public static Evaluation evaluate(Sequential model, Dataset data, Normalize normalize, int batchSize) {
        boolean wasTraining = model.isTraining();
        model.train(false);
        int k = data.numClasses();
        int[][] confusion = new int[k][k];
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        double lossSum = 0;
        long correct = 0;
        DataLoader loader = new DataLoader(data, batchSize).shuffle(false);
        if (normalize != null) loader.normalize(normalize);
        for (Batch batch : loader.epoch(0)) {
            Tensor logits = model.forward(batch.x(), false);
            if (logits.size(1) != k) {
                throw new IllegalArgumentException("the model has " + logits.size(1) + " outputs but " + data.name() + " has " + k + " classes");
            }
            lossSum += (double) loss.forward(logits, batch.labels()) * batch.size();
            float[] z = logits.data();
            for (int i = 0; i < batch.size(); i++) {
                int p = argmax(z, i * k, k);
                confusion[batch.labels()[i]][p]++;
                if (p == batch.labels()[i]) correct++;
            }
        }
        model.train(wasTraining);
        return new Evaluation(lossSum / data.size(), (double) correct / data.size(), confusion);
    }

    static int countCorrect(Tensor logits, int[] labels, int n) {
        int k = logits.size(1), correct = 0;
        float[] z = logits.data();
        for (int i = 0; i < n; i++) if (argmax(z, i * k, k) == labels[i]) correct++;
        return correct;
    }

    static int argmax(float[] z, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) if (z[off + j] > z[off + best]) best = j;
        return best;
    }

    private void checkCompatible(Dataset data, String role) {
        int[] shape = data.imageShape();
        int[] in = new int[shape.length + 1];
        in[0] = 1;
        System.arraycopy(shape, 0, in, 1, shape.length);
        int[] out;
        try {
            out = model.outputShape(in);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the model cannot take the " + role + " images of " + data.name() + " "
                    + Tensor.shapeString(shape) + ": " + e.getMessage(), e);
        }
        if (out.length != 2 || out[1] != data.numClasses()) {
            throw new IllegalArgumentException("the model outputs " + Tensor.shapeString(out) + " per batch but " + data.name()
                    + " has " + data.numClasses() + " classes");
        }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> state) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** Thrown when the loss becomes NaN or infinite. */
    public static final class TrainingDivergedException extends RuntimeException {
        public TrainingDivergedException(String message) {
            super(message);
        }
    }
}
