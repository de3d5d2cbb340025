package jcnn.nn.activation;

import java.util.List;
import jcnn.kernel.Parallel;
import jcnn.nn.Layer;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;

/**
 * ACON-C, the trainable "activate or not" unit of Ma, Zhang, Liu &amp; Sun, "Activate or Not: Learning Customized
 * Activation", CVPR 2021. Per channel c, with learnable p1, p2 and β:
 * <pre>
 *   d = p1 − p2,   u = β·d·x,   s = σ(u) = 1 / (1 + e^(−u))
 *   y = d·x·s + p2·x                                   (a smooth switch between the slopes p1 and p2)
 *   A = s·(1 + u·(1 − s))
 *   ∂y/∂x  = d·A + p2
 *   ∂y/∂p1 = x·A,   ∂y/∂p2 = x·(1 − A),   ∂y/∂β = (d·x)²·s·(1 − s)
 * </pre>
 * β controls how sharply it switches: β → ∞ gives max(p1·x, p2·x), β = 0 the linear (p1 + p2)/2·x.
 *
 * <p>Parameters: {@code p1}, {@code p2}, {@code beta}, each of shape (C,), of {@link Parameter.Kind#OTHER} so
 * that weight-initialisation schemes ({@code jcnn.nn.Init}) and weight decay on weights leave them alone. They
 * start at p1 = 1, p2 = 0, β = 1, where ACON-C is exactly Swish/SiLU, x·σ(x) (the paper's observation that
 * Swish is the special case p1 = 1, p2 = 0): deterministic, independent of any seed, and a sound activation
 * before any training. Backward sets their gradients (summed over the batch and positions, in double).
 *
 * <p>Shape: (N, C, ...), rank ≥ 2, with C = {@code numChannels}; the output has the input's shape. Computed in
 * double per element.
 */
public final class AconC extends Layer {
    private static final int PARALLEL_MIN = 1 << 14;

    private final int numChannels;
    private final Parameter p1;
    private final Parameter p2;
    private final Parameter beta;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;

    public AconC(int numChannels) {
        if (numChannels < 1) throw new IllegalArgumentException("AconC(" + numChannels + "): numChannels must be >= 1");
        this.numChannels = numChannels;
        this.p1 = new Parameter("p1", Parameter.Kind.OTHER, Tensor.full(1f, numChannels), 1, 1);
        this.p2 = new Parameter("p2", Parameter.Kind.OTHER, Tensor.zeros(numChannels), 1, 1);
        this.beta = new Parameter("beta", Parameter.Kind.OTHER, Tensor.full(1f, numChannels), 1, 1);
    }

    public int numChannels() { return numChannels; }
    public Parameter p1() { return p1; }
    public Parameter p2() { return p2; }
    public Parameter beta() { return beta; }

    @Override
    public List<Parameter> parameters() {
        return List.of(p1, p2, beta);
    }

    @Override
    public int[] outputShape(int... s) {
        if (s.length < 2) {
            throw error("expected an input (N, " + numChannels + ", ...) of rank >= 2, got shape " + Tensor.shapeString(s));
        }
        checkDim(s, 1, numChannels, "channels", "(N, C, ...)");
        return s.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] shape = outputShape(x.shape());
        output = Tensor.reuse(output, shape);
        int planes = shape[0] * numChannels;
        int size = planes == 0 ? 0 : x.numel() / planes;
        float[] in = x.data(), out = output.data();
        if (x.numel() < PARALLEL_MIN) forwardPlanes(in, out, size, 0, planes);
        else Parallel.forRange(planes, (q0, q1, chunk) -> forwardPlanes(in, out, size, q0, q1));
        input = training ? x : null;
        return output;
    }

    /** Planes are the (n, c) slices of {@code size} contiguous elements. */
    private void forwardPlanes(float[] x, float[] y, int size, int q0, int q1) {
        float[] a = p1.value().data(), b = p2.value().data(), k = beta.value().data();
        for (int q = q0; q < q1; q++) {
            int c = q % numChannels;
            double pb = b[c], d = (double) a[c] - pb, kd = k[c] * d;
            for (int i = q * size, end = i + size; i < end; i++) {
                double v = x[i];
                y[i] = (float) (d * v / (1 + Math.exp(-kd * v)) + pb * v);
            }
        }
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, input == null ? null : output);
        int[] shape = output.shape();
        int batch = shape[0];
        int size = batch == 0 ? 0 : dy.numel() / (batch * numChannels);
        boolean wantInput = isInputGradRequired();
        if (wantInput) gradInput = Tensor.reuse(gradInput, shape);
        float[] x = input.data(), g = dy.data(), dx = wantInput ? gradInput.data() : null;
        // Split by channel, so each chunk owns its channels' parameter gradients: no reduction across threads.
        if (dy.numel() < PARALLEL_MIN) backwardChannels(x, g, dx, batch, size, 0, numChannels);
        else Parallel.forRange(numChannels, (c0, c1, chunk) -> backwardChannels(x, g, dx, batch, size, c0, c1));
        return wantInput ? gradInput : null;
    }

    private void backwardChannels(float[] x, float[] g, float[] dx, int batch, int size, int c0, int c1) {
        float[] a = p1.value().data(), b = p2.value().data(), k = beta.value().data();
        float[] ga = p1.grad().data(), gb = p2.grad().data(), gk = beta.grad().data();
        for (int c = c0; c < c1; c++) {
            double pb = b[c], d = (double) a[c] - pb, kd = k[c] * d;
            double sumA = 0, sumB = 0, sumK = 0;
            for (int n = 0; n < batch; n++) {
                for (int i = (n * numChannels + c) * size, end = i + size; i < end; i++) {
                    double v = x[i], dv = d * v, u = kd * v;
                    double s = 1 / (1 + Math.exp(-u));
                    double slope = s * (1 + u * (1 - s));
                    double gy = g[i];
                    if (dx != null) dx[i] = (float) (gy * (d * slope + pb));
                    sumA += gy * v * slope;
                    sumB += gy * v * (1 - slope);
                    sumK += gy * dv * dv * s * (1 - s);
                }
            }
            ga[c] = (float) sumA;
            gb[c] = (float) sumB;
            gk[c] = (float) sumK;
        }
    }

    @Override
    public String toString() {
        return "AconC(" + numChannels + ")";
    }
}
