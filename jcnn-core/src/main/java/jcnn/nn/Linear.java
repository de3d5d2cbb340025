package jcnn.nn;

import java.util.List;
import jcnn.kernel.Gemm;
import jcnn.kernel.Parallel;
import jcnn.tensor.Tensor;

/**
 * Fully connected layer {@code y = x·Wᵀ + b}: the seeds' Affine layer, with W stored as PyTorch stores it,
 * (outFeatures, inFeatures), i.e. the transpose of the seeds' W (D × H).
 *
 * <p>Backward, the seeds' equation (5.13) with that transpose: {@code dx = dy·W}, {@code dW = dyᵀ·x},
 * {@code db = Σ_n dy}.
 *
 * <p>Shape: input (N, inFeatures) or any (N, d1, d2, ...) with d1·d2·... = inFeatures, which is flattened as
 * the seed's Affine does (and the input gradient gets the original shape back); output (N, outFeatures).
 */
public final class Linear extends Layer {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private Tensor input;
    private Tensor output;
    private Tensor gradInput;
    /** dy packed as the two backward products' A (dyᵀ for dW, dy for dx), reused from batch to batch. */
    private float[] packedDyT, packedDy;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): features must be >= 1");
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = new Parameter("weight", Parameter.Kind.WEIGHT, Tensor.zeros(outFeatures, inFeatures), inFeatures, outFeatures);
        this.bias = bias ? new Parameter("bias", Parameter.Kind.BIAS, Tensor.zeros(outFeatures), inFeatures, outFeatures) : null;
        initialize(Init.pytorchDefault(), Init.globalGenerator());
    }

    public int inFeatures() { return inFeatures; }
    public int outFeatures() { return outFeatures; }
    public Parameter weight() { return weight; }
    public Parameter bias() { return bias; }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public int[] outputShape(int... s) {
        if (s.length < 2) throw error("expected input (N, " + inFeatures + ") or (N, ...), got shape " + Tensor.shapeString(s));
        long features = 1;
        for (int i = 1; i < s.length; i++) features *= s[i];
        if (features != inFeatures) {
            throw error("expected " + inFeatures + " features per sample, got shape " + Tensor.shapeString(s)
                    + " (" + features + " features)");
        }
        return new int[] {s[0], outFeatures};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int[] outShape = outputShape(x.shape());
        int n = outShape[0];
        output = Tensor.reuse(output, outShape);
        float[] y = output.data();
        float beta = 0f;
        if (bias != null) {
            float[] b = bias.value().data();
            for (int i = 0; i < n; i++) System.arraycopy(b, 0, y, i * outFeatures, outFeatures);
            beta = 1f;
        }
        // y (N × out) = x (N × in) · Wᵀ (in × out)
        Gemm.sgemmParallel(false, true, n, outFeatures, inFeatures, x.data(), 0, inFeatures,
                weight.value().data(), 0, inFeatures, beta, y, 0, outFeatures);
        input = training ? x : null;
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, output);
        if (input == null) throw new IllegalStateException(this + ": backward needs a forward with training=true");
        int n = dy.size(0);
        float[] g = dy.data();
        if (bias != null) {
            float[] db = bias.grad().fill(0f).data();
            for (int i = 0; i < n; i++) {
                int o = i * outFeatures;
                for (int j = 0; j < outFeatures; j++) db[j] += g[o + j];
            }
        }
        float[] x = input.data(), w = weight.value().data(), dw = weight.grad().data();
        if (!isInputGradRequired()) {
            // dW (out × in) = dyᵀ (out × N) · x (N × in)
            Gemm.sgemmParallel(true, false, outFeatures, inFeatures, n, g, 0, outFeatures, x, 0, inFeatures, 0f, dw, 0, inFeatures);
            return null;
        }
        // dx (N × in) = dy (N × out) · W (out × in), in the input's original shape
        gradInput = Tensor.reuse(gradInput, input.shape());
        float[] dx = gradInput.data();
        // dW and dx have the same columns (the input features), and column j of each needs only column j of x or W:
        // one parallel pass over strips of columns computes both, one hand-over to the worker threads instead of two
        // (each costs tens of microseconds on a 2-vCPU VM). Each strip is a serial product over the whole of k, so
        // every element is summed as by one serial GEMM, at any thread count. The strips are Parallel.forParts'
        // parts of the 16-column panels (whole panels, and the last parts narrow, so that the thread that finishes
        // first waits for little). Both products' A (dyᵀ and dy) are packed once, here, for every strip: the worker
        // wakes up tens of microseconds after this call anyway, and per strip the packing added 30-40 µs of work
        // per backward at 8 parts.
        final int panel = 16, panels = 2L * n * outFeatures * inFeatures < 4_000_000L ? 1 : (inFeatures + panel - 1) / panel;
        final int stripWidth = panels == 1 ? inFeatures : panel;
        float[] dyT = packedDyT = grow(packedDyT, Gemm.packedASize(outFeatures, n));
        float[] dyP = packedDy = grow(packedDy, Gemm.packedASize(n, outFeatures));
        Gemm.packA(true, outFeatures, n, g, 0, outFeatures, dyT);
        Gemm.packA(false, n, outFeatures, g, 0, outFeatures, dyP);
        Parallel.forParts(panels, 8, (s0, s1, part, worker) -> {
            int j0 = s0 * stripWidth, cols = Math.min(inFeatures, s1 * stripWidth) - j0;
            Gemm.sgemmPacked(dyT, outFeatures, n, false, cols, x, j0, inFeatures, 0f, dw, j0, inFeatures);
            Gemm.sgemmPacked(dyP, n, outFeatures, false, cols, w, j0, inFeatures, 0f, dx, j0, inFeatures);
        });
        return gradInput;
    }

    private static float[] grow(float[] buffer, int size) {
        return buffer != null && buffer.length >= size ? buffer : new float[size];
    }

    @Override
    public String toString() {
        return "Linear(inFeatures=" + inFeatures + ", outFeatures=" + outFeatures + (bias == null ? ", bias=false" : "") + ")";
    }
}
