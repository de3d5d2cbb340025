package jcnn.viz;

import jcnn.nn.Architecture;
import jcnn.nn.BatchNorm1d;
import jcnn.nn.BatchNorm2d;
import jcnn.nn.Dropout;
import jcnn.nn.Layer;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;

/**
 * Copies of a model that share nothing with it: for a thread of its own (layers keep per-call state), and for
 * gradients with respect to the input that must see the model as it behaves in evaluation.
 */
public final class ModelCopies {
    private ModelCopies() {}

    /** An independent copy: the same architecture (rebuilt from its text), parameters and buffers. */
    public static Sequential copy(Sequential model) {
        Sequential c = Architecture.parseModel(Architecture.describe(model));
        c.loadStateDict(model.stateDict());
        return c;
    }

    /**
     * A copy whose <em>training</em> forward computes what {@code model} computes in evaluation, so that backward
     * (which needs a training forward) gives the gradient of the evaluation function: Dropout becomes the identity,
     * and BatchNorm with running statistics becomes its fixed per-channel affine map {@code x·s + t}, with
     * {@code s = γ/√(runningVar + ε)}, {@code t = β - runningMean·s}. The copy asks for input gradients.
     */
    public static Sequential evaluationCopy(Sequential model) {
        Sequential c = copy(model);
        for (int i = 0; i < c.size(); i++) {
            Layer l = c.get(i);
            if (l instanceof Dropout) c.replace(i, new Identity());
            else {
                Norm bn = Norm.of(l);
                if (bn != null && bn.tracking()) c.replace(i, ChannelAffine.of(bn));
            }
        }
        c.setInputGradRequired(true);
        return c;
    }

    /** Passes its input through. */
    static final class Identity extends Layer {
        @Override
        public Tensor forward(Tensor input, boolean training) {
            return input;
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            return gradOutput;
        }

        @Override
        public int[] outputShape(int... inputShape) {
            return inputShape.clone();
        }

        @Override
        public String toString() {
            return "Identity()";
        }
    }

    /** {@code y = x·scale[c] + shift[c]} over (N, C, ...): batch normalisation at evaluation. */
    static final class ChannelAffine extends Layer {
        private final float[] scale, shift;
        private Tensor output, gradInput;

        ChannelAffine(float[] scale, float[] shift) {
            this.scale = scale;
            this.shift = shift;
        }

        static ChannelAffine of(Norm bn) {
            int c = bn.mean().length;
            float[] mean = bn.mean(), var = bn.var();
            float[] s = new float[c], t = new float[c];
            for (int ch = 0; ch < c; ch++) {
                double g = bn.gamma() == null ? 1 : bn.gamma()[ch];
                double b = bn.beta() == null ? 0 : bn.beta()[ch];
                double sc = g / Math.sqrt(var[ch] + bn.eps());
                s[ch] = (float) sc;
                t[ch] = (float) (b - mean[ch] * sc);
            }
            return new ChannelAffine(s, t);
        }

        @Override
        public int[] outputShape(int... s) {
            if (s.length < 2 || s[1] != scale.length) {
                throw error("expected (N, " + scale.length + ", ...), got shape " + Tensor.shapeString(s));
            }
            return s.clone();
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            int[] s = outputShape(x.shape());
            output = Tensor.reuse(output, s);
            apply(x.data(), output.data(), s, true);
            return output;
        }

        @Override
        public Tensor backward(Tensor dy) {
            checkGradOutput(dy, output);
            gradInput = Tensor.reuse(gradInput, dy.shape());
            apply(dy.data(), gradInput.data(), dy.shape(), false);
            return gradInput;
        }

        private void apply(float[] in, float[] out, int[] s, boolean withShift) {
            int c = s[1], spatial = in.length / Math.max(1, s[0] * c);
            for (int n = 0; n < s[0]; n++) {
                for (int ch = 0; ch < c; ch++) {
                    int o = (n * c + ch) * spatial;
                    float a = scale[ch], b = withShift ? shift[ch] : 0f;
                    for (int i = 0; i < spatial; i++) out[o + i] = in[o + i] * a + b;
                }
            }
        }

        /** The per-channel scale alone, applied to {@code x} (N, C, ...): the transpose of this map's linear part. */
        Tensor scaleOnly(Tensor x) {
            Tensor out = Tensor.zeros(x.shape());
            apply(x.data(), out.data(), x.shape(), false);
            return out;
        }

        @Override
        public String toString() {
            return "ChannelAffine(" + scale.length + ")";
        }
    }

    /**
     * Batch normalisation's per-channel scale (γ over the standard deviation it divides by at evaluation) applied to
     * {@code signal}; without running statistics the standard deviation is that of {@code input}, as evaluation
     * then uses the batch's own statistics.
     */
    static Tensor batchNormScale(BatchNorm2d layer, Tensor signal, Tensor input) {
        Norm bn = Norm.of(layer);
        if (bn.tracking()) return ChannelAffine.of(bn).scaleOnly(signal);
        int[] s = input.shape();
        int c = s[1], spatial = input.numel() / (s[0] * c);
        float[] scale = new float[c], x = input.data();
        for (int ch = 0; ch < c; ch++) {
            double sum = 0, sq = 0;
            long m = 0;
            for (int n = 0; n < s[0]; n++) {
                int o = (n * c + ch) * spatial;
                for (int i = 0; i < spatial; i++, m++) sum += x[o + i];
            }
            double mean = sum / m;
            for (int n = 0; n < s[0]; n++) {
                int o = (n * c + ch) * spatial;
                for (int i = 0; i < spatial; i++) sq += (x[o + i] - mean) * (x[o + i] - mean);
            }
            double g = bn.gamma() == null ? 1 : bn.gamma()[ch];
            scale[ch] = (float) (g / Math.sqrt(sq / m + bn.eps()));
        }
        return new ChannelAffine(scale, new float[c]).scaleOnly(signal);
    }

    /** What evaluation needs of a BatchNorm1d or BatchNorm2d (their common base class is not public). */
    record Norm(float[] gamma, float[] beta, float[] mean, float[] var, double eps, boolean tracking) {
        static Norm of(Layer l) {
            if (l instanceof BatchNorm2d b) {
                return new Norm(b.weight() == null ? null : b.weight().value().data(), b.bias() == null ? null : b.bias().value().data(),
                        b.runningMean().data(), b.runningVar().data(), b.eps(), b.isTrackingRunningStats());
            }
            if (l instanceof BatchNorm1d b) {
                return new Norm(b.weight() == null ? null : b.weight().value().data(), b.bias() == null ? null : b.bias().value().data(),
                        b.runningMean().data(), b.runningVar().data(), b.eps(), b.isTrackingRunningStats());
            }
            return null;
        }
    }
}
