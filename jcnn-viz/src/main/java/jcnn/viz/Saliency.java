package jcnn.viz;

import java.awt.image.BufferedImage;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;

/**
 * Image-specific class saliency (Simonyan, Vedaldi &amp; Zisserman 2014): how much each input pixel moves the score of
 * a class, {@code |∂ score_c / ∂ input|}, where the score is the model's output (the logit, before any softmax).
 * For several channels a pixel's saliency is the largest over its channels.
 *
 * <p>The gradient is taken on an {@link ModelCopies#evaluationCopy evaluation copy} of the model, so Dropout and
 * BatchNorm behave as at prediction time and the model itself is left untouched.
 */
public final class Saliency {
    private final Sequential gradModel;

    /** Prepares the evaluation copy of {@code model} (reuse the instance for many images). */
    public Saliency(Sequential model) {
        this.gradModel = ModelCopies.evaluationCopy(model);
    }

    /** {@code ∂ score_c / ∂ input}, shaped like {@code image} (1, C, H, W). */
    public Tensor gradient(Tensor image, int cls) {
        Tensor x = FeatureMaps.checkOne(image);
        Tensor logits = gradModel.forward(x, true);
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("Saliency: the model outputs " + Tensor.shapeString(logits.shape()) + ", not class scores (1, K)");
        }
        int k = logits.size(1);
        if (cls < 0 || cls >= k) throw new IllegalArgumentException("Saliency: class " + cls + " outside [0, " + k + ")");
        Tensor dy = Tensor.zeros(1, k);
        dy.data()[cls] = 1f;
        return gradModel.backward(dy).copy();
    }

    /** The saliency map (H, W): the largest {@code |∂ score_c / ∂ x|} over each pixel's channels. */
    public Tensor map(Tensor image, int cls) {
        Tensor g = gradient(image, cls);
        int[] s = g.shape();
        int c = s[1], plane = s[2] * s[3];
        Tensor out = Tensor.zeros(s[2], s[3]);
        float[] d = g.data(), o = out.data();
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < plane; p++) o[p] = Math.max(o[p], Math.abs(d[ch * plane + p]));
        }
        return out;
    }

    /** The class the model predicts for {@code image} (the largest score), for when no class is named. */
    public int predictedClass(Tensor image) {
        Tensor logits = gradModel.forward(FeatureMaps.checkOne(image), true);
        float[] d = logits.data();
        int best = 0;
        for (int i = 1; i < d.length; i++) if (d[i] > d[best]) best = i;
        return best;
    }

    /** The image and its saliency map side by side; the map in the "hot" colours (black, red, yellow, white). */
    public static BufferedImage render(Tensor image, Tensor map, int tilePixels) {
        int[] s = map.shape();
        TileGrid heat = new TileGrid(1, s[0], s[1], 1, TileGrid.scaleFor(s[1], tilePixels), 0);
        heat.drawRgb(0, Colormap.HOT.apply(Scaling.MIN_MAX.apply(map.data())));
        return new Sheet().add("input", FeatureMaps.image(image, tilePixels).image())
                .add("saliency |d score / d input|", heat.image()).render();
    }
}
