package jcnn.kernel;

/**
 * The first convolution of an evaluation chain ({@link WinogradChain}) when it has too few input channels for
 * Winograd's transforms to pay — an image network's first layer, on 1 or 3 channels: computed directly, tap by tap,
 * on an image-interleaved copy of its input, its outputs stored straight into the interleaved copy the next layer
 * reads. Without it the layer writes NCHW (DeepConvNet's first layer: 5 MB for 100 images, out of the L2 cache) and
 * the next one reads it all back and transposes it into its own layout; here a group of eight images goes through
 * both layers while its activations are in the cache.
 *
 * <p>Layout of the copy, as {@link InterleavedWinograd}'s: lane e of channel c, padded row r, column q at
 * ((r·C + c)·wp + q)·8 + e. Output (r, q) of channel m is then Σ over the taps t = (c, i, j), in PyTorch's order, of
 * w[m, t] · copy[(r·C·wp + q)·8 + {@link #taps}[t] + e] — a fused multiply-add per tap from zero, then + bias, then
 * the ReLU: the order of the GEMM's micro-kernels and of the shifted form when one depth block holds every tap (at
 * most 256), so the floats are those of the layer run on its own.
 */
final class InterleavedHead {
    /** Images per group, as in {@link InterleavedWinograd}. */
    static final int LANES = InterleavedWinograd.LANES;
    /** The most input channels a head takes: above, the layer's own Winograd or GEMM paths do better. */
    static final int MAX_CHANNELS = 4;

    final ConvGeometry g;
    final int channels, outChannels;
    final int hp, wp;
    /** Distances in the copy between padded rows and between channels within a row. */
    final int rowStep, channelStep;
    /** Where position p of a source plane goes in the copy: (padTop + p / W)·rowStep + (padLeft + p % W)·8. */
    final int[] positions;
    /** Offsets of the taps (c, i, j) from the place of the output's position: i·rowStep + c·channelStep + j·8. */
    final int[] taps;

    private InterleavedHead(ConvGeometry g, int outChannels) {
        this.g = g;
        this.channels = g.channels();
        this.outChannels = outChannels;
        this.hp = g.height() + g.padTop() + g.padBottom();
        this.wp = g.width() + g.padLeft() + g.padRight();
        this.channelStep = wp * LANES;
        this.rowStep = channels * channelStep;
        this.positions = new int[g.height() * g.width()];
        for (int r = 0, p = 0; r < g.height(); r++)
            for (int q = 0; q < g.width(); q++, p++) positions[p] = (g.padTop() + r) * rowStep + (g.padLeft() + q) * LANES;
        this.taps = new int[channels * g.kernelH() * g.kernelW()];
        for (int c = 0, t = 0; c < channels; c++)
            for (int i = 0; i < g.kernelH(); i++)
                for (int j = 0; j < g.kernelW(); j++, t++) taps[t] = i * rowStep + c * channelStep + j * LANES;
    }

    /**
     * The head for a layer whose output is {@code next}'s input, or null where the layer is not one: groups, a
     * stride or a dilation, more than {@link #MAX_CHANNELS} input channels, or outputs that are not next's input.
     */
    static InterleavedHead of(Convolution layer, InterleavedWinograd next) {
        ConvGeometry g = layer.geometry();
        boolean plain = layer.groups() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.dilationH() == 1 && g.dilationW() == 1;
        if (!plain || g.channels() > MAX_CHANNELS) return null;
        ConvGeometry n = next.g;
        if (layer.outChannels() != next.channels || g.outH() != n.height() || g.outW() != n.width()) return null;
        return new InterleavedHead(g, layer.outChannels());
    }

    /** Floats of one group's interleaved copy of the input (its borders stay zero). */
    int groupSize() {
        return channels * hp * wp * LANES;
    }

    /** Floats of the packed weights: tap-major, the channels of a tap side by side. */
    int packedWeightSize() {
        return taps.length * outChannels;
    }

    /** w (M × C × kH × kW, PyTorch's order) packed as packed[t·M + m] = w[m, t]. */
    void packWeights(float[] w, float[] packed) {
        int k = taps.length;
        for (int m = 0; m < outChannels; m++)
            for (int t = 0; t < k; t++) packed[t * outChannels + m] = w[m * k + t];
    }

    /**
     * The scalar reference of {@link ConvDriver#headForward}'s convolution: from the group's copy xi, every output
     * (+ bias, ReLU when asked) into next's copy dst (channel m, position p at next.base + next.positions[p] +
     * m·next.channelStep).
     */
    void forward(float[] xi, float[] packed, float[] bias, boolean relu, InterleavedWinograd next, float[] dst) {
        int outH = g.outH(), outW = g.outW();
        for (int r = 0; r < outH; r++) {
            for (int q = 0; q < outW; q++) {
                int at = r * rowStep + q * LANES, to = next.base + next.positions[r * outW + q];
                for (int m = 0; m < outChannels; m++) {
                    for (int e = 0; e < LANES; e++) {
                        float acc = 0f;
                        for (int t = 0; t < taps.length; t++) acc = Math.fma(packed[t * outChannels + m], xi[at + taps[t] + e], acc);
                        if (bias != null) acc += bias[m];
                        if (relu) acc = Math.max(acc, 0f);
                        dst[to + m * next.channelStep + e] = acc;
                    }
                }
            }
        }
    }

    /** {@link InterleavedWinograd#interleave}'s scalar copy for this layout: count images (the rest zero lanes). */
    void interleave(float[] x, int xOff, int xStride, int count, float[] xi) {
        int plane = positions.length;
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                for (int e = 0; e < LANES; e++)
                    xi[c * channelStep + positions[p] + e] = e < count ? x[xOff + e * xStride + c * plane + p] : 0f;
    }
}
