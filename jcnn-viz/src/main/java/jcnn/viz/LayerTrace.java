package jcnn.viz;

import java.util.ArrayList;
import java.util.List;
import jcnn.nn.AdaptiveAvgPool2d;
import jcnn.nn.AvgPool2d;
import jcnn.nn.Conv2d;
import jcnn.nn.ConvTranspose2d;
import jcnn.nn.Layer;
import jcnn.nn.MaxPool2d;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;

/**
 * Every layer's output for one input: the model run layer by layer in evaluation mode, each output copied (the
 * layers' own buffers are overwritten by their next call).
 */
public final class LayerTrace {
    /** The output of layer {@code index} (called {@code name}) for the traced input. */
    public record Step(int index, String name, Layer layer, Tensor output) {
        /** Whether {@link FeatureMaps} draws this step: a 2-D convolution or pooling layer with (N, C, H, W) output. */
        public boolean isFeatureMap() {
            return output.rank() == 4 && isConvOrPool(layer);
        }
    }

    private LayerTrace() {}

    /** Runs {@code model} on {@code input} (N, ...) in evaluation mode and returns every layer's output. */
    public static List<Step> run(Sequential model, Tensor input) {
        List<Step> steps = new ArrayList<>();
        Tensor h = input;
        for (int i = 0; i < model.size(); i++) {
            Layer l = model.get(i);
            try {
                h = l.forward(h, false);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + " ('" + model.nameOf(i) + "'): " + e.getMessage(), e);
            }
            steps.add(new Step(i, model.nameOf(i), l, h.copy()));
        }
        return steps;
    }

    /** 2-D convolutions (plain and transposed) and 2-D pooling layers: the layers whose outputs are feature maps. */
    public static boolean isConvOrPool(Layer l) {
        return l instanceof Conv2d || l instanceof ConvTranspose2d || l instanceof AdaptiveAvgPool2d
                || l.getClass() == MaxPool2d.class || l.getClass() == AvgPool2d.class;
    }
}
