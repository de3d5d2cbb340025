package jcnn.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import jcnn.loss.SoftmaxCrossEntropy;
import jcnn.nn.Init;
import jcnn.nn.Layer;
import jcnn.nn.Models;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.optim.Adam;
import jcnn.optim.Optimizer;
import jcnn.tensor.Tensor;

/**
 * Where a training step's time goes: each layer's forward and backward and the optimizer step of a built-in
 * model on a batch of 100 1×28×28 images, the minimum over many steps (layers run one by one, without the
 * model's fusion, so that each gets its own time).
 */
public final class LayerProfile {
    private LayerProfile() {}

    public static String run(String modelName, int steps) {
        Sequential m = Models.byName(modelName, new int[] {1, 28, 28}, 10, c -> new ReLU()).initialize(Init.heNormal(), 1);
        Tensor x = Tensor.uniform(new SplittableRandom(1), 0, 1, 100, 1, 28, 28);
        int[] y = new SplittableRandom(2).ints(100, 0, 10).toArray();
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Optimizer opt = new Adam(m.parameters(), 1e-3);
        int n = m.size();
        double[] fwd = new double[n], bwd = new double[n];
        Arrays.fill(fwd, Double.MAX_VALUE);
        Arrays.fill(bwd, Double.MAX_VALUE);
        double lossTime = Double.MAX_VALUE, stepTime = Double.MAX_VALUE;
        // enough steps for the JIT to compile every layer's paths: with 8, the last Linear's forward (100x10x100, a few
        // microseconds) was still interpreted and took 0.45 ms
        int warmup = Math.max(60, steps);
        for (int s = 0; s < steps + warmup; s++) {
            boolean record = s >= warmup;
            Tensor h = x;
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                h = m.get(i).forward(h, true);
                if (record) fwd[i] = Math.min(fwd[i], (System.nanoTime() - t) / 1e6);
            }
            long t0 = System.nanoTime();
            float l = loss.forward(h, y);
            Tensor g = loss.backward();
            if (record) lossTime = Math.min(lossTime, (System.nanoTime() - t0) / 1e6);
            for (int i = n - 1; i >= 0; i--) {
                long t = System.nanoTime();
                g = m.get(i).backward(g);
                if (record) bwd[i] = Math.min(bwd[i], (System.nanoTime() - t) / 1e6);
            }
            long t1 = System.nanoTime();
            opt.step(l, null);
            if (record) stepTime = Math.min(stepTime, (System.nanoTime() - t1) / 1e6);
        }
        StringBuilder sb = new StringBuilder();
        double total = lossTime + stepTime;
        for (int i = 0; i < n; i++) total += fwd[i] + bwd[i];
        sb.append(String.format(Locale.ROOT, "%-45s %10s %10s %7s%n", modelName + ", batch 100", "forward", "backward", "share"));
        for (int i = 0; i < n; i++) {
            Layer l = m.get(i);
            sb.append(String.format(Locale.ROOT, "%-45s %7.3f ms %7.3f ms %6.1f%%%n", l, fwd[i], bwd[i], 100 * (fwd[i] + bwd[i]) / total));
        }
        sb.append(String.format(Locale.ROOT, "%-45s %7.3f ms %10s %6.1f%%%n", "loss (softmax cross-entropy)", lossTime, "", 100 * lossTime / total));
        sb.append(String.format(Locale.ROOT, "%-45s %7.3f ms %10s %6.1f%%%n", "optimizer step (Adam)", stepTime, "", 100 * stepTime / total));
        sb.append(String.format(Locale.ROOT, "sum of minima %.2f ms per step = %.0f images/s%n", total, 100 / (total / 1000)));
        return sb.toString();
    }
}
