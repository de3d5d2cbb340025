package jcnn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import jcnn.kernel.Gemm;
import jcnn.nn.Conv2d;
import jcnn.nn.ConvTranspose2d;
import jcnn.nn.Layer;
import jcnn.nn.MaxPool2d;
import jcnn.tensor.Tensor;

/**
 * The kernel-level cases of {@code jcnn bench}, the same work as {@code tools/bench/torch_bench.py} runs in
 * PyTorch: GEMM at square and convolution-shaped sizes, the convolution shapes of the performance targets
 * (forward, and forward + backward with input and weight gradients), max pooling and a transposed convolution.
 */
public final class KernelBenchmarks {
    private KernelBenchmarks() {}

    /** Square GEMMs n = 256 … 2048, and the skinny M×K×N products of convolution with their backward forms. */
    public static List<BenchCase> gemm(boolean quick) {
        List<BenchCase> out = new ArrayList<>();
        int[] squares = quick ? new int[] {256, 1024} : new int[] {256, 512, 1024, 2048};
        for (int n : squares) out.add(gemmCase("sgemm " + n + "x" + n + "x" + n, false, false, n, n, n));
        // convolution as C (M×N) = W (M×K) · col (K×N): SimpleConvNet's batch, a 3×3 layer, a ResNet-like layer
        int[][] conv = {{30, 25, 57600}, {64, 576, 1024}, {128, 1152, 3136}};
        for (int[] s : conv) {
            int m = s[0], k = s[1], n = s[2];
            out.add(gemmCase("conv fwd  W·col   " + m + "x" + k + "x" + n, false, false, m, n, k));
            out.add(gemmCase("conv bwdW dY·colT " + m + "x" + n + "x" + k, false, true, m, k, n));
            out.add(gemmCase("conv bwdX WT·dY   " + k + "x" + m + "x" + n, true, false, k, n, m));
            if (quick) break;
        }
        return out;
    }

    private static BenchCase gemmCase(String name, boolean ta, boolean tb, int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = random(rng, m * k), b = random(rng, k * n), c = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        return new BenchCase("gemm", name, 2.0 * m * n * k, "flop", () -> { },
                () -> Gemm.sgemmParallel(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, 0f, c, 0, n));
    }

    /** (N, C, H, W, outChannels, kernel, stride, padding) of the performance targets. */
    public static final int[][] CONV_SHAPES = {
            {100, 1, 28, 28, 30, 5, 1, 0}, {100, 1, 28, 28, 16, 3, 1, 1}, {100, 16, 28, 28, 16, 3, 1, 1},
            {64, 3, 32, 32, 64, 3, 1, 1}, {64, 64, 32, 32, 64, 3, 1, 1}, {32, 64, 56, 56, 128, 3, 2, 1},
            {8, 128, 28, 28, 256, 3, 1, 1}};

    public static List<BenchCase> conv(boolean quick) {
        List<BenchCase> out = new ArrayList<>();
        for (int[] s : CONV_SHAPES) {
            Conv2d conv = new Conv2d(s[1], s[4], s[5]).stride(s[6]).padding(s[7]);
            conv.setInputGradRequired(true);
            String shape = "(" + s[0] + "," + s[1] + "," + s[2] + "," + s[3] + ")->" + s[4] + " k" + s[5] + " s" + s[6] + " p" + s[7];
            out.addAll(layerCases("conv", shape, conv, new int[] {s[0], s[1], s[2], s[3]}));
            if (quick && out.size() >= 4) break;
        }
        MaxPool2d pool = new MaxPool2d(2);
        out.addAll(layerCases("pool", "maxpool 2x2 (100,30,24,24)", pool, new int[] {100, 30, 24, 24}));
        ConvTranspose2d deconv = new ConvTranspose2d(64, 32, 4).stride(2).padding(1);
        deconv.setInputGradRequired(true);
        out.addAll(layerCases("deconv", "convT (64,64,16,16)->32 k4 s2 p1", deconv, new int[] {64, 64, 16, 16}));
        return out;
    }

    /** Forward alone, and forward + backward, of one layer; the unit is images. */
    private static List<BenchCase> layerCases(String group, String shape, Layer layer, int[] inputShape) {
        Tensor x = Tensor.uniform(new SplittableRandom(2), -1f, 1f, inputShape);
        Tensor dy = Tensor.uniform(new SplittableRandom(3), -1f, 1f, layer.outputShape(inputShape));
        int images = inputShape[0];
        return List.of(
                new BenchCase(group, shape + " fwd", images, "images", () -> { }, () -> layer.forward(x, false)),
                new BenchCase(group, shape + " fwd+bwd", images, "images", () -> { }, () -> {
                    layer.forward(x, true);
                    layer.backward(dy);
                }));
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }
}
