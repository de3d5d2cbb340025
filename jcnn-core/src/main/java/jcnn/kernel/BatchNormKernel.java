package jcnn.kernel;

/**
 * Batch normalisation's per-channel loops (Ioffe &amp; Szegedy 2015): statistics, the affine normalisation, and
 * the batch-statistics backward pass.
 *
 * <p>Layout: x, y, dy and dx are (N, C, S) row-major, S being the spatial size (H·W for NCHW, L for NCL, 1 for
 * (N, C)); channel c's values are the N contiguous runs {@code [(n·C + c)·S, (n·C + c + 1)·S)}. Per-channel
 * arrays (mean, variance, scale, γ, ...) have length C.
 *
 * <p>Why double: the mean and variance of a channel are sums over N·S values; a float accumulator loses digits as
 * the count grows, and the one-pass formula E[x²] - E[x]² cancels catastrophically when |mean| ≫ std. So both
 * passes accumulate in double, and the variance uses the corrected two-pass form
 * {@code (Σ(x-μ)² - (Σ(x-μ))²/m) / m}, whose correction term removes most of the rounding left in μ.
 *
 * <p>Work is split over channels with {@link Parallel#forRange}; each channel is summed by one thread in a fixed
 * order, so results do not depend on the thread count.
 *
 * <p>The {@code reference*} methods are the plain single-threaded textbook versions (the paper's step-by-step
 * chain rule for backward); tests compare the fast ones with them.
 */
public final class BatchNormKernel {
    private BatchNormKernel() {}

