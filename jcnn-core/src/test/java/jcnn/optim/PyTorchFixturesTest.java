package jcnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.stream.Stream;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;
import jcnn.testing.Fixtures;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * torch.optim (PyTorch 1.13) against jcnn.optim: the parameter values after each of 5 steps with fixed
 * gradients, written by tools/fixtures/gen_optimizer_fixtures.py; also clip_grad_norm_ / clip_grad_value_ and
 * learning rates changed between steps.
 */
class PyTorchFixturesTest {

    static Stream<Fixtures.Case> optimizerCases() {
        return Fixtures.load("optim").stream().filter(c -> !c.name().startsWith("schedule_"));
    }

    static Stream<Fixtures.Case> scheduleCases() {
        return Fixtures.load("optim").stream().filter(c -> c.name().startsWith("schedule_"));
    }

    @Test
    void everyTorchOptimizerHasFixtures() {
        List<String> optimizers = optimizerCases().map(c -> c.get("optimizer")).distinct().sorted().toList();
        assertEquals(List.of("Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam", "RMSprop", "SGD"), optimizers);
        assertFalse(optimizerCases().noneMatch(c -> c.config().containsKey("clip_norm")));
        assertFalse(optimizerCases().noneMatch(c -> c.config().containsKey("clip_value")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizerCases")
    void parametersAfterEachStepMatchPyTorch(Fixtures.Case c) {
        Parameter p0 = new Parameter("weight", Parameter.Kind.WEIGHT, c.tensor("p0").copy(), 4, 3);
        Parameter p1 = new Parameter("bias", Parameter.Kind.BIAS, c.tensor("p1").copy(), 4, 3);
        Optimizer opt = build(c, List.of(p0, p1));
        Tensor lrs = c.has("lr") ? c.tensor("lr") : null;
        for (int k = 1; k <= c.getInt("steps"); k++) {
            if (lrs != null) opt.setLearningRate(lrs.data()[k - 1]);
            p0.grad().copyFrom(c.tensor("g0_" + k));
            p1.grad().copyFrom(c.tensor("g1_" + k));
            opt.step();
            Tensors.assertClose(c.tensor("p0_" + k), p0.value(), 1e-5, 1e-6, c + " " + opt + " p0 after step " + k);
            Tensors.assertClose(c.tensor("p1_" + k), p1.value(), 1e-5, 1e-6, c + " " + opt + " p1 after step " + k);
        }
        assertEquals(c.getInt("steps"), opt.steps());
    }

    /** The optimizer a fixture describes, from its PyTorch keyword arguments. */
    static Optimizer build(Fixtures.Case c, List<Parameter> params) {
        double lr = c.getDouble("lr");
        double[] betas = c.config().containsKey("betas") ? Stream.of(c.get("betas").split(",")).mapToDouble(Double::parseDouble).toArray() : null;
        Optimizer opt = switch (c.get("optimizer")) {
            case "SGD" -> new SGD(params, lr).momentum(d(c, "momentum", 0)).dampening(d(c, "dampening", 0))
                    .nesterov(b(c, "nesterov"));
            case "Adagrad" -> {
                Adagrad a = new Adagrad(params, lr).lrDecay(d(c, "lr_decay", 0))
                        .initialAccumulatorValue(d(c, "initial_accumulator_value", 0));
                yield c.config().containsKey("eps") ? a.eps(c.getDouble("eps")) : a;
            }
            case "RMSprop" -> new RMSprop(params, lr).alpha(d(c, "alpha", 0.99)).eps(d(c, "eps", 1e-8))
                    .momentum(d(c, "momentum", 0)).centered(b(c, "centered"));
            case "Adadelta" -> new Adadelta(params, lr).rho(d(c, "rho", 0.9)).eps(d(c, "eps", 1e-6));
            case "Adam" -> adam(new Adam(params, lr), c, betas);
            case "AdamW" -> adam(new AdamW(params, lr), c, betas);
            case "Adamax" -> new Adamax(params, lr).betas(betas == null ? 0.9 : betas[0], betas == null ? 0.999 : betas[1])
                    .eps(d(c, "eps", 1e-8));
            case "NAdam" -> new NAdam(params, lr).momentumDecay(d(c, "momentum_decay", 4e-3)).eps(d(c, "eps", 1e-8));
            default -> throw new IllegalArgumentException(c + ": optimizer " + c.get("optimizer"));
        };
        if (c.config().containsKey("weight_decay")) opt.weightDecay(c.getDouble("weight_decay"));
        if (c.config().containsKey("clip_norm")) opt.clipGradNorm(c.getDouble("clip_norm"));
        if (c.config().containsKey("clip_value")) opt.clipGradValue(c.getDouble("clip_value"));
        return opt;
    }

    private static Adam adam(Adam a, Fixtures.Case c, double[] betas) {
        if (betas != null) a.betas(betas[0], betas[1]);
        return a.eps(d(c, "eps", 1e-8)).amsgrad(b(c, "amsgrad"));
    }

    private static double d(Fixtures.Case c, String key, double fallback) {
        return c.config().containsKey(key) ? c.getDouble(key) : fallback;
    }

    private static boolean b(Fixtures.Case c, String key) {
        return Boolean.parseBoolean(c.get(key, "False").toLowerCase());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scheduleCases")
    void schedulesMatchPyTorchAtWholeEpochs(Fixtures.Case c) {
        LrSchedule s = switch (c.get("schedule")) {
            case "step" -> Schedules.step(c.getDouble("step_size"), c.getDouble("gamma"));
            case "exponential" -> Schedules.exponential(c.getDouble("gamma"));
            case "cosine" -> Schedules.cosine(c.getDouble("T_max"), c.getDouble("eta_min"));
            default -> throw new IllegalArgumentException(c.get("schedule"));
        };
        double base = c.getDouble("base_lr");
        float[] hi = c.tensor("lr_hi").data(), lo = c.tensor("lr_lo").data();
        for (int e = 0; e < c.getInt("epochs"); e++) {
            double expected = (double) hi[e] + lo[e];
            double actual = s.at(base, e);
            assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)) + 1e-13, s + " at epoch " + e);
        }
    }
}
