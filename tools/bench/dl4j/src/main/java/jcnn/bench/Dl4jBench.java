package jcnn.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The Deeplearning4j side of jcnn's benchmarks, the same work as {@code jcnn bench} and tools/bench/torch_bench.py:
 * the conv group's layers (forward; forward and backward with the input's and the parameters' gradients) and
 * SimpleConvNet and DeepConvNet, one training step (forward, softmax cross-entropy, backward, Adam) and one inference
 * forward on batches of 100 1×28×28 images; timed as torch_bench.py times (a warm-up, then seven samples of at least
 * a quarter second; min / median / max seconds per call). Writes the same JSON as torch_bench.py.
 *
 * <pre>
 *   tools/bench/dl4j/run --threads 1 [--groups conv,train,infer] [--json out.json]
 * </pre>
 * Through the API a Java user would pick, {@link MultiLayerNetwork}, on ND4J's CPU backend. ND4J's native code takes
 * its thread count from OMP_NUM_THREADS, which ./run sets.
 */
public final class Dl4jBench {
    private Dl4jBench() {}

    public static void main(String[] args) throws IOException {
        int threads = 1;
        String json = null;
        Set<String> groups = Set.of("train", "infer");
        double warmup = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--json" -> json = args[++i];
                case "--groups" -> groups = Set.of(args[++i].split(","));
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String omp = System.getenv("OMP_NUM_THREADS");
        if (omp == null || Integer.parseInt(omp) != threads) {
            throw new IllegalStateException("set OMP_NUM_THREADS=" + threads + " (ND4J's native threads) for --threads " + threads);
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.FLOAT, 100, 1, 28, 28);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 100, 10);
        for (int i = 0; i < 100; i++) labels.putScalar(i, i % 10, 1f);