    /** Per-channel mean and biased variance (divided by m = N·S) of x (N, C, S), in double; channels in parallel. */
    public static void statistics(float[] x, int n, int c, int s, double[] mean, double[] var) {
        final long m = (long) n * s;
        Parallel.forRange(c, (c0, c1, chunk) -> {
            for (int ch = c0; ch < c1; ch++) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    for (int j = 0; j < s; j++) sum += x[o + j];
                }
                double mu = sum / m;
                double sq = 0, dev = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    for (int j = 0; j < s; j++) {
                        double d = x[o + j] - mu;
                        dev += d;
                        sq += d * d;
                    }
                }
                mean[ch] = mu;
                var[ch] = Math.max(0.0, (sq - dev * dev / m) / m);
            }
        });
    }

    /**
     * {@code y = (x - center_c)·scale_c + shift_c} for x, y (N, C, S), computed in double and rounded once; channels
     * in parallel. Training passes (μ, γ/σ, β), evaluation (running mean, γ/√(running var + ε), β).
     */
    public static void normalize(float[] x, float[] y, int n, int c, int s, double[] center, double[] scale, double[] shift) {
        Parallel.forRange(c, (c0, c1, chunk) -> {
            for (int ch = c0; ch < c1; ch++) {
                double mu = center[ch], k = scale[ch], b = shift[ch];
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    for (int j = 0; j < s; j++) y[o + j] = (float) ((x[o + j] - mu) * k + b);
                }
            }
        });
    }

    /**
     * The backward pass of training-mode batch normalisation, in the compact form. With x̂ = (x - μ)·σ⁻¹ (σ⁻¹ =
     * {@code invStd}) and m = N·S, per channel:
     * <pre>
     *   Σdy, Σdy·x̂             (one pass)
     *   dβ = Σdy,  dγ = Σdy·x̂
     *   dx = γ·σ⁻¹·(dy - Σdy/m - x̂·Σdy·x̂/m)
     * </pre>
     * which is the paper's chain rule through μ and σ² with the sums gathered once. {@code gamma} null means γ = 1;
     * {@code dGamma}, {@code dBeta} and {@code dx} may each be null when not wanted. Channels in parallel.
     */
    public static void backward(float[] x, float[] dy, float[] dx, int n, int c, int s, double[] mean, double[] invStd,
                                float[] gamma, float[] dGamma, float[] dBeta) {
        final long m = (long) n * s;
        Parallel.forRange(c, (c0, c1, chunk) -> {
            for (int ch = c0; ch < c1; ch++) {
                double mu = mean[ch], is = invStd[ch];
                double sumDy = 0, sumDyXhat = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    for (int j = 0; j < s; j++) {
                        double g = dy[o + j];
                        sumDy += g;
                        sumDyXhat += g * (x[o + j] - mu);
                    }
                }
                sumDyXhat *= is;
                if (dBeta != null) dBeta[ch] = (float) sumDy;
                if (dGamma != null) dGamma[ch] = (float) sumDyXhat;
                if (dx == null) continue;
                double a = (gamma == null ? 1.0 : gamma[ch]) * is;
                double meanDy = sumDy / m, k = sumDyXhat / m * is; // k·(x - μ) = x̂·Σdy·x̂/m
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * s;
                    for (int j = 0; j < s; j++) dx[o + j] = (float) (a * (dy[o + j] - meanDy - (x[o + j] - mu) * k));
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------
    // References: the textbook forms, single-threaded.
    // ---------------------------------------------------------------------------------------------------

    /**
     * Training-mode forward as the paper's Algorithm 1 writes it: μ = Σx/m, σ² = Σ(x-μ)²/m, x̂ = (x-μ)/√(σ²+ε),
     * y = γ·x̂ + β ({@code gamma}/{@code beta} null: 1 and 0). Fills {@code mean} and the biased {@code var}.
     */
    public static void referenceForward(float[] x, float[] y, int n, int c, int s, double eps, float[] gamma, float[] beta,
                                        double[] mean, double[] var) {
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += x[(i * c + ch) * s + j];
            double mu = sum / m;
            double sq = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sq += sqr(x[(i * c + ch) * s + j] - mu);
            double v = sq / m;
            mean[ch] = mu;
            var[ch] = v;
            double g = gamma == null ? 1 : gamma[ch], b = beta == null ? 0 : beta[ch];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int at = (i * c + ch) * s + j;
                    y[at] = (float) (g * (x[at] - mu) / Math.sqrt(v + eps) + b);
                }
            }
        }
    }

    /**
     * Training-mode backward through the paper's intermediate gradients (section 3): dx̂ = dy·γ;
     * dσ² = Σ dx̂·(x-μ)·(-½)(σ²+ε)^(-3/2); dμ = -Σ dx̂/√(σ²+ε) + dσ²·Σ -2(x-μ)/m;
     * dx = dx̂/√(σ²+ε) + dσ²·2(x-μ)/m + dμ/m; dγ = Σ dy·x̂; dβ = Σ dy.
     */
    public static void referenceBackward(float[] x, float[] dy, float[] dx, int n, int c, int s, double eps, float[] gamma,
                                         float[] dGamma, float[] dBeta) {
        int m = n * s;
        double[] mean = new double[c], var = new double[c];
        referenceForward(x, new float[x.length], n, c, s, eps, null, null, mean, var);
        for (int ch = 0; ch < c; ch++) {
            double mu = mean[ch], sd = Math.sqrt(var[ch] + eps), g = gamma == null ? 1 : gamma[ch];
            double dVar = 0, dMean = 0, sumDev = 0, dG = 0, dB = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int at = (i * c + ch) * s + j;
                    double dxHat = dy[at] * g;
                    dVar += dxHat * (x[at] - mu) * -0.5 * Math.pow(var[ch] + eps, -1.5);
                    dMean += -dxHat / sd;
                    sumDev += -2 * (x[at] - mu);
                    dG += dy[at] * (x[at] - mu) / sd;
                    dB += dy[at];
                }
            }
            dMean += dVar * sumDev / m;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int at = (i * c + ch) * s + j;
                    dx[at] = (float) (dy[at] * g / sd + dVar * 2 * (x[at] - mu) / m + dMean / m);
                }
            }
            if (dGamma != null) dGamma[ch] = (float) dG;
            if (dBeta != null) dBeta[ch] = (float) dB;
        }
    }

    private static double sqr(double v) {
        return v * v;
    }
}
