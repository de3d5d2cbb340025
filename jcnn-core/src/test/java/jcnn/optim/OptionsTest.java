package jcnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The catalogue, defaults, toString, validation, clipping, weight decay, and the Eve / SAM / Santa extras. */
class OptionsTest {

    static List<Parameter> params() {
        return List.of(
                new Parameter("weight", Parameter.Kind.WEIGHT, Tensors.random(1, 2, 3), 3, 2),
                new Parameter("bias", Parameter.Kind.BIAS, Tensors.random(2, 3), 3, 2));
    }

    static void setGrads(List<Parameter> ps, long seed) {
        for (int i = 0; i < ps.size(); i++) ps.get(i).grad().copyFrom(Tensors.random(seed + i, ps.get(i).shape()));
    }

    static String message(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    static void assertMentions(String message, String... fragments) {
        for (String f : fragments) assertTrue(message.contains(f), "'" + message + "' should mention '" + f + "'");
    }

    // ---------------------------------------------------------------------------------------------------
    // Catalogue
    // ---------------------------------------------------------------------------------------------------

    @Test
    void catalogueHasTheSeedsListAndAdamW() {
        assertEquals(List.of("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "AdaDelta", "Adam", "RMSpropGraves",
                "SMORMS3", "AdaMax", "Nadam", "Eve", "Santa-E", "Santa-SSS", "AMSGrad", "AdaBound", "AMSBound",
                "AdaBelief", "SAM", "AdamW"), Optimizers.names());
        for (String name : Optimizers.names()) {
            Optimizer o = Optimizers.byName(name, params(), 0.01);
            assertEquals(name, o.name());
            assertEquals(0.01, o.learningRate());
            assertTrue(o.toString().startsWith(name + "("), o.toString());
            assertTrue(Optimizers.defaultLearningRate(name) > 0);
        }
    }

    @Test
    void lookupIgnoresCaseAndPunctuationAndKnowsAliases() {
        for (String n : List.of("RMSprop", "rms_prop", "RMSProp", "rmsprop", " R-M-S prop "))
            assertInstanceOf(RMSprop.class, Optimizers.byName(n, params(), 0.01));
        assertInstanceOf(Momentum.class, Optimizers.byName("msgd", params(), 0.01));
        assertInstanceOf(Momentum.class, Optimizers.byName("MSGD", params(), 0.01));
        assertInstanceOf(Nesterov.class, Optimizers.byName("nag", params(), 0.01));
        assertInstanceOf(SantaE.class, Optimizers.byName("santa_e", params(), 0.01));
        assertInstanceOf(SantaSSS.class, Optimizers.byName("SantaSSS", params(), 0.01));
        assertInstanceOf(RMSpropGraves.class, Optimizers.byName("rmsprop-graves", params(), 0.01));
        assertInstanceOf(AdamW.class, Optimizers.byName("ADAMW", params(), 0.01));
        assertInstanceOf(NAdam.class, Optimizers.byName("NAdam", params(), 0.01));
        assertEquals(1.0, Optimizers.defaultLearningRate("adadelta"));
        assertEquals(2e-3, Optimizers.defaultLearningRate("adamax"));
        String m = message(IllegalArgumentException.class, () -> Optimizers.byName("lbfgs", params(), 0.01));
        assertMentions(m, "unknown optimizer 'lbfgs'", "SGD", "AdaBelief", "Santa-SSS", "AdamW", "MSGD");
        assertThrows(IllegalArgumentException.class, () -> Optimizers.byName(null, params(), 0.01));
    }

    @Test
    void defaultsArePyTorchsOrThePapersAndToStringShowsEverySetting() {
        assertEquals("Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-8, amsgrad=false, weightDecay=0, clipGradNorm=off, "
                + "clipGradValue=off)", new Adam(params(), 1e-3).toString());
        assertEquals("SGD(lr=0.1, momentum=0, dampening=0, nesterov=false, weightDecay=5e-4, clipGradNorm=5, "
                + "clipGradValue=off)", new SGD(params(), 0.1).weightDecay(5e-4).clipGradNorm(5).toString());
        assertMentions(new Momentum(params(), 0.1).toString(), "Momentum(", "momentum=0.9", "nesterov=false");
        assertMentions(new Nesterov(params(), 0.1).toString(), "Nesterov(", "momentum=0.9", "nesterov=true");
        assertMentions(new Adagrad(params(), 0.01).toString(), "lrDecay=0", "initialAccumulatorValue=0", "eps=1e-10");
        assertMentions(new RMSprop(params(), 0.01).toString(), "alpha=0.99", "eps=1e-8", "momentum=0", "centered=false");
        assertMentions(new Adadelta(params(), 1).toString(), "lr=1,", "rho=0.9", "eps=1e-6");
        assertMentions(new AdamW(params(), 1e-3).toString(), "AdamW(", "weightDecay=0.01");
        assertMentions(new AMSGrad(params(), 1e-3).toString(), "AMSGrad(", "amsgrad=true");
        assertMentions(new Adamax(params(), 2e-3).toString(), "lr=0.002", "betas=(0.9, 0.999)", "eps=1e-8");
        assertMentions(new NAdam(params(), 2e-3).toString(), "Nadam(", "momentumDecay=0.004");
        assertMentions(new RMSpropGraves(params(), 1e-4).toString(), "alpha=0.95", "momentum=0.9", "eps=1e-4");
        assertMentions(new SMORMS3(params(), 1e-3).toString(), "eps=1e-16");
        assertMentions(new Eve(params(), 1e-3).toString(), "betas=(0.9, 0.999, 0.999)", "k=0.1", "K=10", "eps=1e-8");
        assertMentions(new AdaBound(params(), 1e-3).toString(), "finalLr=0.1", "gamma=0.001", "amsbound=false");
        assertMentions(new AMSBound(params(), 1e-3).toString(), "AMSBound(", "amsbound=true");
        assertMentions(new AdaBelief(params(), 1e-3).toString(), "eps=1e-16");
        assertMentions(new SantaE(params(), 1e-3).toString(), "Santa-E(", "sigma=0.99", "lambda=1e-8", "C=1", "A=1",
                "gamma=0.5", "burnin=1000", "seed=0", "correctionTerm=true");
        assertMentions(new SAM(params(), 0.1).toString(), "SAM(rho=0.05, base=SGD(lr=0.1, momentum=0.9");
        assertMentions(new Adam(params(), 1e-3).weightDecayOn(Parameter.Kind.WEIGHT).toString(), "weightDecayOn=[WEIGHT]");
    }

    // ---------------------------------------------------------------------------------------------------
    // Validation
    // ---------------------------------------------------------------------------------------------------

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        assertMentions(message(IllegalArgumentException.class, () -> new Adam(params(), -1)),
                "Adam", "learning rate", "-1.0");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), Double.NaN)), "SGD", "NaN");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), Double.POSITIVE_INFINITY)), "finite");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), 0.1).setLearningRate(-0.5)),
                "learning rate", "-0.5");
        assertMentions(message(IllegalArgumentException.class, () -> new Adam(List.of(), 0.1)), "Adam", "empty");
        assertMentions(message(IllegalArgumentException.class, () -> new Adam(null, 0.1)), "null");
        Parameter p = params().get(0);
        assertMentions(message(IllegalArgumentException.class, () -> new Adam(List.of(p, p), 0.1)),
                "parameter 1", "more than once");
        List<Parameter> withNull = new ArrayList<>(params());
        withNull.add(null);
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(withNull, 0.1)), "parameter 2", "null");
        assertMentions(message(IllegalArgumentException.class, () -> new Adam(params(), 0.1).betas(1.0, 0.999)),
                "beta1", "[0, 1)", "1.0");
        assertMentions(message(IllegalArgumentException.class, () -> new Adam(params(), 0.1).betas(0.9, -0.1)), "beta2");
        assertMentions(message(IllegalArgumentException.class, () -> new Adam(params(), 0.1).eps(-1e-8)), "eps", ">= 0");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), 0.1).momentum(-0.9)), "momentum");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), 0.1).weightDecay(Double.NaN)),
                "weightDecay");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), 0.1).clipGradNorm(-1)), "clipGradNorm");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), 0.1).clipGradValue(-1)), "clipGradValue");
        assertMentions(message(IllegalArgumentException.class, () -> new SGD(params(), 0.1).weightDecayOn()), "at least one");
        assertMentions(message(IllegalArgumentException.class, () -> new Adadelta(params(), 1).rho(1.5)), "rho", "[0, 1]");
        assertMentions(message(IllegalArgumentException.class, () -> new RMSpropGraves(params(), 1).eps(0)), "eps", "> 0");
        assertMentions(message(IllegalArgumentException.class, () -> new AdaBound(params(), 1).gamma(0)), "gamma");
        assertMentions(message(IllegalArgumentException.class, () -> new SantaE(params(), 1).burnin(-1)), "burnin");
        assertMentions(message(IllegalArgumentException.class, () -> new Eve(params(), 1).thresholds(0, 10)), "k");
        assertMentions(message(IllegalArgumentException.class, () -> new SAM(params(), 0.1).rho(0)), "rho");
        assertMentions(message(IllegalArgumentException.class, () -> new SAM((Optimizer) null)), "base");

        List<Parameter> ps = params();
        SGD nesterov = new SGD(ps, 0.1).nesterov(true);
        float[] before = ps.get(0).value().data().clone();
        assertMentions(message(IllegalStateException.class, nesterov::step), "Nesterov", "momentum > 0");
        assertArrayEquals(before, ps.get(0).value().data());
        assertEquals(0, nesterov.steps());
    }

    // ---------------------------------------------------------------------------------------------------
    // Clipping and weight decay
    // ---------------------------------------------------------------------------------------------------

    @Test
    void clipGradNormScalesAllGradientsTogetherAsTorch() {
        List<Parameter> ps = params();
        setGrads(ps, 10);
        double norm = 0;
        for (Parameter p : ps) norm += p.grad().dot(p.grad());
        norm = Math.sqrt(norm);
        Tensor g0 = ps.get(0).grad().copy(), w0 = ps.get(0).value().copy();
        SGD sgd = new SGD(ps, 1.0);
        sgd.clipGradNorm(norm / 4).step();
        double coef = (norm / 4) / (norm + 1e-6);
        for (int j = 0; j < 6; j++) {
            assertEquals(g0.data()[j] * coef, ps.get(0).grad().data()[j], 1e-6, "clipped in place");
            assertEquals(w0.data()[j] - g0.data()[j] * coef, ps.get(0).value().data()[j], 1e-6);
        }
        // below the limit: untouched
        setGrads(ps, 10);
        Tensor g = ps.get(1).grad().copy();
        new SGD(ps, 1.0).clipGradNorm(norm * 2).step();
        assertArrayEquals(g.data(), ps.get(1).grad().data());
    }

    @Test
    void clipGradValueClampsEachElementThenWeightDecayIsAdded() {
        List<Parameter> ps = params();
        setGrads(ps, 20);
        Tensor g = ps.get(0).grad().copy(), w = ps.get(0).value().copy();
        new SGD(ps, 1.0).clipGradValue(0.3).weightDecay(0.1).step();
        for (int j = 0; j < 6; j++) {
            float clipped = Math.max(-0.3f, Math.min(0.3f, g.data()[j]));
            assertEquals(clipped, ps.get(0).grad().data()[j]);
            assertEquals(w.data()[j] - (clipped + 0.1f * w.data()[j]), ps.get(0).value().data()[j], 1e-6);
        }
    }

    @Test
    void l2WeightDecayLeavesTheStoredGradientAloneAndCanSkipBiases() {
        List<Parameter> ps = params();
        setGrads(ps, 30);
        Tensor g1 = ps.get(1).grad().copy(), w0 = ps.get(0).value().copy(), w1 = ps.get(1).value().copy();
        Tensor g0 = ps.get(0).grad().copy();
        new SGD(ps, 0.5).weightDecay(0.2).weightDecayOn(Parameter.Kind.WEIGHT).step();
        assertArrayEquals(g0.data(), ps.get(0).grad().data());
        for (int j = 0; j < 3; j++) {
            assertEquals(w1.data()[j] - 0.5f * g1.data()[j], ps.get(1).value().data()[j], 1e-6, "bias: no decay");
        }
        for (int j = 0; j < 6; j++) {
            assertEquals(w0.data()[j] - 0.5f * (g0.data()[j] + 0.2f * w0.data()[j]), ps.get(0).value().data()[j], 1e-6);
        }
    }

    @Test
    void adamWDecaysTheWeightsNotTheGradient() {
        // zero gradient: Adam's update is 0, so AdamW only shrinks w by (1 - lr·wd); L2-Adam would move by ~lr
        List<Parameter> ps = params();
        Tensor w = ps.get(0).value().copy();
        new AdamW(ps, 0.01).weightDecay(0.5).step();
        for (int j = 0; j < 6; j++) assertEquals(w.data()[j] * (1 - 0.005f), ps.get(0).value().data()[j], 1e-7);
        List<Parameter> qs = params();
        Tensor b = qs.get(1).value().copy();
        new AdamW(qs, 0.01).weightDecay(0.5).weightDecayOn(Parameter.Kind.WEIGHT).step();
        assertArrayEquals(b.data(), qs.get(1).value().data(), "biases excluded");
    }

    @Test
    void zeroLearningRateMovesNothing() {
        for (String name : List.of("SGD", "Momentum", "Adam", "AdaGrad", "RMSprop", "AdaBelief")) {
            List<Parameter> ps = params();
            setGrads(ps, 40);
            Tensor w = ps.get(0).value().copy();
            Optimizers.byName(name, ps, 0).step(1.0, null);
            assertArrayEquals(w.data(), ps.get(0).value().data(), name);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Eve's loss, SAM's closure, Santa's seed
    // ---------------------------------------------------------------------------------------------------

    @Test
    void eveNeedsTheLoss() {
        List<Parameter> ps = params();
        Eve eve = new Eve(ps, 1e-3);
        assertMentions(message(IllegalArgumentException.class, eve::step), "Eve", "loss", "step(loss, closure)");
        assertMentions(message(IllegalArgumentException.class, () -> eve.step(0.0, null)), "> 0 on the first step");
        assertMentions(message(IllegalArgumentException.class, () -> eve.step(-1.0, null)), "-1.0");
        assertMentions(message(IllegalArgumentException.class, () -> eve.step(Double.POSITIVE_INFINITY, null)), "finite");
        assertEquals(0, eve.steps());
        // with no loss the closure is evaluated
        setGrads(ps, 50);
        int[] calls = {0};
        eve.step(Double.NaN, () -> {
            calls[0]++;
            return 3.0;
        });
        assertEquals(1, calls[0]);
        assertEquals(3.0, eve.state().get("f_hat").data()[0]);
        eve.step(0.0, null); // zero is fine after the first step
        assertTrue(eve.feedback() > 1, "a big drop in the loss raises d: " + eve.feedback());
    }

    @Test
    void samNeedsAClosureAndRestoresTheWeightsEvenWhenItThrows() {
        List<Parameter> ps = params();
        SAM sam = new SAM(ps, 0.1);
        setGrads(ps, 60);
        float[] w = ps.get(0).value().data().clone();
        assertMentions(message(IllegalArgumentException.class, sam::step), "SAM", "closure");
        assertArrayEquals(w, ps.get(0).value().data());
        RuntimeException boom = new RuntimeException("boom");
        assertSame(boom, assertThrows(RuntimeException.class, () -> sam.step(1.0, () -> {
            assertFalse(java.util.Arrays.equals(w, ps.get(0).value().data()), "the closure runs at w + ε");
            throw boom;
        })));
        assertArrayEquals(w, ps.get(0).value().data(), "weights restored");
    }

    @Test
    void samForwardsLearningRateDecayAndClippingToItsBase() {
        List<Parameter> ps = params();
        Adam base = new Adam(ps, 1e-3);
        SAM sam = new SAM(base).rho(0.2);
        sam.setLearningRate(0.5);
        assertEquals(0.5, base.learningRate());
        assertEquals(0.5, sam.learningRate());
        assertSame(sam, sam.weightDecay(0.1).clipGradNorm(2).clipGradValue(1));
        assertEquals(0.1, base.weightDecay());
        assertEquals(2, base.clipGradNorm());
        assertEquals(1, sam.clipGradValue());
        assertSame(base, sam.base());
        assertEquals(0.2, sam.rho());
        setGrads(ps, 70);
        sam.step(1.0, () -> {
            setGrads(ps, 71);
            return 1.0;
        });
        assertEquals(1, sam.steps());
        assertEquals(1, base.steps());
    }

    @Test
    void santaIsReproducibleBySeed() {
        float[] a = santaRun(3), b = santaRun(3), c = santaRun(4);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        // the noise is standard normal
        double sum = 0, sq = 0;
        int n = 200_000;
        for (int j = 0; j < n; j++) {
            double z = Noise.gaussian(1, 2, 3, j);
            sum += z;
            sq += z * z;
        }
        assertEquals(0, sum / n, 0.01);
        assertEquals(1, sq / n, 0.01);
        assertNotEquals(Noise.gaussian(1, 2, 3, 4), Noise.gaussian(1, 2, 4, 3));
    }

    private static float[] santaRun(long seed) {
        List<Parameter> ps = params();
        Optimizer opt = new SantaSSS(ps, 1e-3).seed(seed).burnin(10);
        for (int t = 0; t < 5; t++) {
            setGrads(ps, 80 + t);
            opt.step();
        }
        return ps.get(0).value().data().clone();
    }
}
