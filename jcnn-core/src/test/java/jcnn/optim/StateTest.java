package jcnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import jcnn.io.Npy;
import jcnn.io.Npz;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * state() / loadState(): a run interrupted after k steps and resumed in a fresh optimizer (fresh parameters
 * holding the saved weights) ends bit for bit where the uninterrupted run ends; bad states are refused whole.
 */
class StateTest {
    static final int TOTAL = 12;

    record Setup(String label, Function<List<Parameter>, Optimizer> make) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Every catalogue entry with its defaults, plus variants whose state has other slots or options. */
    static Stream<Setup> setups() {
        List<Setup> out = new ArrayList<>();
        for (String name : Optimizers.names()) out.add(new Setup(name, ps -> Optimizers.byName(name, ps, 0.01)));
        out.add(new Setup("SGD nesterov dampening 0", ps -> new SGD(ps, 0.01).momentum(0.8).nesterov(true).weightDecay(1e-3)));
        out.add(new Setup("SGD dampening", ps -> new SGD(ps, 0.01).momentum(0.9).dampening(0.3)));
        out.add(new Setup("RMSprop centered momentum", ps -> new RMSprop(ps, 0.01).centered(true).momentum(0.9)));
        out.add(new Setup("AdaGrad accumulator", ps -> new Adagrad(ps, 0.1).initialAccumulatorValue(0.5).lrDecay(0.01)));
        out.add(new Setup("Adam clipped", ps -> new Adam(ps, 0.01).amsgrad(true).clipGradNorm(1).clipGradValue(0.5)));
        out.add(new Setup("Santa-E exploring", ps -> new SantaE(ps, 1e-3).burnin(8).seed(5)));
        out.add(new Setup("Santa-SSS exploring", ps -> new SantaSSS(ps, 1e-3).burnin(8).seed(5)));
        out.add(new Setup("SAM over Eve", ps -> new SAM(new Eve(ps, 0.01)).rho(0.1)));
        out.add(new Setup("SAM over AdamW", ps -> new SAM(new AdamW(ps, 0.01).weightDecay(0.1))));
        return out.stream();
    }

