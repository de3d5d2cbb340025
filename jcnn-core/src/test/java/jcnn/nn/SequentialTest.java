package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jcnn.loss.SoftmaxCrossEntropy;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;

class SequentialTest {

    static Sequential simpleConvNet() {
        return new Sequential(
                new Conv2d(1, 30, 5), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(30 * 12 * 12, 100), new ReLU(), new Linear(100, 10));
    }

    @Test
    void infersShapesAndSummarises() {
        Sequential m = simpleConvNet().build(100, 1, 28, 28);
        List<int[]> shapes = m.outputShapes(100, 1, 28, 28);
        assertArrayEquals(new int[] {100, 30, 24, 24}, shapes.get(0));
        assertArrayEquals(new int[] {100, 30, 12, 12}, shapes.get(2));
        assertArrayEquals(new int[] {100, 4320}, shapes.get(3));
        assertArrayEquals(new int[] {100, 10}, m.outputShape(100, 1, 28, 28));
        assertEquals(780 + 432_100 + 1_010, m.parameterCount());
        String s = m.summary();
        assertTrue(s.contains("Conv2d(1, 30, kernelSize=5)"), s);
        assertTrue(s.contains("(100, 30, 12, 12)"), s);
        assertTrue(s.contains("Total parameters: 433,890"), s);
    }

