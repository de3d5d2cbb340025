package jcnn.kernel;

/**
 * The blocked GEMM organised for convolution: the weight matrix is packed once per call and shared by every
 * image and thread, each image's operand comes from a {@link PanelSource} straight into panels, the bias is
 * added as each output tile is stored, and the weight gradient is one long accumulation over all images. The
 * Vector API implementation is {@code PanamaConv}; without it, {@link Convolution} uses plain GEMM calls.
 */
interface ConvDriver {
    /** Panel width of B (columns). */
    int nr();

    /** Panel width of B for {@link #multiplyPackedNarrow}: one vector. */
    int narrowNr();

    /** Panel height of A (rows). */
    int mr();

    /** The depth of one packed block (rows of B per {@link PanelSource#pack} call). */
    int kc();

    /** Floats needed by {@link #packA} for an m × k operand. */
    int packedASize(int m, int k);

    /** Packs op(A) (m × k) whole, in the block order {@link #multiply} reads. */
    void packA(boolean transA, float[] a, int aOff, int lda, int m, int k, float[] dst);

    /** Floats of the B panel buffer for {@code cols} columns. */
    int packedBSize(int cols);

    /**
     * For each image n in [n0, n1): out_n (m × cols, row stride cols, at outOff + n·outStride) = A · B_n, plus
     * {@code bias[biasOff + row]} when bias is not null. {@code packB} holds {@link #packedBSize}(cols) floats.
     */
    void multiply(float[] packedA, int m, int k, int cols, PanelSource b, int n0, int n1,
                  float[] out, int outOff, int outStride, float[] bias, int biasOff, float[] packB);

    /**
     * out (m × cols, row stride ldc, at outOff) = A · B + beta·out with both operands already packed: A as panels of
     * {@link #mr} rows and depth k (at aOff, rows past m zero), B as panels of {@link #nr} columns and depth k (at
     * bOff). k must not exceed {@link #kc}. Winograd's 16 products, whose operands are written in this layout.
     */
    void multiplyPacked(float[] packedA, int aOff, int m, int k, float[] packedB, int bOff, int cols, float beta,
                        float[] out, int outOff, int ldc);

    /**
     * {@link #multiplyPacked} with B in panels of {@link #narrowNr} columns (products with at most that many columns,
     * of which {@link #nr}-wide panels would be mostly padding) and A in panels of {@code mr} rows: {@link #mr()}, or
     * {@link #narrowNr} (a transform then writes a point of a vector's worth of rows with one store).
     */
    void multiplyPackedNarrow(float[] packedA, int aOff, int mr, int m, int k, float[] packedB, int bOff, int cols,
                              float beta, float[] out, int outOff, int ldc);

    /**
     * {@link #multiplyPacked} with A in panels of {@code mr} rows, a multiple of 8 such as {@link #narrowNr} (B in the
     * usual {@link #nr}-wide panels); only where {@link #tallPanels}.
     */
    void multiplyPackedTall(float[] packedA, int aOff, int mr, int m, int k, float[] packedB, int bOff, int cols,
                            float beta, float[] out, int outOff, int ldc);

    /** Whether {@link #multiplyPackedTall} runs here (8-row tiles: machines with 32 vector registers). */
    boolean tallPanels();

    /** {@link Winograd#inputTransform}, vectorised: V for tiles [t0, t0 + count) of the padded image xpad. */
    void winogradInput(Winograd plan, float[] xpad, int t0, int count, int width, float[] v);

    /** {@link Winograd#outputTransform}, vectorised: the outputs of tiles [t0, t0 + count) from the products. */
    void winogradOutput(Winograd plan, float[] prod, int t0, int count, int width, float[] bias, int biasOff,
                        float[] y, int yOff, int yStride, boolean relu);

    /** Whether {@link #headForward} runs this head here (where not, no evaluation chain starts with it). */
    boolean headRuns(InterleavedHead head);

    /**
     * {@link InterleavedHead#interleave} then {@link InterleavedHead#forward}, vectorised: up to 8 images of x copied
     * into the head's copy xi, and the head's outputs (+ bias, ReLU when asked) stored into next's copy dst.
     */
    void headForward(InterleavedHead head, float[] x, int xOff, int xStride, int count, float[] xi, float[] packed,
                     float[] bias, boolean relu, InterleavedWinograd next, float[] dst);

    /** {@link InterleavedWinograd#interleave}, vectorised: up to 8 images copied into the lanes of one group of xi. */
    void interleave(InterleavedWinograd plan, float[] x, int xOff, int xStride, int count, float[] xi, int at);

