package jcnn.nn;

import java.util.SplittableRandom;
import jcnn.kernel.Parallel;
import jcnn.tensor.Tensor;

/**
 * Inverted dropout (Srivastava et al. 2014, "Dropout: A Simple Way to Prevent Neural Networks from Overfitting";
 * the book's Dropout layer), PyTorch's {@code nn.Dropout}: in training each element is zeroed with probability p
 * and the survivors are scaled by 1/(1 - p), so the expected output equals the input and evaluation needs no
 * rescaling; in evaluation the layer is the identity (it returns its input).
 *
 * <p>Backward multiplies the gradient by the same mask: {@code dx = dy·mask}, mask = 0 or 1/(1 - p).
 *
 * <p>p = 1 is accepted, as in PyTorch: every element is dropped (the output is {@code x·0}, so a NaN input stays
 * NaN) and the gradient is zero. p = 0 is the identity in training too and draws nothing.
 *
 * <p>Randomness: each Dropout has its own generator, seeded on construction from {@link Init#globalGenerator()}
 * (so {@link Init#manualSeed} before building a model fixes every mask) or explicitly with {@link #seed(long)}.
 * Each training forward takes one 64-bit value from it and derives element i's uniform draw from that value and i
 * (a SplitMix64 hash), so the mask does not depend on the thread count and the same seed reproduces a run bit for
 * bit.
 *
 * <p>Shape: any; the output has the input's shape.
 */
public final class Dropout extends Layer implements Stochastic {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final int PARALLEL_MIN = 1 << 15; // below this, waking workers costs more than the loop

    private final double p;
    private final long dropBelow; // an element is dropped when its 53-bit draw is below this: P = p
    private final float keepScale;
    private SplittableRandom rng;
    private Tensor mask;          // 0 or 1/(1 - p), from the last training forward
    private Tensor output;
    private Tensor gradInput;
    private boolean identity;    // the last training forward passed the input through (p = 0)

    /** Dropout with PyTorch's default p = 0.5. */
    public Dropout() {
        this(0.5);
    }

    /** @param p the probability of zeroing an element, in [0, 1] */
    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout(p=" + p + "): p must be in [0, 1]");
        this.p = p;
        this.dropBelow = (long) Math.ceil(p * 0x1p53);
        this.keepScale = p == 1 ? 0f : (float) (1.0 / (1.0 - p));
        this.rng = new SplittableRandom(Init.globalGenerator().nextLong());
    }

    /** Restarts this layer's generator from {@code seed}: the following masks are the same for the same seed. */
    public Dropout seed(long seed) {
        this.rng = new SplittableRandom(seed);
        return this;
    }

    /** The probability of dropping an element. */
    public double p() {
        return p;
    }

    /** The mask of the last training forward (0 or 1/(1 - p) per element), or null; owned by the layer. */
    public Tensor mask() {
        return identity ? null : mask;
    }

    @Override
    public int[] outputShape(int... inputShape) {
        return inputShape.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (!training || p == 0) {
            identity = training;
            output = training ? x : null;
            return x;
        }
        identity = false;
        mask = Tensor.reuse(mask, x.shape());
        output = Tensor.reuse(output, x.shape());
        float[] in = x.data(), m = mask.data(), y = output.data();
        final long base = rng.nextLong();
        final float scale = keepScale;
        Parallel.RangeBody body = (i0, i1, chunk) -> {
            for (int i = i0; i < i1; i++) {
                float k = (mix64(base + (i + 1L) * GOLDEN) >>> 11) < dropBelow ? 0f : scale;
                m[i] = k;
                y[i] = in[i] * k;
            }
        };
        // each element's draw depends only on (base, i), so splitting the range cannot change the mask
        if (in.length < PARALLEL_MIN) body.run(0, in.length, 0);
        else Parallel.forRange(in.length, body);
        return output;
    }

    @Override
    public Tensor backward(Tensor dy) {
        checkGradOutput(dy, output);
        if (identity) return dy;
        gradInput = Tensor.reuse(gradInput, dy.shape());
        float[] g = dy.data(), m = mask.data(), dx = gradInput.data();
        for (int i = 0; i < g.length; i++) dx[i] = g[i] * m[i];
        return gradInput;
    }

    /** SplitMix64's finaliser (Steele, Lea &amp; Flood 2014): a bijective 64-bit mix with good avalanche. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** "Dropout(p=0.5)". */
    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
