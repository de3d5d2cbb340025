package jcnn.kernel;

/**
 * What a layer needs from a Winograd weight gradient ({@link Winograd}'s F(2×2, 3×3) for stride 1,
 * {@link WinogradStride2WeightGradient} for stride 2): the sizes of its buffers, the accumulation of dU over a range
 * of images, and the kernel transform that turns dU into the weights' gradient. Both copy x and dy channels-last,
 * transform blocks of tiles into packed panels (Vᵀ and Ŷ) and multiply them per point.
 */
interface WinogradWeightGradient {
    /** Floats of the channels-last copy of one image's input (its zero borders serve only this plan). */
    int channelsLastInputSize();

    /** Floats of the channels-last copy of one image's output gradient (zero past the output). */
    int channelsLastGradientSize();

    /** Floats of Vᵀ's panels of one block, all points. */
    int transposedSize();

    /** Floats of Ŷ's panels of one block, all points. */
    int hatSize();

    /** Floats of the accumulator dU (points × M × C). */
    int gradientSize();

    /**
     * Adds the weight gradient of images [n0, n1) to dU in {@code grad} at gradOff (zero it before).
     *
     * @param x       the layer's input, image n at xOff + n·xStride (C × H × W)
     * @param dy      its output gradient, image n at dyOff + n·dyStride (M × outH × outW)
     * @param xLast   {@link #channelsLastInputSize} floats serving only this plan
     * @param dyLast  {@link #channelsLastGradientSize} floats serving only this plan
     * @param vT      {@link #transposedSize} floats
     * @param dyHat   {@link #hatSize} floats
     */
    default void weightGradient(ConvDriver driver, float[] x, int xOff, int xStride, float[] dy, int dyOff, int dyStride,
                                int n0, int n1, float[] grad, int gradOff, float[] xLast, float[] dyLast, float[] vT,
                                float[] dyHat) {
        weightGradient(driver, x, xOff, xStride, dy, dyOff, dyStride, n0, n1, grad, gradOff, xLast, dyLast, vT, dyHat, null);
    }

    /**
     * As above, and, when {@code copied} is not null, {@code copied.run(n, n + 1)} as soon as image n's copies are
     * made: its x and dy were just read and are still in cache (the layer sums the bias gradient there, instead of
     * reading the whole batch's dy once more afterwards).
     */
    void weightGradient(ConvDriver driver, float[] x, int xOff, int xStride, float[] dy, int dyOff, int dyStride, int n0,
                        int n1, float[] grad, int gradOff, float[] xLast, float[] dyLast, float[] vT, float[] dyHat,
                        Convolution.ImageRange copied);

    /** dw (M × C × 3 × 3 at dwOff, PyTorch's order) from the accumulated dU in {@code grad} at gradOff; overwrites. */
    void storeWeightGradient(float[] grad, int gradOff, float[] dw, int dwOff);
}
