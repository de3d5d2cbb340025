package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jcnn.kernel.BatchNormKernel;
import jcnn.kernel.Parallel;
import jcnn.loss.SoftmaxCrossEntropy;
import jcnn.tensor.Tensor;
import jcnn.testing.Fixtures;
import jcnn.testing.GradCheck;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class BatchNormTest {

    // ---------------------------------------------------------------------------------------------------
    // Gradients by finite differences (training mode: through the batch statistics)
    // ---------------------------------------------------------------------------------------------------

    /** Random γ and β, so that the checks do not pass by γ = 1, β = 0 hiding a missing factor. */
    private static <T extends BatchNormNd<T>> T randomAffine(T bn, long seed) {
        if (bn.isAffine()) {
            Tensor g = Tensors.random(seed, bn.numFeatures());
            for (int i = 0; i < g.numel(); i++) bn.weight().value().data()[i] = 1f + 0.5f * g.data()[i];
            bn.bias().value().copyFrom(Tensors.random(seed + 1, bn.numFeatures()));
        }
        return bn;
    }

    /** An input with a per-element offset and scale, so the batch statistics are far from 0 and 1. */
    private static Tensor input(long seed, int... shape) {
        Tensor x = Tensors.random(seed, shape);
        for (int i = 0; i < x.numel(); i++) x.data()[i] = 2f * x.data()[i] + 0.7f;
        return x;
    }

    @ParameterizedTest(name = "BatchNorm2d {0}x{1}x{2}x{3} affine={4}")
    @CsvSource({"2,3,4,5,true", "2,1,2,2,true", "3,4,3,3,true", "4,2,1,3,false", "1,3,2,3,true", "2,2,5,1,false"})
    void batchNorm2dGradients(int n, int c, int h, int w, boolean affine) {
        BatchNorm2d bn = randomAffine(new BatchNorm2d(c).affine(affine), n + c);
        GradCheck.check(bn, input(n * h + w, n, c, h, w), 1e-2, 2e-3);
    }

    @ParameterizedTest(name = "BatchNorm1d {0}x{1} eps={2}")
    @CsvSource({"5,3,1e-5", "16,4,1e-5", "3,7,1e-3", "2,3,0.5"})
    void batchNorm1dGradientsForVectors(int n, int c, double eps) {
        // with N = 2 each channel is ±x̂ and dL/dx vanishes as ε → 0; a large ε makes it measurable
        BatchNorm1d bn = randomAffine(new BatchNorm1d(c).eps(eps), n * c);
        GradCheck.check(bn, input(n + c, n, c), 1e-2, 2e-3);
    }

    @ParameterizedTest(name = "BatchNorm1d {0}x{1}x{2} affine={3}")
    @CsvSource({"2,3,4,true", "3,2,5,true", "2,1,2,true", "4,5,1,false", "1,3,6,true"})
    void batchNorm1dGradientsForSequences(int n, int c, int l, boolean affine) {
        BatchNorm1d bn = randomAffine(new BatchNorm1d(c).affine(affine), l);
        GradCheck.check(bn, input(n * l + c, n, c, l), 1e-2, 2e-3);
    }

    @Test
    void gradientWithoutRunningStatsAndNonDefaultEps() {
        BatchNorm2d bn = randomAffine(new BatchNorm2d(3).trackRunningStats(false).eps(0.1).momentum(0.7), 5);
        GradCheck.check(bn, input(6, 2, 3, 3, 2), 1e-2, 2e-3);
    }

    /** The compact kernel against the paper's step-by-step chain rule, on awkward sizes and thread counts. */
    @ParameterizedTest(name = "(N, C, S) = ({0}, {1}, {2}) threads={3}")
    @CsvSource({"3,7,5,1", "3,7,5,3", "1,3,13,2", "5,1,1,2", "2,33,1,4", "7,5,17,3", "2,2,2,5"})
    void kernelMatchesTheTextbookForm(int n, int c, int s, int threads) {
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            double eps = 1e-5;
            float[] x = input(n + c + s, n, c, s).data();
            float[] dy = Tensors.random(9, n, c, s).data();
            float[] gamma = Tensors.random(3, c).data(), beta = Tensors.random(4, c).data();
            float[] yRef = new float[x.length], dxRef = new float[x.length];
            float[] dgRef = new float[c], dbRef = new float[c];
            double[] meanRef = new double[c], varRef = new double[c];
            BatchNormKernel.referenceForward(x, yRef, n, c, s, eps, gamma, beta, meanRef, varRef);
            BatchNormKernel.referenceBackward(x, dy, dxRef, n, c, s, eps, gamma, dgRef, dbRef);

            double[] mean = new double[c], var = new double[c], invStd = new double[c], scale = new double[c], shift = new double[c];
            BatchNormKernel.statistics(x, n, c, s, mean, var);
            for (int ch = 0; ch < c; ch++) {
                invStd[ch] = 1 / Math.sqrt(var[ch] + eps);
                scale[ch] = gamma[ch] * invStd[ch];
                shift[ch] = beta[ch];
            }
            float[] y = new float[x.length], dx = new float[x.length], dg = new float[c], db = new float[c];
            BatchNormKernel.normalize(x, y, n, c, s, mean, scale, shift);
            BatchNormKernel.backward(x, dy, dx, n, c, s, mean, invStd, gamma, dg, db);
            for (int ch = 0; ch < c; ch++) {
                assertEquals(meanRef[ch], mean[ch], 1e-12 * (1 + Math.abs(meanRef[ch])), "mean");
                assertEquals(varRef[ch], var[ch], 1e-12 * (1 + varRef[ch]), "variance");
            }
            Tensors.assertClose(yRef, y, 1e-5, 1e-6, "y");
            double gScale = Tensors.maxAbs(dxRef);
            Tensors.assertClose(dxRef, dx, 1e-4, 1e-5 * gScale, "dx");
            Tensors.assertClose(dgRef, dg, 1e-5, 1e-6, "dgamma");
            Tensors.assertClose(dbRef, db, 1e-5, 1e-6, "dbeta");
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void varianceSurvivesALargeOffset() {
        // mean 1e4, std 1e-2: the one-pass E[x²] - E[x]² in float would return noise (or a negative number)
        int n = 1000;
        float[] x = new float[n];
        double exact = 0, mu = 0;
        for (int i = 0; i < n; i++) x[i] = 10000f + ((i % 7) - 3) * 0.01f;
        for (float v : x) mu += v;
        mu /= n;
        for (float v : x) exact += (v - mu) * (v - mu);
        exact /= n;
        double[] mean = new double[1], var = new double[1];
        BatchNormKernel.statistics(x, n, 1, 1, mean, var);
        assertEquals(mu, mean[0], 1e-9);
        assertEquals(exact, var[0], exact * 1e-9);
        Tensor y = new BatchNorm1d(1).eps(0).forward(Tensor.wrap(x, n, 1), true);
        double m2 = 0;
        for (float v : y.data()) m2 += v * v;
        assertEquals(1.0, m2 / n, 1e-5, "the normalised output has unit variance");
    }

    // ---------------------------------------------------------------------------------------------------
    // PyTorch fixtures
    // ---------------------------------------------------------------------------------------------------

    static Stream<Fixtures.Case> bnCases() {
        return Fixtures.load("norm").stream().filter(c -> c.name().startsWith("bn_"));
    }

    private static void close(Tensor expected, Tensor actual, String what) {
        Tensors.assertClose(expected, actual, 1e-4, 1e-5 * Tensors.maxAbs(expected.data()), what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bnCases")
    void matchesPyTorch(Fixtures.Case fx) {
        int c = fx.getInt("num_features");
        BatchNormNd<?> bn = fx.get("kind").equals("BatchNorm2d") ? new BatchNorm2d(c) : new BatchNorm1d(c);
        bn.eps(fx.getDouble("eps"));
        if (fx.get("momentum").equals("None")) bn.cumulativeAverage(true);
        else bn.momentum(fx.getDouble("momentum"));
        bn.affine(Boolean.parseBoolean(fx.get("affine"))).trackRunningStats(Boolean.parseBoolean(fx.get("track")));
        if (bn.isAffine()) {
            bn.weight().value().copyFrom(fx.tensor("weight"));
            bn.bias().value().copyFrom(fx.tensor("bias"));
        }
        assertArrayEquals(fx.getInts("shape"), fx.tensor("x0").shape());

        close(fx.tensor("y0"), bn.forward(fx.tensor("x0"), true), fx + " training output");
        close(fx.tensor("dx0"), bn.backward(fx.tensor("g0")), fx + " input gradient");
        if (bn.isAffine()) {
            close(fx.tensor("dweight"), bn.weight().grad(), fx + " weight gradient");
            close(fx.tensor("dbias"), bn.bias().grad(), fx + " bias gradient");
        }
        bn.forward(fx.tensor("x1"), true);
        bn.forward(fx.tensor("x2"), true);
        if (bn.isTrackingRunningStats()) {
            close(fx.tensor("running_mean"), bn.buffers().get("running_mean"), fx + " running_mean");
            close(fx.tensor("running_var"), bn.buffers().get("running_var"), fx + " running_var");
            assertArrayEquals(fx.tensor("num_batches_tracked").data(), bn.buffers().get("num_batches_tracked").data());
        } else {
            assertTrue(bn.buffers().isEmpty());
        }
        close(fx.tensor("ye"), bn.forward(fx.tensor("xe"), false), fx + " evaluation output");
    }

    @Test
    void fixturesCoverTheOptions() {
        List<String> names = bnCases().map(Fixtures.Case::name).toList();
        assertTrue(names.size() >= 8, names.toString());
        assertTrue(bnCases().anyMatch(f -> f.get("affine").equals("False")));
        assertTrue(bnCases().anyMatch(f -> f.get("track").equals("False")));
        assertTrue(bnCases().anyMatch(f -> f.get("momentum").equals("None")));
        assertTrue(bnCases().anyMatch(f -> f.getInts("shape").length == 3));
    }

    // ---------------------------------------------------------------------------------------------------
    // Behaviour
    // ---------------------------------------------------------------------------------------------------

    @Test
    void handComputedTrainingStepAndRunningStatistics() {
        // one channel, batch {1, 2, 3, 6}: μ = 3, σ² = 3.5 (biased), unbiased 14/3
        BatchNorm1d bn = new BatchNorm1d(1).eps(0);
        Tensor y = bn.forward(Tensor.of(new float[] {1, 2, 3, 6}, 4, 1), true);
        double sd = Math.sqrt(3.5);
        assertArrayEquals(new float[] {(float) (-2 / sd), (float) (-1 / sd), 0f, (float) (3 / sd)}, y.data(), 1e-6f);
        assertEquals(0.3f, bn.runningMean().data()[0], 1e-7f);               // 0.9·0 + 0.1·3
        assertEquals(0.9f + 0.1f * 14f / 3f, bn.runningVar().data()[0], 1e-6f); // 0.9·1 + 0.1·14/3
        assertEquals(1f, bn.numBatchesTracked().data()[0]);
        // evaluation uses the running statistics and does not change them
        Tensor e = bn.forward(Tensor.of(new float[] {0.3f, 1.3f}, 2, 1), false);
        float rv = bn.runningVar().data()[0];
        assertArrayEquals(new float[] {0f, (float) (1 / Math.sqrt(rv))}, e.data(), 1e-6f);
        assertEquals(1f, bn.numBatchesTracked().data()[0]);
    }

    @Test
    void evaluationDiffersFromTrainingAndConvergesToItOnAFixedBatch() {
        BatchNorm2d bn = randomAffine(new BatchNorm2d(3), 1);
        Tensor x = input(2, 4, 3, 5, 5);
        Tensor train = bn.forward(x, true).copy();
        Tensor eval = bn.forward(x, false).copy();
        assertNotEquals(train.data()[0], eval.data()[0], 1e-2f, "one batch barely moves the running statistics");
        // training output: zero mean, unit variance per channel before γ, β
        for (int ch = 0; ch < 3; ch++) {
            double s = 0, s2 = 0;
            float g = bn.weight().value().data()[ch], b = bn.bias().value().data()[ch];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 25; j++) {
                    double v = (train.get(i, ch, j / 5, j % 5) - b) / g;
                    s += v;
                    s2 += v * v;
                }
            }
            assertEquals(0, s / 100, 1e-5);
            assertEquals(1, s2 / 100, 1e-3);
        }
        // many training passes over the same batch: running stats → batch stats (var unbiased: a factor m/(m-1))
        bn.momentum(0.5);
        for (int i = 0; i < 60; i++) bn.forward(x, true);
        Tensor evalLater = bn.forward(x, false);
        Tensors.assertClose(train, evalLater, 0, 2e-2, "eval after convergence");
        assertEquals(61f, bn.numBatchesTracked().data()[0]);
    }

    @Test
    void cumulativeAverageIsThePlainMeanOfTheBatchMeans() {
        BatchNorm1d bn = new BatchNorm1d(1).cumulativeAverage(true);
        bn.forward(Tensor.of(new float[] {1, 3}, 2, 1), true);
        bn.forward(Tensor.of(new float[] {5, 7}, 2, 1), true);
        bn.forward(Tensor.of(new float[] {0, 0}, 2, 1), true);
        assertEquals((2 + 6 + 0) / 3f, bn.runningMean().data()[0], 1e-6f);
        assertEquals((2 + 2 + 0) / 3f, bn.runningVar().data()[0], 1e-6f); // unbiased variances 2, 2, 0
        assertEquals("BatchNorm1d(1, cumulativeAverage=true)", bn.toString());
        bn.momentum(0.1);
        assertEquals("BatchNorm1d(1)", bn.toString());
    }

    @Test
    void withoutRunningStatsEvaluationUsesTheBatch() {
        BatchNorm2d bn = new BatchNorm2d(2).trackRunningStats(false);
        Tensor x = input(3, 3, 2, 2, 2);
        Tensor train = bn.forward(x, true).copy();
        Tensor eval = bn.forward(x, false);
        assertArrayEquals(train.data(), eval.data());
        assertTrue(bn.buffers().isEmpty());
        assertEquals(0f, bn.numBatchesTracked().data()[0], "nothing is tracked");
    }

    @Test
    void parametersBuffersAndNames() {
        BatchNorm2d bn = new BatchNorm2d(4);
        assertEquals(List.of("weight", "bias"), bn.parameters().stream().map(Parameter::name).toList());
        assertTrue(bn.parameters().stream().allMatch(p -> p.kind() == Parameter.Kind.OTHER));
        assertArrayEquals(new float[] {1, 1, 1, 1}, bn.weight().value().data());
        assertArrayEquals(new float[] {0, 0, 0, 0}, bn.bias().value().data());
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"), List.copyOf(bn.buffers().keySet()));
        assertArrayEquals(new int[] {1}, bn.buffers().get("num_batches_tracked").shape());
        assertArrayEquals(new float[] {1, 1, 1, 1}, bn.buffers().get("running_var").data());
        assertEquals(8, bn.parameterCount());
        BatchNorm1d plain = new BatchNorm1d(4).affine(false);
        assertTrue(plain.parameters().isEmpty());
        assertNull(plain.weight());
        assertEquals(3, plain.buffers().size());
        assertArrayEquals(new int[] {5, 4, 9}, plain.outputShape(5, 4, 9));
    }

    @Test
    void stateDictSavesAndRestoresTheRunningStatistics() {
        Sequential a = new Sequential(new Conv2d(2, 3, 3).padding(1), new BatchNorm2d(3), new ReLU(),
                new Flatten(), new Linear(3 * 4 * 4, 5), new BatchNorm1d(5));
        Map<String, Tensor> keys = a.stateDict();
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "5.weight", "5.bias",
                "1.running_mean", "1.running_var", "1.num_batches_tracked",
                "5.running_mean", "5.running_var", "5.num_batches_tracked"), List.copyOf(keys.keySet()));
        for (int i = 0; i < 3; i++) a.forward(input(i, 4, 2, 4, 4), true);
        Tensor x = input(9, 3, 2, 4, 4);
        Tensor expected = a.predict(x).copy();

        Sequential b = new Sequential(new Conv2d(2, 3, 3).padding(1), new BatchNorm2d(3), new ReLU(),
                new Flatten(), new Linear(3 * 4 * 4, 5), new BatchNorm1d(5));
        assertNotEquals(expected.data()[0], b.predict(x).data()[0]);
        b.loadStateDict(a.stateDict());
        assertArrayEquals(expected.data(), b.predict(x).data(), "same parameters and running statistics");
        assertEquals(3f, b.stateDict().get("1.num_batches_tracked").data()[0]);
        assertArrayEquals(a.stateDict().get("5.running_var").data(), b.stateDict().get("5.running_var").data());
    }

    @Test
    void heInitialisationLeavesGammaOneAndBetaZero() {
        BatchNorm2d bn = randomAffine(new BatchNorm2d(3), 7);
        Sequential m = new Sequential(new Conv2d(1, 3, 3), bn, new ReLU());
        m.forward(input(1, 2, 1, 5, 5), true);
        assertEquals(1f, bn.numBatchesTracked().data()[0]);
        m.initialize(Init.heNormal(), 42);
        assertArrayEquals(new float[] {1, 1, 1}, bn.weight().value().data());
        assertArrayEquals(new float[] {0, 0, 0}, bn.bias().value().data());
        assertArrayEquals(new float[] {0, 0, 0}, bn.runningMean().data(), "initialize resets the running statistics");
        assertEquals(0f, bn.numBatchesTracked().data()[0]);
        assertNotEquals(0f, ((Conv2d) m.get(0)).weight().value().data()[0], "the convolution was initialised");
        m.initialize(Init.byName("xavier"), 1);
        assertArrayEquals(new float[] {1, 1, 1}, bn.weight().value().data());
    }

    @Test
    void trainingWithBatchNormLowersTheLoss() {
        Sequential m = new Sequential(new Linear(6, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, 3));
        m.initialize(Init.heNormal(), 3);
        Tensor x = input(4, 24, 6);
        int[] labels = new int[24];
        for (int i = 0; i < 24; i++) labels[i] = (x.data()[i * 6] + x.data()[i * 6 + 1] > 1.4f) ? 0 : (x.data()[i * 6 + 2] > 0.7f ? 1 : 2);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float first = loss.forward(m.forward(x, true), labels);
        float last = first;
        for (int step = 0; step < 60; step++) {
            last = loss.forward(m.forward(x, true), labels);
            m.backward(loss.backward());
            for (Parameter p : m.parameters()) {
                for (int i = 0; i < p.numel(); i++) p.value().data()[i] -= 0.1f * p.grad().data()[i];
            }
        }
        assertTrue(last < 0.5f * first, "loss " + first + " -> " + last);
    }

    @Test
    void backwardSetsRatherThanAccumulatesAndHonoursInputGradRequired() {
        BatchNorm2d bn = randomAffine(new BatchNorm2d(2), 3);
        Tensor x = input(4, 2, 2, 3, 3);
        Tensor g = Tensors.random(5, 2, 2, 3, 3);
        bn.forward(x, true);
        Tensor dx = bn.backward(g).copy();
        Tensor dw = bn.weight().grad().copy();
        bn.forward(x, true);
        assertArrayEquals(dx.data(), bn.backward(g).data());
        assertArrayEquals(dw.data(), bn.weight().grad().data());
        bn.setInputGradRequired(false);
        bn.forward(x, true);
        assertNull(bn.backward(g));
        assertArrayEquals(dw.data(), bn.weight().grad().data());
    }

    @Test
    void returnsItsOwnReusedBuffers() {
        BatchNorm2d bn = new BatchNorm2d(2);
        Tensor y1 = bn.forward(input(1, 2, 2, 3, 3), true);
        Tensor dx1 = bn.backward(Tensors.random(2, 2, 2, 3, 3));
        Tensor y2 = bn.forward(input(3, 2, 2, 3, 3), true);
        Tensor dx2 = bn.backward(Tensors.random(4, 2, 2, 3, 3));
        assertSame(y1, y2);
        assertSame(dx1, dx2);
    }

    // ---------------------------------------------------------------------------------------------------
    // Errors and text
    // ---------------------------------------------------------------------------------------------------

    @Test
    void errorsNameTheLayerAndTheShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 3, 4), true));
        assertEquals("BatchNorm2d(3): expected a 4-D input (N, C, H, W), got shape (2, 3, 4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(2, 4, 5, 5), false));
        assertEquals("BatchNorm2d(3): expected input (N, C, H, W) with channels C = 3, got shape (2, 4, 5, 5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(8).forward(Tensor.zeros(2, 8, 3, 3), true));
        assertEquals("BatchNorm1d(8): expected a 2-D input (N, C) or a 3-D input (N, C, L), got shape (2, 8, 3, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(8).forward(Tensor.zeros(2, 7), true));
        assertEquals("BatchNorm1d(8): expected input (N, C) with channels C = 8, got shape (2, 7)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(8).outputShape(2, 7, 5));
        assertEquals("BatchNorm1d(8): expected input (N, C, L) with channels C = 8, got shape (2, 7, 5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm1d(3).forward(Tensor.zeros(1, 3), true));
        assertEquals("BatchNorm1d(3): Expected more than 1 value per channel when training, got input shape (1, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(3).forward(Tensor.zeros(1, 3, 1, 1), true));
        assertEquals("BatchNorm2d(3): Expected more than 1 value per channel when training, got input shape (1, 3, 1, 1)", e.getMessage());
        // a single sample is fine in evaluation, and in training when it has several positions
        assertEquals(3, new BatchNorm1d(3).forward(Tensor.zeros(1, 3), false).numel());
        assertEquals(6, new BatchNorm1d(3).forward(Tensor.zeros(1, 3, 2), true).numel());

        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(0));
        assertEquals("BatchNorm2d(0): numFeatures must be >= 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4).momentum(1.5));
        assertEquals("BatchNorm2d(4): momentum must be in [0, 1], got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(4).eps(-1));
        assertEquals("BatchNorm2d(4): eps must be a finite number >= 0, got -1.0", e.getMessage());

        BatchNorm2d bn = new BatchNorm2d(2);
        var s = assertThrows(IllegalStateException.class, () -> bn.backward(Tensor.zeros(2, 2, 2, 2)));
        assertEquals("BatchNorm2d(2): backward called before a training forward", s.getMessage());
        bn.forward(Tensor.zeros(2, 2, 2, 2), false);
        s = assertThrows(IllegalStateException.class, () -> bn.backward(Tensor.zeros(2, 2, 2, 2)));
        assertEquals("BatchNorm2d(2): backward needs a forward with training=true", s.getMessage());
        bn.forward(Tensor.zeros(2, 2, 2, 2), true);
        e = assertThrows(IllegalArgumentException.class, () -> bn.backward(Tensor.zeros(2, 2, 2, 3)));
        assertEquals("BatchNorm2d(2): gradOutput has shape (2, 2, 2, 3) but the forward output had shape (2, 2, 2, 2)", e.getMessage());
    }

    @Test
    void errorsInsideASequentialNameThePosition() {
        Sequential m = new Sequential(new Linear(4, 3), new BatchNorm1d(4));
        var e = assertThrows(IllegalArgumentException.class, () -> m.build(2, 4));
        assertEquals("layer 1 ('1') cannot take input (2, 3): BatchNorm1d(4): expected input (N, C) with channels C = 4, got shape (2, 3)",
                e.getMessage());
    }

    @Test
    void toStringShowsTheNonDefaultOptions() {
        assertEquals("BatchNorm2d(64)", new BatchNorm2d(64).toString());
        assertEquals("BatchNorm1d(10, eps=0.001, momentum=0.01, affine=false, trackRunningStats=false)",
                new BatchNorm1d(10).eps(1e-3).momentum(0.01).affine(false).trackRunningStats(false).toString());
    }
}