    /** {@link InterleavedWinograd#deinterleave}, vectorised: lanes [0, count) of one group of xi copied out to images. */
    void deinterleave(InterleavedWinograd plan, float[] xi, int at, float[] x, int xOff, int xStride, int count);

    /** {@link Winograd4x4#packWeights}, vectorised where the GEMM's A panels have four rows. */
    void winograd4PackWeights(Winograd4x4 plan, float[] w, int wOff, float[] dst);

    /** {@link Winograd4x4#inputTransform}, vectorised: V for units [u0, u0 + units) of the interleaved copies xi. */
    void winograd4Input(Winograd4x4 plan, float[] xi, int u0, int units, int width, float[] v);

    /** {@link Winograd4x4#outputTransform}, vectorised: the outputs of units [u0, u0 + units) from the products. */
    void winograd4Output(Winograd4x4 plan, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                         float[] y, int yOff, int yStride, int count, boolean relu);

    /**
     * {@link Winograd4x4#outputTransformPooled}, vectorised: the 2×2 max-pooled outputs of units [u0, u0 + units), and
     * their positions where {@code argmax} is not null. Without argmax, only after a ReLU ({@code relu}): the maxima
     * are then taken lane-wise, which differs from the pooling's rule on nothing but the sign of a zero.
     */
    void winograd4OutputPooled(Winograd4x4 plan, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                               float[] y, int yOff, int yStride, int[] argmax, int count, boolean relu);

    /**
     * {@link Winograd4x4#outputTransformInterleaved}, vectorised: the outputs of units [u0, u0 + units), pooled or not,
     * stored into the next layer's interleaved copy.
     */
    void winograd4OutputInterleaved(Winograd4x4 plan, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                                    boolean relu, boolean pool, InterleavedWinograd next, float[] dst, int dstAt);

    /** {@link WinogradStride2#inputTransform}, vectorised: V for units [u0, u0 + units) of the interleaved copies xi. */
    void stride2Input(WinogradStride2 plan, float[] xi, int u0, int units, int width, float[] v);

    /** {@link WinogradStride2#outputTransform}, vectorised: the outputs of units [u0, u0 + units) from the products. */
    void stride2Output(WinogradStride2 plan, float[] prod, int u0, int units, int width, float[] bias, int biasOff,
                       float[] y, int yOff, int yStride, int count, boolean relu);

    /** {@link WinogradStride2Gradient#inputTransform}, vectorised: Ŷ for units [u0, u0 + units) of the interleaved dy. */
    void stride2GradientInput(WinogradStride2Gradient plan, float[] dyi, int u0, int units, int width, float[] v);

    /**
     * {@link WinogradStride2Gradient#outputTransform}, vectorised: the patches of units [u0, u0 + units) summed into
     * the interleaved input gradient dxi.
     */
    void stride2GradientOutput(WinogradStride2Gradient plan, float[] prod, int u0, int units, int width, float[] dxi);

    /** {@link WinogradStride2WeightGradient#toChannelsLast}, vectorised: one image's x and dy copied channels-last. */
    void stride2ChannelsLast(WinogradStride2WeightGradient plan, float[] x, int xOff, float[] dy, int dyOff, float[] xLast,
                             float[] dyLast);

    /**
     * {@link WinogradStride2WeightGradient#gradientTransforms}, vectorised: Vᵀ and Ŷ panels of the weight gradient for
     * tiles [t0, t0 + count).
     */
    void stride2WeightTransforms(WinogradStride2WeightGradient plan, float[] xLast, float[] dyLast, int t0, int count,
                                 int k0, int depth, float[] vT, float[] dyHat);

    /** {@link Winograd#toChannelsLast}, vectorised: one image's x and dy copied channels-last for the weight gradient. */
    void winogradChannelsLast(Winograd plan, float[] x, int xOff, float[] dy, int dyOff, float[] xLast, float[] dyLast);

    /** {@link Winograd#gradientTransforms}, vectorised: Vᵀ and Ŷ panels of the weight gradient for tiles [t0, t0 + count). */
    void winogradGradientTransforms(Winograd plan, float[] xLast, float[] dyLast, int t0, int count, int k0, int depth,
                                    float[] vT, float[] dyHat);

    /**
     * Packs rows [r0, r0 + count) of a row-major matrix (row stride ldb, cols columns) into B panels of depth
     * {@code depth}, at depth {@code offset}.
     */
    void packRows(float[] b, int bOff, int ldb, int r0, int count, int cols, float[] dst, int depth, int offset);

