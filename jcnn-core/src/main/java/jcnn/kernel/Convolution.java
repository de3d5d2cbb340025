package jcnn.kernel;

import java.util.Arrays;

/**
 * Grouped 2-D convolution over a batch, as im2col + GEMM, with its two backward products. One instance serves
 * one geometry and keeps its work buffers between calls.
 *
 * <p>Shapes (NCHW, row-major): x (N, C, H, W); weight (M, C/groups, kH, kW), PyTorch's layout; y (N, M, outH,
 * outW). With K = (C/groups)·kH·kW and P = outH·outW, per image and group:
 * <pre>
 *   forward         y_g  (M/g × P) = W_g (M/g × K) · im2col(x_g) (K × P)            [+ bias]
 *   backwardData    dx_g           = col2im( W_gᵀ (K × M/g) · dy_g (M/g × P) )
 *   backwardWeight  dW_g (M/g × K) = Σ_n dy_g (M/g × P) · im2col(x_g)ᵀ (P × K)
 * </pre>
 * These are the seeds' "Affine on the im2col columns" (dX = dY·Wᵀ, dW = Xᵀ·dY) written with W on the left so
 * the output is NCHW directly. Seed 003's point follows: {@code backwardData} <em>is</em> a transposed convolution
 * (col2im of Wᵀ·dy performs the flipped-kernel, zero-padded, stride-dilated convolution), so
 * {@code ConvTranspose2d} runs on this same class with the roles of forward and backwardData swapped.
 *
 * <p>Two implementations of the same products. With the Vector API the {@link ConvDriver} runs them: the weight is
 * packed once per call for every image and thread, im2col writes straight into the GEMM's panels (no column
 * matrix), the bias is added as output tiles are stored, and the weight gradient is one accumulation over all
 * images. Without it (and for batches smaller than the thread count, where the GEMM itself is parallelised) each
 * image goes through im2col into a column buffer and plain {@link Gemm} calls — the textbook path, which the tests
 * compare with the driver's.
 *
 * <p>By shape, the driver also skips im2col: stride-1 layers (and strided ones with K of 64 or more, over the
 * image split into the stride's phases) read shifted windows of the padded image ({@link ShiftPlan}), and 3×3
 * stride-1 layers use Winograd's algorithms for the products whose depth is large enough: the forward and input
 * gradient F(4×4, 3×3) ({@link Winograd4x4}, eight images at a time) from 16 channels in and out when the batch
 * fills its 8-image groups, else F(2×2, 3×3) ({@link Winograd}) from 32 in; the weight gradient, whose depth runs
 * over the tiles, F(2×2, 3×3) from 16 channels in and out. 3×3 stride-2 layers from 32 channels in run their
 * forward by {@link WinogradStride2} (F(2, 2) on the even phase of each dimension, eight images at a time) when the
 * batch fills its 8-image groups, their input gradient by its adjoint ({@link WinogradStride2Gradient}, from 8
 * channels in) and their weight gradient by its adjoint too ({@link WinogradStride2WeightGradient}, from 16 channels
 * in, 32 where the GEMM's panels are 32 wide).
 *
 * <p>Parallelism: the batch is cut into parts ({@link Parallel#forParts}) that the threads claim as they go, each
 * thread with its own buffers; the weight gradient is summed per part and the partial sums added in part order, so
 * results depend on the thread count only.
 */
public final class Convolution {
    private final ConvGeometry g;
    private final int groups;
    private final int outChannels;
    private final int mg;      // output channels per group
    private final int kg;      // rows of the column matrix, per group
    private final int p;       // output positions per image
    private final ConvDriver driver;
    private Scratch[] scratch = new Scratch[0];
    private float[][] dwPartials = new float[0][];
    private float[][] dbPartials = new float[0][];
    private float[][] packedW = new float[0][];
    private float[] flipped = new float[0];
    private ShiftPlan plan;      // forward and weight gradient without im2col, or null
    private ShiftPlan gradPlan;  // the input gradient as a stride-1 convolution of dy, or null
    private Winograd winograd;      // the 3×3 stride-1 forward by F(2×2, 3×3), or null
    private Winograd gradWinograd;  // the same for the input gradient, or null
    private WinogradWeightGradient weightWinograd; // the weight gradient by F(2×2, 3×3) or the stride-2 algorithm, or null
    private Winograd4x4 winograd4;     // the 3×3 stride-1 forward by F(4×4, 3×3) (batches of whole 8-image groups), or null
    private Winograd4x4 gradWinograd4; // the same for the input gradient, or null
    private WinogradStride2 winogradS2; // the 3×3 stride-2 forward (batches of whole 8-image groups), or null
    private WinogradStride2Gradient gradWinogradS2; // its input gradient, or null
    private float[][] packedU = new float[0][];
    private boolean plansReady;

    /**
     * Whether 3×3 stride-1 layers may use Winograd's F(2×2, 3×3) (default true; {@code -Djcnn.winograd=false} turns it
     * off, to compare).
     */
    private static final boolean WINOGRAD = !"false".equalsIgnoreCase(System.getProperty("jcnn.winograd", "true"));

    /** Per-thread buffers. */
    private static final class Scratch {
        float[] col = new float[0];
        float[] packB = new float[0];
        float[] packA = new float[0];
        float[] row = new float[0];
        float[] padded = new float[0];
        float[] xpad;      // plan's padded image: borders stay zero, so it serves only that plan
        float[] dypad;     // gradPlan's padded dy
        float[] dyT;       // plan's output-gradient panels: zero outside the output, so it serves only that plan
        float[] grad = new float[0];  // the shifted weight gradient's accumulator
        float[] wpad;      // winograd's padded image (borders stay zero: serves only that plan)
        float[] wdypad;    // gradWinograd's padded dy
        float[] xi4;       // winograd4's interleaved images (borders stay zero: serves only that plan)
        float[] dyi4;      // gradWinograd4's interleaved dy
        float[] xiS2;      // winogradS2's interleaved images
        float[] dyiS2;     // gradWinogradS2's interleaved dy
        float[] dxiS2;     // and its interleaved input gradient (points no patch covers stay zero: serves only that plan)
        float[] transformed = new float[0];  // Winograd's V (or, for the weight gradient, Vᵀ)
        float[] products = new float[0];     // Winograd's U·V (or Ŷ)
        float[] xLast;     // the weight gradient's channels-last input and output gradient, F(2×2, 3×3) or stride 2 (zero borders: serve only that plan)
        float[] dyLast;
        float[] image = new float[0];  // one image's output, pooled at once (forwardPooled on the shifted path)
    }

    /**
     * @param perGroup    geometry of one group: its {@code channels} is C / groups
     * @param groups      number of groups; C and M are both split into this many equal parts
     * @param outChannels M, the number of output channels (all groups)
     */
    public Convolution(ConvGeometry perGroup, int groups, int outChannels) {
        this(perGroup, groups, outChannels, true);
    }

