package jcnn.nn;

import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Ready-made networks, for input of shape (C, H, W) and {@code classes} outputs (logits; the loss applies the
 * softmax). {@code activation} makes each hidden activation layer for a given number of channels (ReLU unless
 * another is chosen; the channel count matters only to activations with per-channel parameters, such as ACON-C).
 * <ul>
 *   <li>{@link #simpleConvNet}: the seeds' and the book's SimpleConvNet (『ゼロから作るDeep Learning』 ch. 7):
 *       conv 30×5×5 → act → max-pool 2×2 → Affine 100 → act → Affine.</li>
 *   <li>{@link #deepConvNet}: the book's DeepConvNet (ch. 8): six 3×3 convolutions (16, 16, 32, 32, 64, 64; the
 *       fourth padded by 2) with a 2×2 max-pool after every second, Affine 50 → act → Dropout 0.5 → Affine →
 *       Dropout 0.5.</li>
 *   <li>{@link #leNet5}: LeCun et al. 1998's LeNet-5 with max-pooling and modern activations: conv 6×5×5 (padding
 *       2) → pool → conv 16×5×5 → pool → 120 → 84 → classes.</li>
 *   <li>{@link #batchNormNet}: a VGG-style net with batch normalisation and dropout (conv 32, 32, pool, 64, 64,
 *       pool, each conv followed by BatchNorm2d and the activation; Dropout 0.25 after each pool; Affine 256 with
 *       BatchNorm1d; Dropout 0.5).</li>
 * </ul>
 */
public final class Models {
    private Models() {}

    /** The names {@link #byName} knows. */
    public static final List<String> NAMES = List.of("simple", "deep", "lenet5", "bn");

    /** A model by name: "simple", "deep", "lenet5" or "bn" (case-insensitive; "SimpleConvNet" etc. work too). */
    public static Sequential byName(String name, int[] sampleShape, int classes, IntFunction<Layer> activation) {
        String key = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return switch (key) {
            case "simple", "simpleconvnet" -> simpleConvNet(sampleShape, classes, activation);
            case "deep", "deepconvnet" -> deepConvNet(sampleShape, classes, activation);
            case "lenet5", "lenet" -> leNet5(sampleShape, classes, activation);
            case "bn", "batchnorm", "batchnormnet" -> batchNormNet(sampleShape, classes, activation);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; built-in models: " + String.join(", ", NAMES));
        };
    }

    public static Sequential simpleConvNet(int[] shape, int classes, IntFunction<Layer> act) {
        int c = shape[0], h = (shape[1] - 4) / 2, w = (shape[2] - 4) / 2;
        return new Sequential(
                new Conv2d(c, 30, 5), act.apply(30), new MaxPool2d(2),
                new Flatten(), new Linear(30 * h * w, 100), act.apply(100), new Linear(100, classes));
    }

    public static Sequential deepConvNet(int[] shape, int classes, IntFunction<Layer> act) {
        int h = shape[1], w = shape[2];
        // 3×3 "same" convolutions keep the size, the padding-2 one adds 2; each pool halves (floor)
        h = ((h / 2 + 2) / 2) / 2;
        w = ((w / 2 + 2) / 2) / 2;
        return new Sequential(
                new Conv2d(shape[0], 16, 3).padding(1), act.apply(16), new Conv2d(16, 16, 3).padding(1), act.apply(16), new MaxPool2d(2),
                new Conv2d(16, 32, 3).padding(1), act.apply(32), new Conv2d(32, 32, 3).padding(2), act.apply(32), new MaxPool2d(2),
                new Conv2d(32, 64, 3).padding(1), act.apply(64), new Conv2d(64, 64, 3).padding(1), act.apply(64), new MaxPool2d(2),
                new Flatten(), new Linear(64 * h * w, 50), act.apply(50), new Dropout(0.5), new Linear(50, classes), new Dropout(0.5));
    }

    public static Sequential leNet5(int[] shape, int classes, IntFunction<Layer> act) {
        int h = ((shape[1] / 2) - 4) / 2, w = ((shape[2] / 2) - 4) / 2;
        return new Sequential(
                new Conv2d(shape[0], 6, 5).padding(2), act.apply(6), new MaxPool2d(2),
                new Conv2d(6, 16, 5), act.apply(16), new MaxPool2d(2),
                new Flatten(), new Linear(16 * h * w, 120), act.apply(120), new Linear(120, 84), act.apply(84), new Linear(84, classes));
    }

    public static Sequential batchNormNet(int[] shape, int classes, IntFunction<Layer> act) {
        int h = shape[1] / 4, w = shape[2] / 4;
        return new Sequential(
                new Conv2d(shape[0], 32, 3).padding(1).bias(false), new BatchNorm2d(32), act.apply(32),
                new Conv2d(32, 32, 3).padding(1).bias(false), new BatchNorm2d(32), act.apply(32), new MaxPool2d(2), new Dropout(0.25),
                new Conv2d(32, 64, 3).padding(1).bias(false), new BatchNorm2d(64), act.apply(64),
                new Conv2d(64, 64, 3).padding(1).bias(false), new BatchNorm2d(64), act.apply(64), new MaxPool2d(2), new Dropout(0.25),
                new Flatten(), new Linear(64 * h * w, 256, false), new BatchNorm1d(256), act.apply(256), new Dropout(0.5),
                new Linear(256, classes));
    }
}