    /**
     * Packs rows [r0, r0 + kc) of Bᵀ, where B (cols × ldb-strided rows) is stored row-major, into B panels: the
     * operand colᵀ of the weight gradient, read from the column matrix.
     */
    void packColumns(float[] b, int bOff, int ldb, int r0, int count, int cols, float[] dst, int depth, int offset);

    /** Floats of the A buffer {@link #accumulate} needs for m rows. */
    int accumulateASize(int m);

    /**
     * acc (m × kDim, at accOff) = Σ_{n in [n0, n1)} A_n (m × p) · B_n, where A_n is read from {@code a} (rows of length p,
     * image n at aOff + n·aStride) and B_n (p × kDim) comes from {@code b}. The images' positions are taken as one
     * long shared dimension, so a block may span several small images. With {@code overwrite} the first product
     * replaces acc, otherwise everything is added to it.
     */
    void accumulate(int m, int kDim, int p, float[] a, int aOff, int aStride, PanelSource b, int n0, int n1,
                    float[] acc, int accOff, boolean overwrite, float[] packA, float[] packB);

    /**
     * Whether {@link #shiftedForward} is faster than im2col for this plan (it is, measured, for every stride-1
     * plan; for strided ones it depends on the driver).
     */
    boolean shiftedForwardPays(ShiftPlan plan);

    /**
     * Convolution of one image and group without im2col ({@link ShiftPlan}): out (m × outH × outW at
     * outOff) = W (packed by {@link #packA}) · shifted(x at xOff) [+ bias]. {@code xpad} is {@code plan.length}
     * floats that only ever serve this plan (its borders stay zero); {@code padded} holds m·plan.cols floats.
     * With {@code relu} the output is max(·, 0).
     */
    void shiftedForward(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias, int biasOff,
                        float[] out, int outOff, float[] xpad, float[] padded, boolean relu);

    /**
     * Whether {@link #shiftedForwardPadded} serves this plan: where {@link #shiftedForward} computes the output on the
     * padded width and then copies it out.
     */
    boolean shiftedForwardComputesPadded(ShiftPlan plan);

    /**
     * {@link #shiftedForward} without the copy to the output: output channel r's position (oh, ow) left in
     * {@code padded} at r·plan.cols + oh·plan.wp + ow, before any ReLU (the columns past outW hold nothing of use).
     */
    void shiftedForwardPadded(ShiftPlan plan, float[] x, int xOff, float[] packedW, int m, float[] bias, int biasOff,
                              float[] xpad, float[] padded);

    /**
     * Whether {@link #shiftedWeightGradient} copies the output gradient onto the padded width in its {@code dyT} buffer
     * (m rows of plan.cols floats, zero outside the outputs) and reads it there: then that buffer holds each image's
     * copy after the call, and {@link #shiftedWeightGradientPadded} takes the gradient written there directly.
     */
    boolean shiftedGradientReadsPadded(ShiftPlan plan);

    /** {@link #shiftedWeightGradient} of an output gradient already in {@code dyT} on the padded width. */
    void shiftedWeightGradientPadded(ShiftPlan plan, float[] x, int xOff, int m, float[] grad, int gOff, float[] xpad,
                                     float[] dyT);

    /** Floats of the accumulator {@link #shiftedWeightGradient} adds to, for one group of m output channels. */
    int shiftedGradientSize(ShiftPlan plan, int m);

    /** Floats of its per-thread output-gradient panels ({@code dyT}), which only ever serve one plan. */
    int shiftedGradientPanelsSize(ShiftPlan plan, int m);

    /**
     * Adds one image's weight gradient, dy (m × outH × outW at dyOff) · shifted(x at xOff)ᵀ, to the accumulator at
     * gOff (zero it before the first image), in the driver's own order; {@link #storeShiftedGradient} turns the
     * total into dW. {@code dyT} holds {@link #shiftedGradientPanelsSize} floats, zero when first used.
     */
    void shiftedWeightGradient(ShiftPlan plan, float[] x, int xOff, float[] dy, int dyOff, int m, float[] grad, int gOff,
                               float[] xpad, float[] dyT);

    /** acc (m × K at accOff, PyTorch's weight order) = the accumulated gradient at gOff. */
    void storeShiftedGradient(ShiftPlan plan, int m, float[] grad, int gOff, float[] acc, int accOff);
}