    @Test
    void rejectsAnImpossibleChainNamingTheLayer() {
        Sequential m = new Sequential(new Conv2d(1, 8, 3), new Flatten(), new Linear(100, 10));
        var e = assertThrows(IllegalArgumentException.class, () -> m.build(4, 1, 28, 28));
        assertEquals("layer 2 ('2') cannot take input (4, 5408): Linear(inFeatures=100, outFeatures=10): expected 100 "
                + "features per sample, got shape (4, 5408) (5408 features)", e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(2, 3, 28, 28), false));
        assertTrue(f.getMessage().startsWith("layer 0 ('0'): Conv2d(1, 8, kernelSize=3): expected input"), f.getMessage());
    }

    /** A convolution, ReLU and pooling run as one fused pass still blame the layer whose shape check fails. */
    @Test
    void aFusedPoolingNamesItselfInShapeErrors() {
        Sequential m = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new MaxPool2d(2));
        var e = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 1, 3, 3), false));
        assertTrue(e.getMessage().startsWith("layer 2 ('2'): MaxPool2d("), e.getMessage());
        var f = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.zeros(1, 2, 8, 8), true));
        assertTrue(f.getMessage().startsWith("layer 0 ('0'): Conv2d(1, 2, kernelSize=3): expected input"), f.getMessage());
    }

    @Test
    void editsByIndexAndName() {
        Sequential m = new Sequential();
        m.add("conv", new Conv2d(1, 4, 3)).add(new ReLU()).add("fc", new Linear(4, 2));
        assertEquals(List.of("conv", "1", "fc"), List.of(m.nameOf(0), m.nameOf(1), m.nameOf(2)));
        m.insert(2, "pool", new AdaptiveAvgPool2d(1));
        m.insert(3, new Flatten());
        assertEquals(5, m.size());
        assertEquals("3", m.nameOf(3));
        assertArrayEquals(new int[] {2, 2}, m.outputShape(2, 1, 6, 6));
        Layer old = m.replace("1", new Conv2d(4, 4, 1));
        assertTrue(old instanceof ReLU);
        assertSame(m.get(4), m.get("fc"));
        m.remove("pool");
        assertEquals(4, m.size());
        assertEquals("2", m.nameOf(2), "unnamed layers are named by their new index");
        assertTrue(m.get("2") instanceof Flatten);
        var e = assertThrows(IllegalArgumentException.class, () -> m.get("nope"));
        assertTrue(e.getMessage().contains("no layer named 'nope'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.add("conv", new ReLU()));
    }

    @Test
    void parameterNamesMatchPyTorch() {
        Map<String, Parameter> p = simpleConvNet().namedParameters();
        assertEquals(List.of("0.weight", "0.bias", "4.weight", "4.bias", "6.weight", "6.bias"), List.copyOf(p.keySet()));
        assertArrayEquals(new int[] {100, 4320}, p.get("4.weight").shape());
    }

    @Test
    void sameSeedSameModelBitForBit() {
        Sequential a = simpleConvNet().initialize(Init.heNormal(), 42);
        Sequential b = simpleConvNet().initialize(Init.heNormal(), 42);
        Sequential c = simpleConvNet().initialize(Init.heNormal(), 43);
        a.stateDict().forEach((k, t) -> assertArrayEquals(t.data(), b.stateDict().get(k).data(), k));
        assertNotEquals(a.stateDict().get("0.weight").data()[0], c.stateDict().get("0.weight").data()[0]);
        assertEquals(0f, a.stateDict().get("0.bias").data()[0], "He init zeroes biases");
    }

    @Test
    void loadStateDictChecksEverythingFirst() {
        Sequential a = simpleConvNet(), b = simpleConvNet();
        b.loadStateDict(a.stateDict());
        assertArrayEquals(a.stateDict().get("4.weight").data(), b.stateDict().get("4.weight").data());
        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(a.stateDict());
        bad.put("6.weight", Tensor.zeros(10, 99));
        float before = b.stateDict().get("0.weight").data()[0];
        var e = assertThrows(IllegalArgumentException.class, () -> simpleConvNet().loadStateDict(bad));
        assertEquals("loadStateDict: shape mismatch in '6.weight': expected (10, 100), found (10, 99)", e.getMessage());
        assertEquals(before, b.stateDict().get("0.weight").data()[0]);
    }

    /**
     * The whole network's gradient, through the loss, checked by finite differences. The network is smooth
     * (average pooling, no ReLU) so that no finite-difference step crosses a kink; the kinked layers have their
     * own checks with inputs chosen away from their kinks. Weights come from a fixed seed, so the test does not
     * depend on which tests ran before it.
     */
    @Test
    void endToEndGradientThroughSoftmaxCrossEntropy() {
        Sequential m = new Sequential(new Conv2d(2, 3, 3).padding(1), new AvgPool2d(2), new Conv2d(3, 4, 2).stride(2),
                new Flatten(), new Linear(4 * 2 * 2, 4)).initialize(Init.heNormal(), 11);
        m.setInputGradRequired(true);
        Tensor x = Tensors.random(5, 3, 2, 8, 8);
        int[] labels = {1, 3, 0};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        loss.forward(m.forward(x, true), labels);
        Tensor dx = m.backward(loss.backward()).copy();
        List<Tensor> grads = m.parameters().stream().map(p -> p.grad().copy()).toList();
        int i = 0;
        for (Parameter p : m.parameters()) {
            GradCheck.compare(p.toString(), p.value(), grads.get(i++), v -> (double) loss.forward(m.forward(x, true), labels), 1e-2, 5e-3);
        }
        GradCheck.compare("input", x, dx, v -> (double) loss.forward(m.forward(x, true), labels), 1e-2, 5e-3);
    }

    /** Four lines a step; plain gradient descent on a fixed batch must drive the loss down. */
    @Test
    void aTrainingStepLowersTheLoss() {
        Sequential m = simpleConvNet().initialize(Init.heNormal(), 1);
        Tensor x = Tensors.random(2, 8, 1, 28, 28);
        int[] y = {0, 1, 2, 3, 4, 5, 6, 7};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float first = Float.NaN, last = Float.NaN;
        for (int step = 0; step < 20; step++) {
            last = loss.forward(m.forward(x, true), y);
            m.backward(loss.backward());
            for (Parameter p : m.parameters()) {
                float[] w = p.value().data(), g = p.grad().data();
                for (int i = 0; i < w.length; i++) w[i] -= 0.05f * g[i];
            }
            if (step == 0) first = last;
        }
        assertTrue(last < first * 0.5f, "loss " + first + " -> " + last);
    }

    @Test
    void firstLayerSkipsItsInputGradientUnlessAsked() {
        Sequential m = simpleConvNet();
        assertEquals(false, m.get(0).isInputGradRequired());
        assertEquals(true, m.get(1).isInputGradRequired());
        m.setInputGradRequired(true);
        assertEquals(true, m.get(0).isInputGradRequired());
    }

    /**
     * Fused ReLUs (into the convolution's output, into the pooling's backward) change no bit of anything; with and
     * without the input gradient (without it, SimpleConvNet's pooling backward writes straight into its weight
     * gradient's padded buffer).
     */
    @Test
    void fusionIsBitForBitTheSameAsSeparateLayers() {
        for (boolean inputGrad : new boolean[] {true, false})
        for (int batch : new int[] {6, 16})  // 16: DeepConvNet's convolutions by F(4x4, 3x3), its poolings inside them
        for (String name : List.of("simple", "deep", "lenet5")) {
            Sequential fused = Models.byName(name, new int[] {1, 28, 28}, 10, c -> new ReLU()).initialize(Init.heNormal(), 3);
            Sequential plain = Models.byName(name, new int[] {1, 28, 28}, 10, c -> new ReLU()).initialize(Init.heNormal(), 3).fusion(false);
            fused.setInputGradRequired(inputGrad);
            plain.setInputGradRequired(inputGrad);
            Tensor x = Tensors.random(8, batch, 1, 28, 28);
            Tensor g = Tensors.random(9, batch, 10);
            for (Sequential m : List.of(fused, plain)) {
                for (Layer l : m) if (l instanceof Dropout d) d.seed(5);
            }
            Tensor yf = fused.forward(x, true).copy(), yp = plain.forward(x, true).copy();
            assertArrayEquals(yp.data(), yf.data(), name + " forward");
            Tensor dxf = fused.backward(g), dxp = plain.backward(g);
            if (inputGrad) assertArrayEquals(dxp.data(), dxf.data(), name + " input gradient");
            else assertEquals(null, dxf, name + ": no input gradient");
            for (int i = 0; i < fused.parameters().size(); i++) {
                assertArrayEquals(plain.parameters().get(i).grad().data(), fused.parameters().get(i).grad().data(), name + " gradient " + i);
            }
            assertArrayEquals(plain.predict(x).data(), fused.predict(x).data(), name + " evaluation");
        }
    }

    /**
     * Evaluation chains (convolutions handing their outputs on in their own layout, poolings in their output transform)
     * change no bit of a prediction: DeepConvNet, and a stack with a convolution without ReLU, a pooling that is not
     * plain 2×2 and one that keeps its indices, at batches that fill 8-image groups or not, at one and two threads.
     */
    @Test
    void evaluationChainsAreBitForBitTheSameAsSeparateLayers() {
        int before = jcnn.kernel.Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                jcnn.kernel.Parallel.setThreads(threads);
                for (int variant = 0; variant < 2; variant++) {
                    Sequential[] pair = new Sequential[2];
                    for (int k = 0; k < 2; k++) {
                        Sequential m = variant == 0
                                ? Models.byName("deep", new int[] {1, 28, 28}, 10, c -> new ReLU())
                                : new Sequential(new Conv2d(3, 16, 3).padding(1), new ReLU(), new Conv2d(16, 16, 3).padding(1),
                                        new Conv2d(16, 16, 3).padding(1), new ReLU(), new MaxPool2d(2),
                                        new Conv2d(16, 32, 3).padding(2), new ReLU(), new MaxPool2d(2).returnIndices(true),
                                        new Conv2d(32, 16, 3).padding(1), new ReLU(), new MaxPool2d(3), new Flatten(),
                                        new Linear(16, 4));
                        m.initialize(Init.heNormal(), 7);
                        pair[k] = k == 0 ? m : m.fusion(false);
                    }
                    for (int batch : new int[] {29, 100, 12, 5}) {
                        Tensor x = variant == 0 ? Tensors.random(batch, batch, 1, 28, 28) : Tensors.random(batch, batch, 3, 16, 16);
                        float[] plain = pair[1].predict(x).data().clone();
                        float[] fused = pair[0].predict(x).data().clone();
                        assertArrayEquals(plain, fused, "variant " + variant + ", batch " + batch + ", " + threads + " threads");
                        // and again, the chain's buffers reused
                        assertArrayEquals(plain, pair[0].predict(x).data(), "second call, variant " + variant + ", batch " + batch);
                    }
                }
            }
        } finally {
            jcnn.kernel.Parallel.setThreads(before);
        }
    }

    /** A backward after an evaluation forward through a chain fails as after one through separate layers. */
    @Test
    void backwardAfterAnEvaluationChainFails() {
        Sequential m = new Sequential(new Conv2d(16, 16, 3).padding(1), new ReLU(), new Conv2d(16, 16, 3).padding(1),
                new ReLU(), new MaxPool2d(2)).initialize(Init.heNormal(), 2);
        Tensor x = Tensors.random(3, 32, 16, 12, 12);
        m.forward(x, true);
        m.backward(Tensors.random(4, 32, 16, 6, 6));
        m.forward(x, false);
        assertThrows(IllegalStateException.class, () -> m.backward(Tensors.random(4, 32, 16, 6, 6)));
    }

    /** The same for 1-D layers (MaxPool1d is a MaxPool2d on height 1), with and without a ReLU before the pooling. */
    @Test
    void oneDimensionalFusionIsBitForBitTheSame() {
        for (boolean relu : List.of(true, false)) {
            Sequential[] pair = new Sequential[2];
            for (int k = 0; k < 2; k++) {
                Sequential m = new Sequential(new Conv1d(2, 4, 3), new ReLU(), new Conv1d(4, 5, 3));
                if (relu) m.add(new ReLU());
                m.add(new MaxPool1d(2)).add(new Flatten()).add(new Linear(5 * 7, 3));
                m.initialize(Init.heNormal(), 11).setInputGradRequired(true);
                pair[k] = k == 0 ? m : m.fusion(false);
            }
            Tensor x = Tensors.random(3, 5, 2, 18), g = Tensors.random(4, 5, 3);
            assertArrayEquals(pair[1].forward(x, true).data(), pair[0].forward(x, true).data(), "forward, relu " + relu);
            assertArrayEquals(pair[1].backward(g).data(), pair[0].backward(g).data(), "input gradient, relu " + relu);
            for (int i = 0; i < pair[0].parameters().size(); i++) {
                assertArrayEquals(pair[1].parameters().get(i).grad().data(), pair[0].parameters().get(i).grad().data(),
                        "gradient " + i + ", relu " + relu);
            }
        }
    }

    @Test
    void printsLikePyTorch() {
        assertEquals("Sequential(\n  (0): Conv2d(1, 2, kernelSize=3)\n  (act): ReLU()\n)",
                new Sequential(new Conv2d(1, 2, 3)).add("act", new ReLU()).toString());
    }
}
