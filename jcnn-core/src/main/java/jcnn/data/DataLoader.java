package jcnn.data;

import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Iterates a {@link Dataset} in mini-batches, as PyTorch's {@code DataLoader}, deterministically.
 *
 * <p>The order of epoch {@code e} is a pure function of ({@link #seed()}, e): a Fisher-Yates shuffle seeded from
 * both when shuffling is on, the data set order otherwise. Augmentation draws depend on (seed, e, image index).
 * So {@code loader.epoch(e)} yields the same batches whenever it is called, and a training run resumed at
 * epoch e sees exactly what an uninterrupted one would have.
 *
 * <p>Per batch, each image is copied from the data set with {@link System#arraycopy} (or written shifted/flipped
 * by the {@link Augmentation}), then optionally standardised by a {@link Normalize} (after augmentation, so the
 * zero fill of a shift is black before normalisation, as in torchvision). The {@link Batch} objects are buffers
 * that the loader creates once and refills: one of the full batch size and one for a smaller last batch. Nothing
 * is allocated per batch, and the same two {@code Batch} (and {@code Tensor}) objects come back every epoch.
 * Hence one iteration at a time: starting another iteration invalidates the previous iterator.
 *
 * <p>Defaults as in PyTorch: no shuffling, keep the last partial batch, seed 0, no augmentation or normalisation.
 *
 * <pre>{@code
 * DataLoader loader = new DataLoader(train, 64).shuffle(true).seed(42).augmentation(Augmentation.shift(2));
 * for (int epoch = start; epoch < epochs; epoch++) {
 *     for (Batch b : loader.epoch(epoch)) {
 *         Tensor logits = model.forward(b.x(), true);
 *         float loss = criterion.forward(logits, b.labels());
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class DataLoader {
    private final Dataset data;
    private final int batchSize;
    private boolean shuffle;
    private boolean dropLast;
    private long seed;
    private Augmentation augmentation = Augmentation.none();
    private Normalize normalize;

    private int[] order;
    private Batch full;
    private Batch last;
    private int generation;

    /** A loader of {@code data} in batches of {@code batchSize} (at least 1). */
    public DataLoader(Dataset data, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batchSize must be >= 1, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
    }

    // ---------------------------------------------------------------------------------------------------
    // Options (each returns this)
    // ---------------------------------------------------------------------------------------------------

    /** Whether each epoch visits the images in a fresh random order (default false). */
    public DataLoader shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** Whether to leave out a last batch smaller than the batch size (default false). */
    public DataLoader dropLast(boolean dropLast) {
        this.dropLast = dropLast;
        return this;
    }

    /** The seed of the shuffles and the augmentation draws (default 0). */
    public DataLoader seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The augmentation applied to every image of every batch (default {@link Augmentation#none()}). */
    public DataLoader augmentation(Augmentation augmentation) {
        this.augmentation = augmentation == null ? Augmentation.none() : augmentation;
        return this;
    }

    /** A normalisation applied to each batch after augmentation, or {@code null} for none (the default). */
    public DataLoader normalize(Normalize normalize) {
        if (normalize != null && normalize.channels() != data.channels()) {
            throw new IllegalArgumentException("DataLoader: " + normalize + " has " + normalize.channels()
                    + " channels but data set '" + data.name() + "' has " + data.channels());
        }
        this.normalize = normalize;
        return this;
    }

    public Dataset dataset() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public boolean dropLast() {
        return dropLast;
    }

    public long seed() {
        return seed;
    }

    public Augmentation augmentation() {
        return augmentation;
    }

    /** The normalisation, or {@code null}. */
    public Normalize normalize() {
        return normalize;
    }

    // ---------------------------------------------------------------------------------------------------
    // Epochs
    // ---------------------------------------------------------------------------------------------------

    /** The number of batches in an epoch: ⌈N / batchSize⌉, or ⌊N / batchSize⌋ when dropping the last. */
    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The number of images an epoch yields (N, or fewer when dropping the last partial batch). */
    public int samplesPerEpoch() {
        return dropLast ? data.size() / batchSize * batchSize : data.size();
    }

    /** The order in which epoch {@code epoch} visits the data set (indices into it; a new array). */
    public int[] order(int epoch) {
        int[] o = new int[data.size()];
        fillOrder(epoch, o);
        return o;
    }

    private void fillOrder(int epoch, int[] o) {
        for (int i = 0; i < o.length; i++) o[i] = i;
        if (!shuffle) return;
        SplittableRandom rng = new SplittableRandom(Seeds.epoch(seed, epoch));
        for (int i = o.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
    }

    /**
     * The batches of epoch {@code epoch} (0-based). Each returned batch is refilled by the next call to
     * {@code next()}; starting a new iteration of this loader makes older iterators throw
     * {@link ConcurrentModificationException}.
     */
    public Iterable<Batch> epoch(int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("DataLoader: epoch must be >= 0, got " + epoch);
        return () -> new BatchIterator(epoch);
    }

    private final class BatchIterator implements Iterator<Batch> {
        private final int epoch;
        private final int myGeneration;
        private final int batches;
        private int next;

        BatchIterator(int epoch) {
            this.epoch = epoch;
            this.myGeneration = ++generation;
            this.batches = batchesPerEpoch();
            if (order == null || order.length != data.size()) order = new int[data.size()];
            fillOrder(epoch, order);
        }

        @Override
        public boolean hasNext() {
            return next < batches;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has " + batches + " batches");
            if (generation != myGeneration) {
                throw new ConcurrentModificationException("DataLoader: another iteration of this loader started; "
                        + "its batches share one buffer, so only the latest iteration may run");
            }
            int start = next * batchSize;
            int size = Math.min(batchSize, data.size() - start);
            Batch b = buffer(size);
            b.setIndex(next);
            fill(b, start, epoch);
            next++;
            return b;
        }
    }

    private Batch buffer(int size) {
        if (size == batchSize) {
            if (full == null) full = new Batch(batchSize, data.channels(), data.height(), data.width());
            return full;
        }
        if (last == null || last.size() != size) last = new Batch(size, data.channels(), data.height(), data.width());
        return last;
    }

    /** Copies images order[start .. start + b.size()) into {@code b}, augmenting and normalising them. */
    private void fill(Batch b, int start, int epoch) {
        int n = data.imageSize();
        int c = data.channels(), h = data.height(), w = data.width();
        float[] src = data.images().data();
        float[] dst = b.x().data();
        int[] labels = data.labels();
        boolean augment = !augmentation.isIdentity();
        for (int k = 0; k < b.size(); k++) {
            int i = order[start + k];
            b.indices()[k] = i;
            b.labels()[k] = labels[i];
            if (augment) {
                Augmentation.apply(augmentation.draw(seed, epoch, i), src, i * n, dst, k * n, c, h, w);
            } else {
                System.arraycopy(src, i * n, dst, k * n, n);
            }
        }
        if (normalize != null) normalize.applyInPlace(dst, 0, b.size(), h * w);
    }

    /** E.g. {@code DataLoader(mnist10k/train, batchSize=64, shuffle=true, seed=1, Augmentation(shift=2))}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DataLoader(").append(data.name()).append(", batchSize=").append(batchSize);
        if (shuffle) sb.append(", shuffle=true, seed=").append(seed);
        else if (!augmentation.isIdentity()) sb.append(", seed=").append(seed);
        if (dropLast) sb.append(", dropLast=true");
        if (!augmentation.isIdentity()) sb.append(", ").append(augmentation);
        if (normalize != null) sb.append(", ").append(normalize);
        return sb.append(')').toString();
    }
}