    /** As above; {@code useDriver = false} forces the plain per-image GEMM path (for tests and comparisons). */
    Convolution(ConvGeometry perGroup, int groups, int outChannels, boolean useDriver) {
        if (groups < 1 || outChannels % groups != 0) {
            throw new IllegalArgumentException("out channels " + outChannels + " not divisible by groups " + groups);
        }
        this.g = perGroup;
        this.groups = groups;
        this.outChannels = outChannels;
        this.mg = outChannels / groups;
        this.kg = perGroup.colRows();
        this.p = perGroup.colCols();
        this.driver = useDriver ? VectorSupport.CONV : null;
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Groups: C and M are both split into this many equal parts. */
    int groups() {
        return groups;
    }

    /** M, the number of output channels (all groups). */
    int outChannels() {
        return outChannels;
    }

    /** Elements of one input image, all groups: C·H·W. */
    public int inputSize() {
        return groups * g.inputSize();
    }

    /** Elements of one output image: M·outH·outW. */
    public int outputSize() {
        return outChannels * p;
    }

    private boolean useDriver(int batch) {
        return driver != null && batch >= Parallel.threads();
    }

    // ---------------------------------------------------------------------------------------------------
    // Forward
    // ---------------------------------------------------------------------------------------------------

    /** y = conv(x, w) + bias for {@code batch} images; y is overwritten. {@code bias} may be null. */
    public void forward(float[] x, float[] w, float[] bias, float[] y, int batch) {
        forward(x, w, bias, y, batch, false);
    }

    /**
     * As {@link #forward(float[], float[], float[], float[], int)}, with {@code relu}: y = max(conv(x, w) + bias, 0),
     * the ReLU applied as the output is written (free on the stride-1 path, which applies it in registers as the
     * outputs are stored, or while compacting them).
     */
    public void forward(float[] x, float[] w, float[] bias, float[] y, int batch, boolean relu) {
        forward(x, w, bias, y, batch, relu, null);
    }

    /**
     * Work on images [n0, n1) of a batch, run inside a convolution's parallel pass by the thread that handles them:
     * see {@link #forward(float[], float[], float[], float[], int, boolean, ImageRange)},
     * {@link #backwardData(float[], float[], float[], int, ImageRange)} and
     * {@link #backwardWeight(float[], float[], float[], float[], int, ImageRange)}.
     */
    @FunctionalInterface
    public interface ImageRange {
        void run(int n0, int n1);
    }

    /**
     * As above, and then, when {@code then} is not null, {@code then.run(n0, n1)} on the thread that computed images
     * [n0, n1), as soon as they are written (image by image where the path computes them so): the next layer's work
     * on them (a max pooling, see Sequential's fusion) runs in the same parallel pass, while the images are in that
     * thread's cache, instead of in a pass of its own. Every image of the batch is handed to {@code then} once.
     */
    public void forward(float[] x, float[] w, float[] bias, float[] y, int batch, boolean relu, ImageRange then) {
        if (useDriver(batch) && plans().winograd4 != null && Winograd4x4.fillsGroups(batch)) {
            for (int gi = 0; gi < groups; gi++) packInterleavedWeights(winograd4, gi, w, gi * mg * kg);
            interleaved(winograd4, true, x, inputSize(), g.inputSize(), bias, y, outputSize(), mg * p, relu, batch, then);
            return;
        }
        if (useDriver(batch) && plans().winogradS2 != null && InterleavedWinograd.fillsGroups(batch)) {
            for (int gi = 0; gi < groups; gi++) packInterleavedWeights(winogradS2, gi, w, gi * mg * kg);
            interleaved(winogradS2, true, x, inputSize(), g.inputSize(), bias, y, outputSize(), mg * p, relu, batch, then);
            return;
        }
        if (useDriver(batch) && plans().winograd != null) {
            for (int gi = 0; gi < groups; gi++) packWinogradWeights(winograd, gi, w, gi * mg * kg);
            Parallel.forParts(batch, (n0, n1, part, worker) -> {
                Scratch s = winogradScratch(worker, winograd);
                float[] xpad = s.wpad = exact(s.wpad, winograd.paddedBufferSize());
                for (int n = n0; n < n1; n += winograd.images) {
                    int count = Math.min(winograd.images, n1 - n);
                    for (int gi = 0; gi < groups; gi++) {
                        winograd.forward(driver, x, n * inputSize() + gi * g.inputSize(), inputSize(), count, packedU[gi],
                                bias, gi * mg, y, n * outputSize() + gi * mg * p, outputSize(), relu, xpad, s.transformed,
                                s.products);
                    }
                    if (then != null) then.run(n, n + count);
                }
            });
            return;
        }
        if (useDriver(batch) && plans().plan != null && driver.shiftedForwardPays(plan)) {
            packWeights(w, false);
            Parallel.forParts(batch, 8, (n0, n1, part, worker) -> {
                Scratch s = scratch(worker, 0, 0, 0);
                float[] xpad = s.xpad = exact(s.xpad, plan.length);
                float[] padded = s.padded = grow(s.padded, mg * plan.cols);
                for (int n = n0; n < n1; n++) {
                    for (int gi = 0; gi < groups; gi++) {
                        driver.shiftedForward(plan, x, n * inputSize() + gi * g.inputSize(), packedW[gi], mg, bias, gi * mg,
                                y, n * outputSize() + gi * mg * p, xpad, padded, relu);
                    }
                    if (then != null) then.run(n, n + 1);
                }
            });
            return;
        }
        if (useDriver(batch)) {
            packWeights(w, false);
            Parallel.forParts(batch, (n0, n1, part, worker) -> {
                Scratch s = scratch(worker, driver.packedBSize(p), 0, 0);
                float[] col = columnBuffer(worker);
                for (int gi = 0; gi < groups; gi++) {
                    int xg = gi * g.inputSize();
                    // im2col once per image (at its first block), then panels are cut from the column matrix
                    PanelSource cols = (n, r0, count, dst, depth, offset) -> {
                        if (g.isPointwise()) {
                            driver.packRows(x, n * inputSize() + xg, p, r0, count, p, dst, depth, offset);
                            return;
                        }
                        if (r0 == 0) Im2col.im2col(g, x, n * inputSize() + xg, col, 0);
                        driver.packRows(col, 0, p, r0, count, p, dst, depth, offset);
                    };
                    driver.multiply(packedW[gi], mg, kg, p, cols, n0, n1, y, gi * mg * p, outputSize(), bias, gi * mg, s.packB);
                }
                if (relu) Elementwise.reluForward(y, y, n0 * outputSize(), n1 * outputSize());
                if (then != null) then.run(n0, n1);
            });
            return;
        }
        boolean parallelGemm = batch < Parallel.threads();
        Parallel.forRange(parallelGemm ? 1 : batch, (n0, n1, chunk) -> {
            float[] col = columnBuffer(chunk);
            for (int n = parallelGemm ? 0 : n0; n < (parallelGemm ? batch : n1); n++) {
                for (int gi = 0; gi < groups; gi++) {
                    int xo = n * inputSize() + gi * g.inputSize();
                    int yo = n * outputSize() + gi * mg * p;
                    float beta = 0f;
                    if (bias != null) {
                        for (int m = 0; m < mg; m++) Arrays.fill(y, yo + m * p, yo + (m + 1) * p, bias[gi * mg + m]);
                        beta = 1f;
                    }
                    float[] b = x;
                    int bo = xo;
                    if (!g.isPointwise()) {
                        Im2col.im2col(g, x, xo, col, 0);
                        b = col;
                        bo = 0;
                    }
                    gemm(parallelGemm, false, false, mg, p, kg, w, gi * mg * kg, kg, b, bo, p, beta, y, yo, p);
                }
                if (relu) Elementwise.reluForward(y, y, n * outputSize(), (n + 1) * outputSize());
                if (then != null && !parallelGemm) then.run(n, n + 1);
            }
            if (then != null && parallelGemm) then.run(0, batch);
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // Input gradient
    // ---------------------------------------------------------------------------------------------------

    /** dx = the input gradient of the convolution for output gradient dy; dx is overwritten. */
    public void backwardData(float[] dy, float[] w, float[] dx, int batch) {
        backwardData(dy, w, dx, batch, null);
    }

    /**
     * As above, and then, when {@code then} is not null, {@code then.run(n0, n1)} on the thread that computed images
     * [n0, n1) of dx, as soon as they are written (a ReLU's backward before this layer, see Sequential's fusion).
     * Every image of the batch is handed to {@code then} once.
     */
    public void backwardData(float[] dy, float[] w, float[] dx, int batch, ImageRange then) {
        if (useDriver(batch) && plans().gradWinograd4 != null && Winograd4x4.fillsGroups(batch)) {
            for (int gi = 0; gi < groups; gi++) {
                flipWeights(w, gi);
                packInterleavedWeights(gradWinograd4, gi, flipped, 0);
            }
            interleaved(gradWinograd4, false, dy, outputSize(), mg * p, null, dx, inputSize(), g.inputSize(), false, batch, then);
            return;
        }
        if (useDriver(batch) && plans().gradWinogradS2 != null && WinogradStride2Gradient.takes(batch, Parallel.threads())) {
            stride2InputGradient(dy, w, dx, batch, then);
            return;
        }
        if (useDriver(batch) && plans().gradWinograd != null) {
            for (int gi = 0; gi < groups; gi++) {
                flipWeights(w, gi);
                packWinogradWeights(gradWinograd, gi, flipped, 0);
            }
            Parallel.forParts(batch, (n0, n1, part, worker) -> {
                Scratch s = winogradScratch(worker, gradWinograd);
                float[] dypad = s.wdypad = exact(s.wdypad, gradWinograd.paddedBufferSize());
                for (int n = n0; n < n1; n += gradWinograd.images) {
                    int count = Math.min(gradWinograd.images, n1 - n);
                    for (int gi = 0; gi < groups; gi++) {
                        gradWinograd.forward(driver, dy, n * outputSize() + gi * mg * p, outputSize(), count, packedU[gi],
                                null, 0, dx, n * inputSize() + gi * g.inputSize(), inputSize(), false, dypad,
                                s.transformed, s.products);
                    }
                    if (then != null) then.run(n, n + count);
                }
            });
            return;
        }
        if (useDriver(batch) && plans().gradPlan != null) {
            packFlippedWeights(w);
            int cg = g.channels();
            Parallel.forParts(batch, (n0, n1, part, worker) -> {
                Scratch s = scratch(worker, 0, 0, 0);
                float[] dypad = s.dypad = exact(s.dypad, gradPlan.length);
                float[] padded = s.padded = grow(s.padded, cg * gradPlan.cols);
                for (int n = n0; n < n1; n++) {
                    for (int gi = 0; gi < groups; gi++) {
                        driver.shiftedForward(gradPlan, dy, n * outputSize() + gi * mg * p, packedW[gi], cg, null, 0,
                                dx, n * inputSize() + gi * g.inputSize(), dypad, padded, false);
                    }
                    if (then != null) then.run(n, n + 1);
                }
            });
            return;
        }
        if (useDriver(batch)) {
            packWeights(w, true);
            Parallel.forParts(batch, (n0, n1, part, worker) -> {
                Scratch s = scratch(worker, driver.packedBSize(p), 0, 0);
                s.col = grow(s.col, g.isPointwise() ? 0 : kg * p);
                for (int n = n0; n < n1; n++) {
                    for (int gi = 0; gi < groups; gi++) {
                        int xo = n * inputSize() + gi * g.inputSize();
                        int yo = gi * mg * p;
                        PanelSource rows = (img, r0, count, dst, depth, offset) ->
                                driver.packRows(dy, img * outputSize() + yo, p, r0, count, p, dst, depth, offset);
                        if (g.isPointwise()) {
                            driver.multiply(packedW[gi], kg, mg, p, rows, n, n + 1, dx, xo, 0, null, 0, s.packB);
                        } else {
                            driver.multiply(packedW[gi], kg, mg, p, rows, n, n + 1, s.col, 0, 0, null, 0, s.packB);
                            Im2col.col2im(g, s.col, 0, dx, xo);
                        }
                    }
                    if (then != null) then.run(n, n + 1);
                }
            });
            return;
        }
        boolean parallelGemm = batch < Parallel.threads();
        Parallel.forRange(parallelGemm ? 1 : batch, (n0, n1, chunk) -> {
            float[] col = columnBuffer(chunk);
            for (int n = parallelGemm ? 0 : n0; n < (parallelGemm ? batch : n1); n++) {
                for (int gi = 0; gi < groups; gi++) {
                    int xo = n * inputSize() + gi * g.inputSize();
                    int yo = n * outputSize() + gi * mg * p;
                    if (g.isPointwise()) {
                        gemm(parallelGemm, true, false, kg, p, mg, w, gi * mg * kg, kg, dy, yo, p, 0f, dx, xo, p);
                    } else {
                        gemm(parallelGemm, true, false, kg, p, mg, w, gi * mg * kg, kg, dy, yo, p, 0f, col, 0, p);
                        Im2col.col2im(g, col, 0, dx, xo);
                    }
                }
                if (then != null && !parallelGemm) then.run(n, n + 1);
            }
            if (then != null && parallelGemm) then.run(0, batch);
        });
    }

    /**
     * The input gradient of a 3×3 stride-2 layer by {@link WinogradStride2Gradient}: the threads take whole groups of
     * eight images (each group's overlapping patches are summed in one thread's buffer, so a group is not shared).
     */
    private void stride2InputGradient(float[] dy, float[] w, float[] dx, int batch, ImageRange then) {
        WinogradStride2Gradient plan = gradWinogradS2;
        for (int gi = 0; gi < groups; gi++) packInterleavedWeights(plan, gi, w, gi * mg * kg);
        int lanes = InterleavedWinograd.LANES;
        Parallel.forParts((batch + lanes - 1) / lanes, (g0, g1, part, worker) -> {
            Scratch s = scratch(worker, 0, 0, 0);
            float[] v = s.transformed = grow(s.transformed, plan.transformedSize());
            float[] prod = s.products = grow(s.products, plan.productSize());
            float[] dyi = s.dyiS2 = exact(s.dyiS2, plan.interleavedBufferSize());
            float[] dxi = s.dxiS2 = exact(s.dxiS2, plan.gradientBufferSize());
            int n1 = Math.min(batch, g1 * lanes);
            for (int n = g0 * lanes; n < n1; n += plan.images()) {
                int count = Math.min(plan.images(), n1 - n);
                for (int gi = 0; gi < groups; gi++) {
                    plan.backward(driver, dy, n * outputSize() + gi * mg * p, outputSize(), count, packedU[gi], dx,
                            n * inputSize() + gi * g.inputSize(), inputSize(), dyi, dxi, v, prod);
                }
                if (then != null) then.run(n, n + count);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // Weight gradient
    // ---------------------------------------------------------------------------------------------------

    /** dw = Σ over the batch of dy·im2col(x)ᵀ; dw (M, C/groups, kH, kW) is overwritten. */
    public void backwardWeight(float[] x, float[] dy, float[] dw, int batch) {
        backwardWeight(x, dy, dw, null, batch);
    }

    /**
     * As above, and, when {@code db} is not null, the bias gradient db[m] = Σ over images and positions of
     * dy[n][m][·] (overwritten): summed by the same threads, image by image while that image's dy is in cache,
     * rather than in a separate serial pass over the whole output gradient.
     */
    public void backwardWeight(float[] x, float[] dy, float[] dw, float[] db, int batch) {
        backwardWeight(x, dy, dw, db, batch, null);
    }

    /**
     * As above, and first, when {@code first} is not null, {@code first.run(n0, n1)} on the thread that is about to
     * read images [n0, n1) of dy: the backward of the layer after, writing those images of dy (a max pooling's, see
     * Sequential's fusion), runs in the same parallel pass, and its output is read while in that thread's cache.
     * Every image of the batch is handed to {@code first} once.
     */
    public void backwardWeight(float[] x, float[] dy, float[] dw, float[] db, int batch, ImageRange first) {
        // partial sums per part of the batch (fixed by the batch size and thread count), added in part order
        int parts = Parallel.parts(batch);
        int dwSize = outChannels * kg;
        if (dwPartials.length < parts) dwPartials = Arrays.copyOf(dwPartials, parts);
        if (dbPartials.length < parts) dbPartials = Arrays.copyOf(dbPartials, parts);
        if (db != null) Arrays.fill(db, 0, outChannels, 0f);
        // A small gradient (e.g. 30×25 for a first layer) is cheapest as dot products of rows (GEMM's A·Bᵀ path);
        // larger ones go through the driver's packed accumulation.
        boolean viaDriver = driver != null && (long) mg * kg > 4096;
        // With a plan: no im2col — the driver reads shifted windows of the padded image (as the GEMM micro-kernel's A
        // for K >= 64, as dot products with lane-wise partial sums below). Measured 1.2-1.8x the packed
        // accumulation on 3x3 layers with 16-128 channels and 1.0-1.5x the dot products on one-channel layers.
        boolean shifted = driver != null && plans().plan != null;
        WinogradWeightGradient winograd = driver == null ? null : plans().weightWinograd;
        Parallel.forParts(batch, (n0, n1, part, worker) -> {
            if (first != null) first.run(n0, n1);
            float[] acc = part == 0 ? dw : partial(part, dwSize);
            float[] bacc = db == null ? null : part == 0 ? db : biasPartial(part);
            if (winograd != null) {
                Scratch s = scratch(worker, 0, 0, 0);
                float[] xLast = s.xLast = exact(s.xLast, winograd.channelsLastInputSize());
                float[] dyLast = s.dyLast = exact(s.dyLast, winograd.channelsLastGradientSize());
                float[] vT = s.transformed = grow(s.transformed, winograd.transposedSize());
                float[] dyHat = s.products = grow(s.products, winograd.hatSize());
                int groupSize = winograd.gradientSize();
                float[] grad = s.grad = grow(s.grad, groups * groupSize);
                Arrays.fill(grad, 0, groups * groupSize, 0f);
                // the bias gradient image by image while its dy is in cache from the copy (the first group's call sees
                // every image once): each sum as addBiasSums's, added in the same order
                ImageRange biasSums = bacc == null ? null : (i0, i1) -> addBiasSums(dy, i0, i1, bacc);
                for (int gi = 0; gi < groups; gi++) {
                    winograd.weightGradient(driver, x, gi * g.inputSize(), inputSize(), dy, gi * mg * p, outputSize(), n0, n1,
                            grad, gi * groupSize, xLast, dyLast, vT, dyHat, gi == 0 ? biasSums : null);
                    winograd.storeWeightGradient(grad, gi * groupSize, acc, gi * mg * kg);
                }
                return;
            }
            if (shifted) {
                Scratch s = scratch(worker, 0, 0, 0);
                float[] xpad = s.xpad = exact(s.xpad, plan.length);
                float[] dyT = s.dyT = exact(s.dyT, driver.shiftedGradientPanelsSize(plan, mg));
                int groupSize = driver.shiftedGradientSize(plan, mg);
                float[] grad = s.grad = grow(s.grad, groups * groupSize);
                Arrays.fill(grad, 0, groups * groupSize, 0f);
                boolean padded = driver.shiftedGradientReadsPadded(plan);
                for (int n = n0; n < n1; n++) {
                    for (int gi = 0; gi < groups; gi++) {
                        driver.shiftedWeightGradient(plan, x, n * inputSize() + gi * g.inputSize(), dy, n * outputSize() + gi * mg * p,
                                mg, grad, gi * groupSize, xpad, dyT);
                        // the bias sums from the padded-width copy the driver made, as backwardWeightPooled takes them
                        if (padded) addPaddedBiasSums(dyT, gi * mg, bacc);
                    }
                    if (!padded) addBiasSums(dy, n, n + 1, bacc);
                }
                for (int gi = 0; gi < groups; gi++) driver.storeShiftedGradient(plan, mg, grad, gi * groupSize, acc, gi * mg * kg);
                return;
            }
            if (viaDriver) {
                Scratch s = scratch(worker, driver.packedBSize(kg), driver.accumulateASize(mg), 0);
                float[] col = columnBuffer(worker);
                for (int gi = 0; gi < groups; gi++) {
                    int xg = gi * g.inputSize();
                    // colᵀ from the column matrix, computed when an image's first positions are asked for
                    int[] current = {-1};
                    PanelSource colT = (n, q0, count, dst, depth, offset) -> {
                        if (g.isPointwise()) {
                            driver.packColumns(x, n * inputSize() + xg, p, q0, count, kg, dst, depth, offset);
                            return;
                        }
                        if (current[0] != n) {
                            Im2col.im2col(g, x, n * inputSize() + xg, col, 0);
                            current[0] = n;
                        }
                        driver.packColumns(col, 0, p, q0, count, kg, dst, depth, offset);
                    };
                    driver.accumulate(mg, kg, p, dy, gi * mg * p, outputSize(), colT, n0, n1, acc, gi * mg * kg, true, s.packA, s.packB);
                }
                addBiasSums(dy, n0, n1, bacc);
                return;
            }
            float[] col = columnBuffer(worker);
            for (int n = n0; n < n1; n++) {
                float beta = n == n0 ? 0f : 1f;
                for (int gi = 0; gi < groups; gi++) {
                    int xo = n * inputSize() + gi * g.inputSize();
                    int yo = n * outputSize() + gi * mg * p;
                    float[] b = x;
                    int bo = xo;
                    if (!g.isPointwise()) {
                        Im2col.im2col(g, x, xo, col, 0);
                        b = col;
                        bo = 0;
                    }
                    Gemm.sgemm(false, true, mg, kg, p, dy, yo, p, b, bo, p, beta, acc, gi * mg * kg, kg);
                }
                addBiasSums(dy, n, n + 1, bacc);
            }
        });
        addPartials(dw, db, parts, dwSize, batch);
    }

    /** The parts' partial weight and bias gradients added to part 0's (dw, db), in part order. */
    private void addPartials(float[] dw, float[] db, int parts, int dwSize, int batch) {
        if (batch == 0) Arrays.fill(dw, 0, dwSize, 0f);
        for (int c = 1; c < parts; c++) {
            float[] part = dwPartials[c];
            for (int i = 0; i < dwSize; i++) dw[i] += part[i];
            if (db != null) {
                float[] bpart = dbPartials[c];
                for (int m = 0; m < outChannels; m++) db[m] += bpart[m];
            }
        }
    }

    /** bacc[m0 + m] += the sum of row m of one image's output gradient on the padded width (m < mg), zeros included. */
    private void addPaddedBiasSums(float[] dyT, int m0, float[] bacc) {
        if (bacc == null) return;
        for (int m = 0; m < mg; m++) bacc[m0 + m] += Elementwise.sum(dyT, m * plan.cols, plan.cols);
    }

    /**
     * {@link #backwardWeight} where dy is the backward of a 2×2, stride-2 max pooling after this convolution: pooledGrad
     * (batch × M × outH/2 × outW/2) the pooling's output gradient, argmax its forward's positions (in the output
     * planes), pooled its forward's outputs (not null: the backward of a ReLU between, dropping the gradient where
     * they are not positive). Where the shifted GEMM computes the weight gradient from the output gradient on its
     * padded width, each image's is written there directly by the pooling's backward, instead of to dy and then copied
     * (the same floats in the same places, so dw is {@link #backwardWeight}'s bit for bit, and db too: both take the
     * bias sums over the padded rows). Returns false, having done nothing, elsewhere (other algorithms, groups, an
     * odd output size, whose last row or column no window covers).
     */
    public boolean backwardWeightPooled(float[] x, float[] pooledGrad, int[] argmax, float[] pooled, float[] dw, float[] db,
                                        int batch) {
        int outH = g.outH(), outW = g.outW();
        if (groups != 1 || !useDriver(batch) || plans().plan == null || plans().weightWinograd != null
                || !driver.shiftedGradientReadsPadded(plan) || outH % 2 != 0 || outW % 2 != 0) {
            return false;
        }
        int parts = Parallel.parts(batch), dwSize = outChannels * kg, pooledPlane = (outH / 2) * (outW / 2);
        if (dwPartials.length < parts) dwPartials = Arrays.copyOf(dwPartials, parts);
        if (dbPartials.length < parts) dbPartials = Arrays.copyOf(dbPartials, parts);
        if (db != null) Arrays.fill(db, 0, outChannels, 0f);
        Parallel.forParts(batch, (n0, n1, part, worker) -> {
            float[] acc = part == 0 ? dw : partial(part, dwSize);
            float[] bacc = db == null ? null : part == 0 ? db : biasPartial(part);
            Scratch s = scratch(worker, 0, 0, 0);
            float[] xpad = s.xpad = exact(s.xpad, plan.length);
            float[] dyT = s.dyT = exact(s.dyT, driver.shiftedGradientPanelsSize(plan, mg));
            int groupSize = driver.shiftedGradientSize(plan, mg);
            float[] grad = s.grad = grow(s.grad, groupSize);
            Arrays.fill(grad, 0, groupSize, 0f);
            for (int n = n0; n < n1; n++) {
                for (int m = 0; m < mg; m++) {
                    Elementwise.maxPool2x2Backward(pooledGrad, argmax, pooled, (n * outChannels + m) * pooledPlane, dyT,
                            m * plan.cols, plan.wp, outW, outH / 2, outW / 2);
                }
                driver.shiftedWeightGradientPadded(plan, x, n * inputSize(), mg, grad, 0, xpad, dyT);
                addPaddedBiasSums(dyT, 0, bacc);
            }
            driver.storeShiftedGradient(plan, mg, grad, 0, acc, 0);
        });
        addPartials(dw, db, parts, dwSize, batch);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------
    // Both gradients in one pass
    // ---------------------------------------------------------------------------------------------------

    /**
     * The weight gradient (dw, and db when not null, overwritten) and the input gradient (dx, overwritten) in one
     * parallel pass over groups of eight images, where the input gradient takes F(4×4, 3×3) and the weight gradient
     * F(2×2, 3×3); false, and nothing computed, elsewhere (then {@link #backwardWeight} and {@link #backwardData}).
     * For each group of images a thread runs {@code first} (when not null: the backward of the layer after, writing
     * these images of dy), the weight gradient's copies and products, the input gradient's, then {@code then} (when
     * not null: the backward of the ReLU before this layer, on these images of dx): dy is read from memory once
     * rather than once per gradient, and a step has one hand-over to the worker threads instead of two. The weight
     * gradient's partial sums are per part of the groups, added in part order (deterministic for a thread count).
     */
    public boolean backward(float[] x, float[] dy, float[] w, float[] dx, float[] dw, float[] db, int batch, ImageRange first,
                            ImageRange then) {
        int lanes = InterleavedWinograd.LANES, imageGroups = (batch + lanes - 1) / lanes, threads = Parallel.threads();
        if (!FUSED_BACKWARD || groups != 1 || !useDriver(batch) || plans().gradWinograd4 == null || !Winograd4x4.fillsGroups(batch)
                || !(plans().weightWinograd instanceof Winograd weights) || (threads > 1 && imageGroups < 2 * threads)) {
            return false;
        }
        Winograd4x4 data = gradWinograd4;
        flipWeights(w, 0);
        packInterleavedWeights(data, 0, flipped, 0);
        float[] u = packedU[0];
        int parts = Parallel.parts(imageGroups), dwSize = outChannels * kg;
        if (dwPartials.length < parts) dwPartials = Arrays.copyOf(dwPartials, parts);
        if (dbPartials.length < parts) dbPartials = Arrays.copyOf(dbPartials, parts);
        if (db != null) Arrays.fill(db, 0, outChannels, 0f);
        Parallel.forParts(imageGroups, (g0, g1, part, worker) -> {
            float[] acc = part == 0 ? dw : partial(part, dwSize);
            float[] bacc = db == null ? null : part == 0 ? db : biasPartial(part);
            Scratch s = scratch(worker, 0, 0, 0);
            // the two gradients take turns with the transform buffers: grown to the larger of each first
            s.transformed = grow(s.transformed, Math.max(weights.transposedSize(), data.transformedSize()));
            s.products = grow(s.products, Math.max(weights.hatSize(), data.productSize()));
            float[] xLast = s.xLast = exact(s.xLast, weights.channelsLastInputSize());
            float[] dyLast = s.dyLast = exact(s.dyLast, weights.channelsLastGradientSize());
            float[] dyi = s.dyi4 = exact(s.dyi4, data.interleavedBufferSize());
            float[] grad = s.grad = grow(s.grad, weights.gradientSize());
            Arrays.fill(grad, 0, weights.gradientSize(), 0f);
            ImageRange biasSums = bacc == null ? null : (i0, i1) -> addBiasSums(dy, i0, i1, bacc);
            int n1 = Math.min(batch, g1 * lanes);
            for (int n = g0 * lanes; n < n1; n += data.images()) {
                int count = Math.min(data.images(), n1 - n);
                if (first != null) first.run(n, n + count);
                weights.weightGradient(driver, x, 0, inputSize(), dy, 0, outputSize(), n, n + count, grad, 0, xLast, dyLast,
                        s.transformed, s.products, biasSums);
                data.forward(driver, dy, n * outputSize(), outputSize(), count, u, null, 0, dx, n * inputSize(), inputSize(),
                        false, dyi, s.transformed, s.products);
                if (then != null) then.run(n, n + count);
            }
            weights.storeWeightGradient(grad, 0, acc, 0);
        });
        for (int c = 1; c < parts; c++) {
            float[] partSums = dwPartials[c];
            for (int i = 0; i < dwSize; i++) dw[i] += partSums[i];
            if (db != null) {
                float[] bpart = dbPartials[c];
                for (int m = 0; m < outChannels; m++) db[m] += bpart[m];
            }
        }
        return true;
    }

    /** -Djcnn.fusedBackward=false: the two gradients in separate passes (for measuring the fusion). */
    private static final boolean FUSED_BACKWARD = !"false".equalsIgnoreCase(System.getProperty("jcnn.fusedBackward", "true"));

    /** bacc[m] += Σ of dy[n][m][·] for images n in [n0, n1), in image order; nothing when bacc is null. */
    private void addBiasSums(float[] dy, int n0, int n1, float[] bacc) {
        if (bacc == null) return;
        for (int n = n0; n < n1; n++) {
            for (int m = 0; m < outChannels; m++) bacc[m] += Elementwise.sum(dy, (n * outChannels + m) * p, p);
        }
    }

    /** db[m] = Σ over images and positions of dy[n][m][·]; db is overwritten. */
    public static void biasGradient(float[] dy, float[] db, int batch, int channels, int spatial) {
        Arrays.fill(db, 0, channels, 0f);
        for (int n = 0; n < batch; n++) {
            for (int m = 0; m < channels; m++) db[m] += Elementwise.sum(dy, (n * channels + m) * spatial, spatial);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Buffers
    // ---------------------------------------------------------------------------------------------------

    private Convolution plans() {
        if (!plansReady) {
            if (driver != null) {
                plan = ShiftPlan.of(g, driver.nr());
                // The input gradient's GEMM has C/groups rows; below 8 most of each 4-row tile would be padding.
                ConvGeometry gg = g.channels() < 8 ? null : ShiftPlan.inputGradient(g, mg);
                gradPlan = gg == null ? null : ShiftPlan.of(gg, driver.nr());
                winograd = winogradPays(g, mg) ? new Winograd(g, mg, driver.mr(), driver.nr(), driver.kc()) : null;
                gradWinograd = gg != null && winogradPays(gg, g.channels())
                        ? new Winograd(gg, g.channels(), driver.mr(), driver.nr(), driver.kc()) : null;
                // The weight gradient's Ŷ in panels a vector tall where the products have 8-row tiles, each of its points
                // one store (four quarter-vector stores with 4-row panels: 30% of the 16-channel layer's time; 32->32 on
                // 14x14 1.95-2.01 -> 1.57-1.59 ms, 64->64 on 7x7 1.40-1.48 -> 1.23-1.26), so a plan of its own rather
                // than the forward's. Vᵀ's panels one vector wide where the input channels fit in one (16 channels with
                // 16 lanes): in nr-wide panels half of every product and of the V transform was padding.
                boolean narrow = g.channels() <= driver.narrowNr() && driver.narrowNr() < driver.nr();
                boolean tall = driver.tallPanels() && driver.narrowNr() % 8 == 0;
                weightWinograd = winogradStride2WeightGradientPays(g, mg, driver.nr())
                        ? new WinogradStride2WeightGradient(g, mg, driver.mr(), driver.nr(), driver.kc())
                        : !winogradWeightGradientPays(g, mg) ? null
                        : narrow ? new Winograd(g, mg, driver.narrowNr(), driver.narrowNr(), driver.kc())
                        : tall ? new Winograd(g, mg, driver.narrowNr(), driver.nr(), driver.kc())
                        : winograd != null ? winograd
                        : new Winograd(g, mg, driver.mr(), driver.nr(), driver.kc());
                winograd4 = winograd4Pays(g, mg) ? new Winograd4x4(g, mg, driver.mr(), driver.nr(), driver.kc()) : null;
                gradWinograd4 = gg != null && winograd4Pays(gg, g.channels())
                        ? new Winograd4x4(gg, g.channels(), driver.mr(), driver.nr(), driver.kc()) : null;
                winogradS2 = winogradStride2Pays(g, mg) ? new WinogradStride2(g, mg, driver.mr(), driver.nr(), driver.kc()) : null;
                gradWinogradS2 = winogradStride2GradientPays(g, mg)
                        ? new WinogradStride2Gradient(g, mg, driver.mr(), driver.nr(), driver.kc()) : null;
            }
            plansReady = true;
        }
        return this;
    }

    /**
     * Where the forward (or input gradient) uses Winograd's F(2×2, 3×3): 3×3 stride-1 layers with at least 32 input
     * and 16 output channels. With fewer input channels its 16 products have a depth of 16, run at about 40 GFLOP/s,
     * and the transforms (additions per tile and channel) cost about what the saved multiplications would. Measured
     * at 1 thread, batch 100, against the shifted GEMM (alternated runs): 64→64 on 7×7 images forward 6.8 → 4.7 ms,
     * 32→64 on 7×7 3.7 → 2.9 ms, 32→32 on 14×14 with padding 2 8.0 → 5.4 ms (with padding 1 6.6 → 6.2), 32→16 on
     * 14×14 (the input gradient of DeepConvNet's 16→32 layer) 3.42–3.50 → 3.23–3.28 ms, but 16→16 on 28×28 slower
     * (6.2 → 7.4 ms) and 16→32 on 14×14 equal (2.93–2.96 ms); (64,64,32,32)→64 forward 77 → 39 ms for batch 64.
     */
    static boolean winogradPays(ConvGeometry geometry, int outChannels) {
        return WINOGRAD && Winograd.applies(geometry) && geometry.channels() >= 32 && outChannels >= 16;
    }

    /**
     * Where the weight gradient uses Winograd's F(2×2, 3×3): 3×3 stride-1 layers with at least 16 channels in and
     * out. Its 16 products are (out × tiles)·(tiles × in), deep whatever the channel counts. Measured at 1 thread,
     * batch 100, against the shifted weight gradient (alternated runs, minima): 16→32 on 14×14 2.90 → 2.34–2.46 ms,
     * 16→16 on 28×28 5.62–5.67 → 5.37–5.62 ms, 16→32 on 28×28 11.1–11.3 → 9.5–10.2 ms, 16→64 on 7×7 1.8 → 1.35–1.54
     * ms; at 2 threads 16→32 on 14×14 1.57 → 1.30–1.33 ms, 16→16 on 28×28 2.96–3.01 → 2.77–2.85 ms.
     */
    static boolean winogradWeightGradientPays(ConvGeometry geometry, int outChannels) {
        return WINOGRAD && Winograd.applies(geometry) && geometry.channels() >= 16 && outChannels >= 16;
    }

    /**
     * Where the forward (or input gradient) uses Winograd's F(4×4, 3×3), for batches of whole 8-image groups
     * ({@link Winograd4x4#fillsGroups}; F(2×2, 3×3) or the shifted GEMM take the others): 3×3 stride-1 layers with
     * at least 16 channels in and out. 2.25 multiplications per output instead of 4, for about ten times the rounding
     * error (5e-6 of the largest output on 64 channels). Measured at 1 thread, batch 100, against the path each shape
     * took before (alternated runs, minima): 32→32 on 14×14 with padding 2 forward 5.0 → 3.3–3.4 ms, input gradient
     * 5.5 → 3.7; 64→64 on 7×7 4.3 → 2.8; 32→64 on 7×7 2.5 → 1.7, its input gradient 2.7 → 1.6; 32→16 on 14×14 3.14
     * → 2.2; 16→16 on 28×28 (shifted GEMM before) 6.1 → 4.1–4.4; 16→32 on 14×14 2.92 → 2.46.
     */
    static boolean winograd4Pays(ConvGeometry geometry, int outChannels) {
        return WINOGRAD4 && PanamaWinograd4x4.AVAILABLE && Winograd4x4.applies(geometry)
                && geometry.channels() >= 16 && outChannels >= 16;
    }

    private static final boolean WINOGRAD4 = WINOGRAD && !"false".equalsIgnoreCase(System.getProperty("jcnn.winograd4", "true"));

    /**
     * Where the forward uses {@link WinogradStride2}, for batches of whole 8-image groups: 3×3 stride-2 layers with
     * at least 32 channels in and 16 out. 6.25 multiplications per output instead of 9. Measured at 1 thread against
     * the phase-plane GEMM ({@link ShiftPlan}; alternated runs, minima): (32,64,56,56)→128 55.3–55.8 → 47.5–50.5 ms
     * (2 threads 27.9–29.0 → 24.3–25.1), (100,64,14,14)→128 16.1 → 11.2–11.5 ms, (100,32,28,28)→64 14.5 → 12.0–12.2,
     * (100,32,16,16)→32 2.9–3.7 → 2.15; but (64,16,32,32)→32 3.07–3.09 → 3.24–3.28 ms.
     */
    static boolean winogradStride2Pays(ConvGeometry geometry, int outChannels) {
        return WINOGRAD_STRIDE2 && PanamaWinogradStride2.AVAILABLE && WinogradStride2.applies(geometry)
                && geometry.channels() >= 32 && outChannels >= 16;
    }

    private static final boolean WINOGRAD_STRIDE2 = WINOGRAD && !"false".equalsIgnoreCase(System.getProperty("jcnn.winogradStride2", "true"));

    /**
     * Where the input gradient uses {@link WinogradStride2Gradient}, for batches of whole 8-image groups: 3×3
     * stride-2 layers with at least 8 channels in and 16 out. Its products are C × M times M ×
     * tiles: the depth is the output channels. Measured at 1 thread against col2im of the GEMM's columns (alternated
     * runs, minima): (32,64,56,56)→128 55.4–55.9 → 41.7–45.5 ms (2 threads 28.5–29.9 → 22.9–23.1), (100,64,14,14)→128
     * 15.7–15.8 → 10.4–10.6, (100,32,28,28)→64 15.2 → 10.0–10.1, (100,32,16,16)→32 3.7–3.9 → 2.0, (64,16,32,32)→32
     * 3.9–4.2 → 2.65–2.69, (64,8,32,32)→32 2.0 → 1.5; with 4 channels in equal (1.01–1.03 → 0.94).
     */
    static boolean winogradStride2GradientPays(ConvGeometry geometry, int outChannels) {
        return WINOGRAD_STRIDE2_GRADIENT && PanamaWinogradStride2.AVAILABLE && WinogradStride2.applies(geometry)
                && geometry.channels() >= 8 && outChannels >= 16;
    }

    private static final boolean WINOGRAD_STRIDE2_GRADIENT = WINOGRAD_STRIDE2
            && !"false".equalsIgnoreCase(System.getProperty("jcnn.winogradStride2Gradient", "true"));

    /**
     * Where the weight gradient uses {@link WinogradStride2WeightGradient}: 3×3 stride-2 layers with at least 16
     * channels out and in, and at least a B panel's width (nr) of channels in — its products are (out × tiles)·(tiles ×
     * in), deep whatever the channel counts, and Vᵀ's panels are nr input channels wide. Measured at 1 thread against
     * the phase-plane weight gradient (alternated runs, minima), with 8 lanes (-XX:MaxVectorSize=32) on an AVX-512
     * machine: (32,64,56,56)→128 37.0–39.0 → 26.1–26.8 ms, (100,64,14,14)→128 10.2 → 6.7, (100,32,28,28)→64 9.6 → 6.4,
     * (64,16,32,32)→32 2.18 → 1.47, (100,32,16,16)→32 2.25 → 1.07; with 16 lanes (nr = 32, the same transforms on
     * 8-lane vectors, the products on 16): 25.5 → 21.1, 6.7 → 4.1, 6.3 → 4.3, 1.84 → 0.96, but with 16 channels in
     * 1.74 → 2.25 (half of each panel padding).
     */
    static boolean winogradStride2WeightGradientPays(ConvGeometry geometry, int outChannels, int nr) {
        return WINOGRAD_STRIDE2_WEIGHT_GRADIENT && PanamaWinogradStride2.WEIGHT_GRADIENT_AVAILABLE && WinogradStride2.applies(geometry)
                && geometry.channels() >= Math.max(16, nr) && outChannels >= 16;
    }

    private static final boolean WINOGRAD_STRIDE2_WEIGHT_GRADIENT = WINOGRAD_STRIDE2
            && !"false".equalsIgnoreCase(System.getProperty("jcnn.winogradStride2WeightGradient", "true"));

    /**
     * dst = the convolution of src by {@code plan} (F(4×4, 3×3) or the stride-2 algorithm, eight images per group)
     * with packedU (+ bias, ReLU), in {@link #inParts}; the plan and {@code forward} pick the per-thread interleaved
     * copy (the forward's, the input gradient's, or the stride-2 forward's).
     */
    private void interleaved(InterleavedWinograd plan, boolean forward, float[] src, int srcImage, int srcGroup, float[] bias,
                           float[] dst, int dstImage, int dstGroup, boolean relu, int batch, ImageRange then) {
        inParts(plan, forward, batch, then, (n, count, from, to, gi, buffers) ->
                plan.forward(driver, src, n * srcImage + gi * srcGroup, srcImage, count, from, to, packedU[gi], bias, gi * mg,
                        dst, n * dstImage + gi * dstGroup, dstImage, relu, buffers[0], buffers[1], buffers[2]));
    }

    /** The work of one call of {@link #inParts}: images [n, n + count), units [from, to) of theirs, group gi. */
    @FunctionalInterface
    private interface PlanCall {
        void run(int n, int count, int from, int to, int gi, float[][] buffers);
    }

    /**
     * The batch cut into parts of whole 8-image groups for {@code plan}'s calls, {@code then} run on each part's images
     * after them; with fewer than two groups per thread (batch 8 on two threads) the parts are slices of each group's
     * tiles instead, and {@code then} runs once on the whole batch at the end.
     */
    private void inParts(InterleavedWinograd plan, boolean forward, int batch, ImageRange then, PlanCall call) {
        int lanes = InterleavedWinograd.LANES, imageGroups = (batch + lanes - 1) / lanes, threads = Parallel.threads();
        int slices = threads == 1 || imageGroups >= 2 * threads ? 1 : Math.min(plan.tiles, (2 * threads + imageGroups - 1) / imageGroups);
        if (slices > 1) {
            Parallel.forParts(imageGroups * slices, (i0, i1, part, worker) -> {
                float[][] buffers = interleavedBuffers(plan, forward, worker);
                for (int i = i0; i < i1; i++) {
                    int n = i / slices * lanes, slice = i % slices, count = Math.min(lanes, batch - n);
                    int from = plan.tiles * slice / slices, to = plan.tiles * (slice + 1) / slices;
                    for (int gi = 0; gi < groups; gi++) call.run(n, count, from, to, gi, buffers);
                }
            });
            if (then != null) then.run(0, batch);
            return;
        }
        Parallel.forParts(imageGroups, (g0, g1, part, worker) -> {
            float[][] buffers = interleavedBuffers(plan, forward, worker);
            int n1 = Math.min(batch, g1 * lanes);
            for (int n = g0 * lanes; n < n1; n += plan.images()) {
                int count = Math.min(plan.images(), n1 - n);
                for (int gi = 0; gi < groups; gi++) call.run(n, count, 0, (count + lanes - 1) / lanes * plan.tiles, gi, buffers);
                if (then != null) then.run(n, n + count);
            }
        });
    }

    /**
     * As {@link #forward(float[], float[], float[], float[], int, boolean)}, followed by a 2×2 max pooling with stride
     * 2: pooled (batch × M × outH/2 × outW/2) = the pooled outputs, argmax (null, or shaped like pooled) the positions
     * of the maxima in their output planes, as {@link Pooling#maxPoolForward} would give them from the outputs; the
     * outputs themselves are not stored. By F(4×4, 3×3), inside its output transform (without argmax only after a
     * ReLU); by the shifted GEMM, from a per-thread copy of each image's output. Returns false, having done nothing,
     * where the forward takes neither for this batch.
     */
    public boolean forwardPooled(float[] x, float[] w, float[] bias, float[] pooled, int[] argmax, int batch, boolean relu) {
        int outH = g.outH(), outW = g.outW(), pooledSize = outChannels * (outH / 2) * (outW / 2);
        if (groups == 1 && useDriver(batch) && winograd4Plan(batch) == null && plans().plan != null && winogradS2 == null
                && winograd == null && driver.shiftedForwardPays(plan)) {
            // The shifted GEMM (SimpleConvNet's 5×5 layer): each image's output goes to a per-thread buffer that stays
            // in cache, pooled from there by the pooling's own kernel, instead of out to the batch's output tensor.
            // Where the GEMM computes on the padded width, the pooling reads that buffer as it is, rows plan.wp apart,
            // and applies the ReLU to its candidates: the copy to outW-wide rows, ReLU'd, is skipped ((100,1,28,28)->30
            // with its ReLU and pooling, in a SimpleConvNet step at one thread, alternated: minima 1.18-1.23 -> 1.06-1.08 ms).
            packWeights(w, false);
            boolean inPlace = driver.shiftedForwardComputesPadded(plan);
            Parallel.forParts(batch, (n0, n1, part, worker) -> {
                Scratch s = scratch(worker, 0, 0, 0);
                float[] xpad = s.xpad = exact(s.xpad, plan.length);
                float[] padded = s.padded = grow(s.padded, mg * plan.cols);
                float[] image = inPlace ? null : (s.image = grow(s.image, outputSize()));
                for (int n = n0; n < n1; n++) {
                    int to = n * pooledSize, pooledPlane = (outH / 2) * (outW / 2);
                    if (inPlace) {
                        driver.shiftedForwardPadded(plan, x, n * inputSize(), packedW[0], mg, bias, 0, xpad, padded);
                        for (int m = 0; m < mg; m++) {
                            Elementwise.maxPool2x2(padded, m * plan.cols, plan.wp, outW, relu, pooled, argmax, to + m * pooledPlane,
                                    outH / 2, outW / 2);
                        }
                        continue;
                    }
                    driver.shiftedForward(plan, x, n * inputSize(), packedW[0], mg, bias, 0, image, 0, xpad, padded, relu);
                    for (int m = 0; m < mg; m++) {
                        Elementwise.maxPool2x2(image, m * p, outW, pooled, argmax, to + m * pooledPlane, outH / 2, outW / 2);
                    }
                }
            });
            return true;
        }
        if (winograd4Plan(batch) == null || (argmax == null && !relu)) return false;
        packInterleavedWeights(winograd4, 0, w, 0);
        inParts(winograd4, true, batch, null, (n, count, from, to, gi, buffers) ->
                winograd4.forwardPooled(driver, x, n * inputSize(), inputSize(), count, from, to, packedU[0], bias, 0, pooled,
                        n * pooledSize, pooledSize, argmax, relu, buffers[0], buffers[1], buffers[2]));
        return true;
    }

    /** Thread {@code worker}'s interleaved copy (the forward's or the input gradient's), V and P for {@code plan}. */
    private float[][] interleavedBuffers(InterleavedWinograd plan, boolean forward, int worker) {
        Scratch s = scratch(worker, 0, 0, 0);
        s.transformed = grow(s.transformed, plan.transformedSize());
        s.products = grow(s.products, plan.productSize());
        float[] xi = plan instanceof WinogradStride2 ? (s.xiS2 = exact(s.xiS2, plan.interleavedBufferSize()))
                : forward ? (s.xi4 = exact(s.xi4, plan.interleavedBufferSize()))
                : (s.dyi4 = exact(s.dyi4, plan.interleavedBufferSize()));
        return new float[][] {xi, s.transformed, s.products};
    }

    /**
     * The F(4×4, 3×3) plan this layer's forward takes for a batch of {@code batch} images, or null where it takes
     * another path (or has groups): what an evaluation chain ({@link WinogradChain}) is built from.
     */
    Winograd4x4 winograd4Plan(int batch) {
        return groups == 1 && useDriver(batch) && plans().winograd4 != null && Winograd4x4.fillsGroups(batch) ? winograd4 : null;
    }

    /** The kernels this layer runs on (null where no vector driver runs here). */
    ConvDriver driver() {
        return driver;
    }

    private void packInterleavedWeights(InterleavedWinograd plan, int gi, float[] w, int wOff) {
        if (packedU.length != groups) packedU = new float[groups][];
        packedU[gi] = grow(packedU[gi], plan.packedWeightSize());
        if (plan instanceof Winograd4x4 w4) driver.winograd4PackWeights(w4, w, wOff, packedU[gi]);
        else plan.packWeights(w, wOff, packedU[gi]);
    }

    /** Packs group gi's weights (at w[wOff], out × in × 3 × 3) transformed for {@code plan}. */
    private void packWinogradWeights(Winograd plan, int gi, float[] w, int wOff) {
        if (packedU.length != groups) packedU = new float[groups][];
        packedU[gi] = grow(packedU[gi], plan.packedWeightSize());
        plan.packWeights(w, wOff, packedU[gi]);
    }

    private Scratch winogradScratch(int worker, Winograd plan) {
        Scratch s = scratch(worker, 0, 0, 0);
        s.transformed = grow(s.transformed, plan.transformedSize());
        s.products = grow(s.products, plan.productSize());
        return s;
    }

    /**
     * Packs, per group, the weight of the input-gradient convolution: W'[c][m][i][j] = W[m][c][kH-1-i][kW-1-j],
     * the kernel flipped and its channel roles exchanged (seed 003), as a (C/g × M/g·kH·kW) matrix.
     */
    private void packFlippedWeights(float[] w) {
        int cg = g.channels(), taps = g.kernelH() * g.kernelW();
        if (packedW.length != groups) packedW = new float[groups][];
        for (int gi = 0; gi < groups; gi++) {
            flipWeights(w, gi);
            packedW[gi] = grow(packedW[gi], driver.packedASize(cg, mg * taps));
            driver.packA(false, flipped, 0, mg * taps, cg, mg * taps, packedW[gi]);
        }
    }

    /** {@code flipped} (C/g × M/g × kH × kW) = group gi's kernel flipped with its channel roles exchanged. */
    private void flipWeights(float[] w, int gi) {
        int cg = g.channels(), kh = g.kernelH(), kw = g.kernelW();
        flipped = grow(flipped, cg * mg * kh * kw);
        for (int m = 0; m < mg; m++)
            for (int c = 0; c < cg; c++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++) {
                        flipped[((c * mg + m) * kh + i) * kw + j] = w[gi * mg * kg + ((m * cg + c) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)];
                    }
    }

    private static float[] exact(float[] a, int size) {
        return a == null || a.length != size ? new float[size] : a;
    }

    /** Packs every group's weight matrix (transposed for the input gradient) for the driver, on the caller. */
    private void packWeights(float[] w, boolean transposed) {
        if (packedW.length != groups) packedW = new float[groups][];
        for (int gi = 0; gi < groups; gi++) {
            int m = transposed ? kg : mg, k = transposed ? mg : kg;
            packedW[gi] = grow(packedW[gi], driver.packedASize(m, k));
            driver.packA(transposed, w, gi * mg * kg, kg, m, k, packedW[gi]);
        }
    }

    private static void gemm(boolean parallel, boolean ta, boolean tb, int m, int n, int k, float[] a, int ao, int lda,
                             float[] b, int bo, int ldb, float beta, float[] c, int co, int ldc) {
        if (parallel) Gemm.sgemmParallel(ta, tb, m, n, k, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
        else Gemm.sgemm(ta, tb, m, n, k, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    }

    private float[] columnBuffer(int chunk) {
        Scratch s = scratch(chunk, 0, 0, 0);
        s.col = grow(s.col, g.isPointwise() ? 0 : kg * p);
        return s.col;
    }

    /** Thread {@code worker}'s buffers (chunk or worker number of the parallel loop), grown to the sizes given. */
    private synchronized Scratch scratch(int worker, int packB, int packA, int row) {
        if (scratch.length <= worker) {
            int old = scratch.length;
            scratch = Arrays.copyOf(scratch, worker + 1);
            for (int i = old; i <= worker; i++) scratch[i] = new Scratch();
        }
        Scratch s = scratch[worker];
        s.packB = grow(s.packB, packB);
        s.packA = grow(s.packA, packA);
        s.row = grow(s.row, row);
        return s;
    }

    private static float[] grow(float[] a, int size) {
        return a == null || a.length < size ? new float[size] : a;
    }

    /** Part {@code part}'s bias-gradient partial sums, zeroed. */
    private synchronized float[] biasPartial(int part) {
        if (dbPartials[part] == null || dbPartials[part].length < outChannels) dbPartials[part] = new float[outChannels];
        Arrays.fill(dbPartials[part], 0, outChannels, 0f);
        return dbPartials[part];
    }

    /** Part {@code part}'s weight-gradient partial sums (overwritten by the part's first image). */
    private synchronized float[] partial(int part, int size) {
        if (dwPartials[part] == null || dwPartials[part].length < size) dwPartials[part] = new float[size];
        return dwPartials[part];
    }
}