        List<String> rows = new ArrayList<>();
        if (groups.contains("conv")) {
            for (int[] c : CONV_SHAPES) rows.addAll(convCases(c, warmup));
        }
        String[][] models = {{"SimpleConvNet", "simple"}, {"DeepConvNet", "deep"}};
        if (groups.contains("train")) {
            for (String[] m : models) {
                MultiLayerNetwork net = model(m[1]);
                double[] t = timed(() -> net.fit(x, labels), warmup);
                rows.add(row("train", m[0] + " train (batch 100, Adam)", 100, t));
            }
        }
        if (groups.contains("infer")) {
            for (String[] m : models) {
                MultiLayerNetwork net = model(m[1]);
                double[] t = timed(() -> net.output(x, false), warmup);
                rows.add(row("infer", m[0] + " inference (batch 100)", 100, t));
            }
        }
        String engine = "Deeplearning4j " + MultiLayerNetwork.class.getPackage().getImplementationVersion();
        if (engine.endsWith("null")) engine = "Deeplearning4j 1.0.0-M2.1";
        String out = "{\"engine\": \"" + engine + " (ND4J " + Nd4j.getBackend().getClass().getSimpleName() + ")\", \"threads\": "
                + threads + ", \"results\": [\n" + String.join(",\n", rows) + "\n]}\n";
        if (json != null) Files.writeString(Path.of(json), out, StandardCharsets.UTF_8);
        else System.out.print(out);
    }

    /** (N, C, H, W, out channels, kernel, stride, padding): torch_bench.py's CONV_SHAPES. */
    static final int[][] CONV_SHAPES = {{100, 1, 28, 28, 30, 5, 1, 0}, {100, 1, 28, 28, 16, 3, 1, 1},
        {100, 16, 28, 28, 16, 3, 1, 1}, {64, 3, 32, 32, 64, 3, 1, 1}, {64, 64, 32, 32, 64, 3, 1, 1},
        {32, 64, 56, 56, 128, 3, 2, 1}, {8, 128, 28, 28, 256, 3, 1, 1}};

    /** One convolution layer (with bias, no activation): its forward, and forward + backward given dy. */
    static List<String> convCases(int[] c, double warmup) {
        int n = c[0], ch = c[1], h = c[2], w = c[3], oc = c[4], k = c[5], s = c[6], p = c[7];
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate).list()
                .layer(new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).nIn(ch).nOut(oc)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(h, w, ch)).build());
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, n, ch, h, w).muli(2).subi(1);
        INDArray dy = Nd4j.rand(DataType.FLOAT, net.output(x, false).shape()).muli(2).subi(1);
        String shape = String.format(Locale.ROOT, "(%d,%d,%d,%d)->%d k%d s%d p%d", n, ch, h, w, oc, k, s, p);
        double[] fwd = timed(() -> net.output(x, false), warmup);
        double[] both = timed(() -> {
            net.setInput(x);
            net.feedForward(true, false);
            net.backpropGradient(dy, LayerWorkspaceMgr.noWorkspaces());
        }, warmup);
        return List.of(row("conv", shape + " fwd", n, fwd), row("conv", shape + " fwd+bwd", n, both));
    }

    /** The models of jcnn bench and torch_bench.py: the seeds' SimpleConvNet and the book's DeepConvNet. */
    static MultiLayerNetwork model(String name) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.FLOAT).updater(new Adam(1e-3)).weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate).list();
        if (name.equals("simple")) {
            b.layer(conv(30, 5, 0)).layer(pool())
             .layer(new DenseLayer.Builder().nOut(100).activation(Activation.RELU).build())
             .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build());
        } else {
            b.layer(conv(16, 3, 1)).layer(conv(16, 3, 1)).layer(pool())
             .layer(conv(32, 3, 1)).layer(conv(32, 3, 2)).layer(pool())
             .layer(conv(64, 3, 1)).layer(conv(64, 3, 1)).layer(pool())
             .layer(new DenseLayer.Builder().nOut(50).activation(Activation.RELU).build())
             .layer(new DropoutLayer.Builder(0.5).build())
             .layer(new DenseLayer.Builder().nOut(10).activation(Activation.IDENTITY).build())
             .layer(new DropoutLayer.Builder(0.5).build())
             .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build());
        }
        MultiLayerConfiguration conf = b.setInputType(InputType.convolutional(28, 28, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static ConvolutionLayer conv(int out, int k, int pad) {
        return new ConvolutionLayer.Builder(k, k).stride(1, 1).padding(pad, pad).nOut(out).activation(Activation.RELU).build();
    }

    static SubsamplingLayer pool() {
        return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    /** As torch_bench.py's timed(): warm up, then seven samples of at least 0.25 s; min / median / max s per call. */
    static double[] timed(Runnable op, double warmup) {
        long deadline = System.nanoTime() + (long) (warmup * 1e9), start = System.nanoTime();
        int calls = 0;
        while (System.nanoTime() < deadline || calls < 2) {
            op.run();
            calls++;
        }
        double perCall = (System.nanoTime() - start) / 1e9 / calls;
        int ops = Math.max(1, (int) Math.ceil(0.25 / Math.max(perCall, 1e-9)));
        double[] t = new double[7];
        for (int s = 0; s < t.length; s++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) op.run();
            t[s] = (System.nanoTime() - t0) / 1e9 / ops;
        }
        Arrays.sort(t);
        return new double[] {t[0], t[t.length / 2], t[t.length - 1]};
    }

    static String row(String group, String name, int images, double[] t) {
        System.err.printf(Locale.ROOT, "%-7s %-40s %10.1f images/s   (median %.3f ms, min %.3f, max %.3f)%n",
                group, name, images / t[1], t[1] * 1e3, t[0] * 1e3, t[2] * 1e3);
        return String.format(Locale.ROOT, "{\"group\": \"%s\", \"name\": \"%s\", \"work\": %d, \"unit\": \"images\", "
                + "\"min\": %.9g, \"median\": %.9g, \"max\": %.9g}", group, name, images, t[0], t[1], t[2]);
    }
}