    static List<Parameter> params(List<Parameter> from) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : from) out.add(new Parameter(p.name(), p.kind(), p.value().copy(), p.fanIn(), p.fanOut()));
        return out;
    }

    static List<Parameter> initial() {
        return List.of(
                new Parameter("weight", Parameter.Kind.WEIGHT, jcnn.testing.Tensors.random(3, 2, 3), 3, 2),
                new Parameter("bias", Parameter.Kind.BIAS, jcnn.testing.Tensors.random(4, 3), 3, 2));
    }

    /** f = Σ a_i w_i²/2 + sin(t + i)·w_i + 1 (positive, for Eve): gradients that change with w and the step. */
    static double evaluate(List<Parameter> ps, long t) {
        double f = 1;
        int k = 0;
        for (Parameter p : ps) {
            float[] w = p.value().data(), g = p.grad().data();
            for (int j = 0; j < w.length; j++, k++) {
                double a = 1 + k, b = Math.sin(t + k);
                f += 0.5 * a * w[j] * w[j] + b * w[j] + 2 * Math.abs(b);
                g[j] = (float) (a * w[j] + b);
            }
        }
        return f;
    }

    static void run(Optimizer opt, List<Parameter> ps, int steps) {
        for (int i = 0; i < steps; i++) {
            long t = opt.steps();
            opt.step(evaluate(ps, t), () -> evaluate(ps, t));
        }
    }

    static Stream<Arguments> resumeCases() {
        return setups().flatMap(s -> Stream.of(Arguments.of(s, 0), Arguments.of(s, 1), Arguments.of(s, 5)));
    }

    @ParameterizedTest(name = "{0} interrupted after {1}")
    @MethodSource("resumeCases")
    void resumedRunEndsBitIdentical(Setup setup, int k) {
        List<Parameter> a = initial();
        Optimizer uninterrupted = setup.make().apply(a);
        run(uninterrupted, a, TOTAL);

        List<Parameter> b = initial();
        Optimizer first = setup.make().apply(b);
        run(first, b, k);
        Map<String, Tensor> saved = first.state();
        List<Parameter> c = params(b); // a restart: new parameters holding the saved weights
        Optimizer resumed = setup.make().apply(c);
        resumed.loadState(saved);
        assertEquals(k, resumed.steps());
        run(first, b, 1); // the saved tensors are copies: stepping on does not change them
        run(resumed, c, TOTAL - k);

        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).value().data(), c.get(i).value().data(), setup + ": parameter " + i);
        }
        assertStatesEqual(uninterrupted.state(), resumed.state(), setup.label());
        assertEquals(TOTAL, resumed.steps());
    }

    static void assertStatesEqual(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), what);
        for (String key : expected.keySet()) {
            assertArrayEquals(expected.get(key).shape(), actual.get(key).shape(), what + " " + key);
            assertArrayEquals(expected.get(key).data(), actual.get(key).data(), what + " " + key);
        }
    }

    @Test
    void stateNamesFollowTheParametersAndSlots() {
        Optimizer adam = new Adam(initial(), 1e-3).amsgrad(true);
        assertEquals(List.of("step", "0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq", "1.exp_avg", "1.exp_avg_sq",
                "1.max_exp_avg_sq"), List.copyOf(adam.state().keySet()));
        assertArrayEquals(new int[] {2, 3}, adam.state().get("0.exp_avg").shape());
        assertEquals(List.of("step", "mu_product", "0.exp_avg", "0.exp_avg_sq", "1.exp_avg", "1.exp_avg_sq"),
                List.copyOf(new NAdam(initial(), 1e-3).state().keySet()));
        assertEquals(List.of("step", "d", "f_hat", "0.exp_avg", "0.exp_avg_sq", "1.exp_avg", "1.exp_avg_sq"),
                List.copyOf(new Eve(initial(), 1e-3).state().keySet()));
        assertEquals(List.of("step"), List.copyOf(new SGD(initial(), 0.1).state().keySet()));
        assertEquals(List.of("step", "base.step", "base.0.momentum_buffer", "base.1.momentum_buffer"),
                List.copyOf(new SAM(initial(), 0.1).state().keySet()));
        // SMORMS3's memory starts at 1, AdaGrad's sum at its initial accumulator value
        assertEquals(1f, new SMORMS3(initial(), 1e-3).state().get("1.mem").data()[2]);
        assertEquals(0.25f, new Adagrad(initial(), 1e-3).initialAccumulatorValue(0.25).state().get("0.sum").data()[0]);
    }

    @Test
    void stepCountsBeyondFloatPrecisionSurvive() {
        long big = (1L << 24) * 3 + 12345;
        Tensor t = Optimizer.encodeCount(big);
        assertEquals(big, Optimizer.decodeCount(t, "step"));
        Map<String, Tensor> state = new LinkedHashMap<>(new SGD(initial(), 0.1).state());
        state.put("step", t);
        SGD sgd = new SGD(initial(), 0.1);
        sgd.loadState(state);
        assertEquals(big, sgd.steps());
        assertEquals(big, Optimizer.decodeCount(sgd.state().get("step"), "step"));
    }

    @Test
    void stateSurvivesAnNpzRoundTrip(@TempDir Path dir) throws IOException {
        List<Parameter> ps = initial();
        Optimizer opt = new Adam(ps, 0.01).amsgrad(true);
        run(opt, ps, 3);
        Path file = dir.resolve("optimizer.npz");
        Npz.write(file, opt.state());
        Map<String, Tensor> back = new LinkedHashMap<>();
        for (Map.Entry<String, Npy.Array> e : Npz.read(file).entrySet()) back.put(e.getKey(), e.getValue().toTensor());
        Optimizer fresh = new Adam(params(ps), 0.01).amsgrad(true);
        fresh.loadState(back);
        assertStatesEqual(opt.state(), fresh.state(), "npz");
        assertTrue(Files.size(file) > 0);
    }

    // ---------------------------------------------------------------------------------------------------
    // Refused states
    // ---------------------------------------------------------------------------------------------------

    /** A trained optimizer, and a valid state of another run to corrupt. */
    static Optimizer trained(Setup setup, int steps) {
        List<Parameter> ps = initial();
        Optimizer opt = setup.make().apply(ps);
        run(opt, ps, steps);
        return opt;
    }

    static void assertRefused(Optimizer opt, Map<String, Tensor> bad, String... fragments) {
        Map<String, Tensor> before = opt.state();
        long steps = opt.steps();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(bad));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), e.getMessage() + " should mention " + f);
        assertEquals(steps, opt.steps());
        assertStatesEqual(before, opt.state(), "unchanged after a refused loadState");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void badStatesAreRefusedNamingTheProblemAndChangeNothing(Setup setup) {
        Optimizer opt = trained(setup, 2);
        Map<String, Tensor> other = trained(setup, 4).state(); // valid, different values
        List<String> keys = List.copyOf(other.keySet());
        String last = keys.get(keys.size() - 1);

        Map<String, Tensor> missing = new LinkedHashMap<>(other);
        missing.remove(last);
        assertRefused(opt, missing, "missing", "'" + last + "'");

        Map<String, Tensor> extra = new LinkedHashMap<>(other);
        extra.put("7.exp_avg", Tensor.zeros(3));
        assertRefused(opt, extra, "unexpected", "'7.exp_avg'");

        Map<String, Tensor> misshaped = new LinkedHashMap<>(other);
        int[] shape = other.get(last).shape();
        misshaped.put(last, Tensor.zeros(Tensor.numel(shape) + 1));
        assertRefused(opt, misshaped, "'" + last + "'", Tensor.shapeString(shape), Tensor.shapeString(Tensor.numel(shape) + 1));

        Map<String, Tensor> badStep = new LinkedHashMap<>(other);
        badStep.put("step", Tensor.of(new float[] {0, 2.5f}, 2));
        assertRefused(opt, badStep, "'step'", "2.5");

        Map<String, Tensor> nullEntry = new LinkedHashMap<>(other);
        nullEntry.put(last, null);
        assertRefused(opt, nullEntry, "'" + last + "'", "null");

        // and the valid one is taken
        opt.loadState(other);
        assertEquals(4, opt.steps());
        assertStatesEqual(other, opt.state(), setup.label());
        assertNotEquals(0, other.size());
    }

    @Test
    void stateOfOtherSettingsIsRefused() {
        Map<String, Tensor> adam = trained(new Setup("Adam", ps -> new Adam(ps, 0.01)), 2).state();
        Optimizer ams = new Adam(initial(), 0.01).amsgrad(true);
        assertRefused(ams, adam, "missing", "'0.max_exp_avg_sq'");
        Optimizer sgd = new SGD(initial(), 0.01);
        assertRefused(sgd, adam, "unexpected", "exp_avg");
        List<Parameter> otherShapes = List.of(new Parameter("weight", Parameter.Kind.WEIGHT, Tensor.zeros(3, 2), 2, 3),
                new Parameter("bias", Parameter.Kind.BIAS, Tensor.zeros(3), 2, 3));
        assertRefused(new Adam(otherShapes, 0.01), adam, "'0.exp_avg'", "(2, 3)", "(3, 2)");
        assertThrows(IllegalArgumentException.class, () -> new Adam(initial(), 0.01).loadState(null));
    }
}
