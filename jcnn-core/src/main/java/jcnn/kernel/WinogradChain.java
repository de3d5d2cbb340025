package jcnn.kernel;

import java.util.Arrays;

/**
 * The evaluation-mode forward of consecutive 3×3 stride-1 convolutions that all run by F(4×4, 3×3) — DeepConvNet's
 * conv–ReLU–conv–ReLU–pool blocks — with the activations handed from layer to layer in the image-interleaved layout
 * that algorithm computes in ({@link InterleavedWinograd}), instead of in NCHW.
 *
 * <p>Layer by layer, each convolution copies its input into the interleaved layout (eight images in the lanes of a
 * vector: a transpose of every 8×8 block) and shuffles its outputs back to NCHW (another transpose), and a max
 * pooling after it reads the whole output again. In a chain, an output transform stores its vectors straight into
 * the next layer's interleaved copy (one store per output position, no shuffles), with the ReLU and the 2×2 max
 * pooling applied in registers — lanes are images, so the maxima of a pooling window are lane-wise. Only the first
 * layer copies in and only the last stores NCHW. A thread takes a group of eight images through every layer of the
 * chain, so the copies it hands on are still in its cache.
 *
 * <p>The results are those of the layers run one by one, float for float: the same transforms and products, and
 * the pooling's maxima taken before the bias and the ReLU, which is the same (adding one bias to every candidate
 * keeps their order, rounding being monotonic; max(·, 0) commutes with max). A pooling is fused only after a ReLU, so
 * no -0 is among the candidates (where max and the pooling's first-maximum rule could pick different zeros). Nothing
 * is kept for a backward pass: the layers' own outputs are not written.
 *
 * <p>A chain may start with a convolution that has too few input channels for Winograd (an image network's first
 * layer): it then runs as an {@link InterleavedHead}, computed directly on an interleaved copy of the images and
 * stored straight into the second layer's copy, so that the chain starts from the network's input.
 */
public final class WinogradChain {
    private final Convolution[] layers;
    private final Winograd4x4[] plans;      // plans[0] null where the chain starts with a head
    private final InterleavedHead head;     // or null
    private final boolean[] relu, pool;
    private final int batch;
    private final ConvDriver driver;
    /** Each layer's packed weights U, and the weights they were packed from. */
    private final float[][] packed, packedFrom;
    /** Per worker: the interleaved copy of each layer's input (one group; borders stay zero), then V and P. */
    private float[][][] buffers = new float[0][][];

    private WinogradChain(Convolution[] layers, InterleavedHead head, Winograd4x4[] plans, boolean[] relu, boolean[] pool,
                          int batch) {
        this.layers = layers.clone();
        this.head = head;
        this.plans = plans;
        this.relu = relu.clone();
        this.pool = pool.clone();
        this.batch = batch;
        this.driver = layers[0].driver();
        this.packed = new float[plans.length][];
        this.packedFrom = new float[plans.length][];
        for (int i = 0; i < plans.length; i++) {
            packed[i] = new float[plans[i] == null ? head.packedWeightSize() : plans[i].packedWeightSize()];
        }
    }

    /**
     * A chain of these convolutions for batches of {@code batch} images — layer i followed by a ReLU where relu[i],
     * then by a 2×2 stride-2 max pooling where pool[i] (which needs relu[i]) — or null where one of them does not run
     * by F(4×4, 3×3) at this batch size (the first may instead run as an {@link InterleavedHead}), a layer's output is
     * not the next one's input, or the batch does not give every thread two groups of eight images (then the layers
     * run one by one).
     */
    public static WinogradChain of(Convolution[] layers, boolean[] relu, boolean[] pool, int batch) {
        int n = layers.length;
        if (n == 0 || relu.length != n || pool.length != n) throw new IllegalArgumentException("one ReLU and one pooling flag per layer");
        int groups = (batch + InterleavedWinograd.LANES - 1) / InterleavedWinograd.LANES;
        if (groups < 2 * Parallel.threads()) return null;
        Winograd4x4[] plans = new Winograd4x4[n];
        for (int i = 0; i < n; i++) {
            if (pool[i] && !relu[i]) return null;
            plans[i] = layers[i].winograd4Plan(batch);
        }
        InterleavedHead head = null;
        if (plans[0] == null && n >= 2 && !pool[0] && plans[1] != null && layers[0].driver() != null) {
            head = InterleavedHead.of(layers[0], plans[1]);
            if (head != null && !layers[0].driver().headRuns(head)) head = null;
        }
        int first = head == null ? 0 : 1;
        for (int i = first; i < n; i++) if (plans[i] == null) return null;
        for (int i = first; i + 1 < n; i++) {
            ConvGeometry a = plans[i].g, b = plans[i + 1].g;
            int h = pool[i] ? a.outH() / 2 : a.outH(), w = pool[i] ? a.outW() / 2 : a.outW();
            if (plans[i].outChannels != b.channels() || h != b.height() || w != b.width()) return null;
        }
        return new WinogradChain(layers, head, plans, relu, pool, batch);
    }

    /** Whether this chain is the one {@link #of} would build for these layers and batch size now. */
    public boolean matches(Convolution[] layers, int batch) {
        if (batch != this.batch || !Arrays.equals(layers, this.layers)) return false;
        for (int i = 0; i < layers.length; i++) if (layers[i].winograd4Plan(batch) != plans[i]) return false;
        return true;
    }

    /** Whether the first layer runs as an {@link InterleavedHead}. */
    boolean startsWithHead() {
        return head != null;
    }

    /** Floats of one image's output: the last layer's output channels × its output plane (pooled where it pools). */
    public int outputSize() {
        Winograd4x4 last = plans[plans.length - 1];
        boolean pooled = pool[pool.length - 1];
        int h = pooled ? last.g.outH() / 2 : last.g.outH(), w = pooled ? last.g.outW() / 2 : last.g.outW();
        return last.outChannels * h * w;
    }

    /**
     * y (batch × {@link #outputSize}) = the chain applied to x (batch images of the first layer's input, NCHW), with
     * weights[i] (PyTorch's order) and biases[i] (or null) for layer i.
     */
    public void forward(float[] x, float[][] weights, float[][] biases, float[] y) {
        int n = plans.length, lanes = InterleavedWinograd.LANES;
        for (int i = 0; i < n; i++) {
            // in evaluation the weights rarely change between calls; comparing them costs a fraction of packing them
            // (3% of a DeepConvNet inference)
            if (!Arrays.equals(weights[i], packedFrom[i])) {
                if (plans[i] == null) head.packWeights(weights[i], packed[i]);
                else driver.winograd4PackWeights(plans[i], weights[i], 0, packed[i]);
                packedFrom[i] = weights[i].clone();
            }
        }
        int inSize = layers[0].inputSize(), outSize = outputSize(), groups = (batch + lanes - 1) / lanes;
        Parallel.forParts(groups, (g0, g1, part, worker) -> {
            float[][] b = buffers(worker);
            float[] v = b[n], prod = b[n + 1];
            for (int gr = g0; gr < g1; gr++) {
                int first = gr * lanes, count = Math.min(lanes, batch - first);
                int start = 0;
                if (head == null) {
                    driver.interleave(plans[0], x, first * inSize, inSize, count, b[0], plans[0].base);
                } else {
                    driver.headForward(head, x, first * inSize, inSize, count, b[0], packed[0], biases[0], relu[0], plans[1], b[1]);
                    start = 1;
                }
                for (int i = start; i < n; i++) {
                    Winograd4x4 plan = plans[i];
                    float[] bias = biases[i];
                    boolean r = relu[i], p = pool[i];
                    InterleavedWinograd.BlockOutput output;
                    if (i + 1 < n) {
                        Winograd4x4 next = plans[i + 1];
                        float[] dst = b[i + 1];
                        output = (u0, units, width) ->
                                driver.winograd4OutputInterleaved(plan, prod, u0, units, width, bias, 0, r, p, next, dst, next.base);
                    } else if (p) {
                        output = (u0, units, width) ->
                                driver.winograd4OutputPooled(plan, prod, u0, units, width, bias, 0, y, first * outSize, outSize, null, count, r);
                    } else {
                        output = (u0, units, width) ->
                                driver.winograd4Output(plan, prod, u0, units, width, bias, 0, y, first * outSize, outSize, count, r);
                    }
                    plan.multiplyBlocks(driver, b[i], 0, plan.tiles, packed[i], v, prod, output);
                }
            }
        });
    }

    /**
     * Thread {@code worker}'s buffers: one interleaved group per layer (the head's copy of the input first, where there
     * is one), then V and P sized for the largest block.
     */
    private synchronized float[][] buffers(int worker) {
        if (worker >= buffers.length) buffers = Arrays.copyOf(buffers, worker + 1);
        if (buffers[worker] == null) {
            int n = plans.length, transformed = 0, products = 0;
            float[][] b = new float[n + 2][];
            for (int i = 0; i < n; i++) {
                if (plans[i] == null) {
                    b[i] = new float[head.groupSize()];
                    continue;
                }
                b[i] = new float[plans[i].base + plans[i].groupSize()];
                transformed = Math.max(transformed, plans[i].transformedSize());
                products = Math.max(products, plans[i].productSize());
            }
            b[n] = new float[transformed];
            b[n + 1] = new float[products];
            buffers[worker] = b;
        }
        return buffers[worker];
    }
}
