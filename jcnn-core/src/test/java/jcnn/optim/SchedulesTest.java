package jcnn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import jcnn.nn.Parameter;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Learning-rate schedules: formulas at chosen (fractional) epochs, lookup by spec, and refused arguments. */
class SchedulesTest {
    static final double BASE = 0.1;

    @Test
    void constant() {
        LrSchedule s = Schedules.constant();
        assertEquals(BASE, s.at(BASE, 0));
        assertEquals(BASE, s.at(BASE, 123.4));
    }

    @Test
    void stepIsPiecewiseConstant() { // base·γ^⌊e/stepSize⌋
        LrSchedule s = Schedules.step(2, 0.5);
        assertEquals(0.1, s.at(BASE, 0));
        assertEquals(0.1, s.at(BASE, 1.999));
        assertEquals(0.05, s.at(BASE, 2));
        assertEquals(0.05, s.at(BASE, 3.5));
        assertEquals(0.025, s.at(BASE, 4.5));
        assertEquals(0.1 * Math.pow(0.5, 5), s.at(BASE, 11.9), 1e-18);
        assertEquals(0.1 * 0.3, Schedules.step(0.5, 0.3).at(BASE, 0.75), 1e-18); // fractional step size
    }

    @Test
    void exponentialIsContinuousBetweenEpochs() { // base·γ^e
        LrSchedule s = Schedules.exponential(0.9);
        assertEquals(0.1, s.at(BASE, 0));
        assertEquals(0.1 * 0.81, s.at(BASE, 2), 1e-17);
        assertEquals(0.1 * Math.pow(0.9, 2.5), s.at(BASE, 2.5), 1e-17);
        assertTrue(s.at(BASE, 2.5) < s.at(BASE, 2) && s.at(BASE, 2.5) > s.at(BASE, 3));
    }

    @Test
    void cosineFallsHalfACosineToMinLrAndStays() { // minLr + (base - minLr)(1 + cos(π e/T))/2
        LrSchedule s = Schedules.cosine(10, 0.001);
        assertEquals(0.1, s.at(BASE, 0), 1e-17);
        assertEquals((0.1 + 0.001) / 2, s.at(BASE, 5), 1e-17);
        assertEquals(0.001 + 0.099 * (1 + Math.cos(Math.PI * 0.25)) / 2, s.at(BASE, 2.5), 1e-17);
        assertEquals(0.001, s.at(BASE, 10), 1e-17);
        assertEquals(0.001, s.at(BASE, 25));
        assertEquals(0.05, Schedules.cosine(4).at(BASE, 2), 1e-17);
    }

    @Test
    void warmupRisesLinearlyFromAboutZeroThenRunsTheOtherScheduleShifted() {
        LrSchedule s = Schedules.warmup(2, Schedules.cosine(8));
        assertEquals(0.1 * 0.001, s.at(BASE, 0), 1e-18);
        assertEquals(0.1 * (0.001 + 0.999 * 0.5), s.at(BASE, 1), 1e-17);
        assertEquals(0.1 * (0.001 + 0.999 * 0.75), s.at(BASE, 1.5), 1e-17);
        assertEquals(0.1, s.at(BASE, 2), 1e-17);                 // cosine at 0
        assertEquals(0.05, s.at(BASE, 6), 1e-17);                // cosine at 4 of 8
        assertEquals(0, s.at(BASE, 10), 1e-17);                  // cosine at 8
        LrSchedule fromZero = Schedules.warmup(4, 0, Schedules.step(1, 0.5));
        assertEquals(0, fromZero.at(BASE, 0));
        assertEquals(0.025, fromZero.at(BASE, 1), 1e-17);
        assertEquals(0.1, fromZero.at(BASE, 4.5));
        assertEquals(0.05, fromZero.at(BASE, 5));
    }

    @Test
    void aScheduleDrivesAnOptimizerEveryBatch() {
        Optimizer opt = new SGD(List.of(new Parameter("w", Parameter.Kind.WEIGHT, Tensor.zeros(2), 1, 1)), 0.1);
        LrSchedule s = Schedules.byName("warmup(1, cosine(3))");
        int batches = 4;
        double previous = -1;
        for (int epoch = 0; epoch < 4; epoch++) {
            for (int b = 0; b < batches; b++) {
                double e = epoch + (double) b / batches;
                opt.setLearningRate(s.at(BASE, e));
                if (e <= 1) assertTrue(opt.learningRate() > previous, "rising during the warm-up");
                else assertTrue(opt.learningRate() < previous, "falling after it");
                previous = opt.learningRate();
                opt.step();
            }
        }
        assertEquals(16, opt.steps());
    }

    // ---------------------------------------------------------------------------------------------------
    // Lookup
    // ---------------------------------------------------------------------------------------------------

    static Stream<LrSchedule> examples() {
        return Stream.of(Schedules.constant(), Schedules.step(30, 0.1), Schedules.step(2.5, 0.7),
                Schedules.exponential(0.95), Schedules.cosine(100, 1e-5), Schedules.cosine(7.5),
                Schedules.warmup(5, Schedules.cosine(95)), Schedules.warmup(0.5, 0.1, Schedules.exponential(0.9)),
                Schedules.warmup(1, Schedules.warmup(2, Schedules.step(3, 0.5))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void toStringIsASpecThatByNameReads(LrSchedule s) {
        assertEquals(s, Schedules.byName(s.toString()));
        assertEquals(s.toString(), Schedules.byName(s.toString()).toString());
    }

    @Test
    void byNameReadsShortFormsIgnoringCaseAndPunctuation() {
        assertEquals(Schedules.constant(), Schedules.byName("Constant"));
        assertEquals(Schedules.step(30, 0.1), Schedules.byName("step"));
        assertEquals(Schedules.step(7, 0.1), Schedules.byName("STEP(7)"));
        assertEquals(Schedules.step(7, 0.5), Schedules.byName(" step ( 7 , 0.5 ) "));
        assertEquals(Schedules.step(7, 0.5), Schedules.byName("step(gamma=0.5, step_size=7)"));
        assertEquals(Schedules.exponential(0.95), Schedules.byName("exponential"));
        assertEquals(Schedules.exponential(0.8), Schedules.byName("Exponential(0.8)"));
        assertEquals(Schedules.cosine(50), Schedules.byName("cosine(50)"));
        assertEquals(Schedules.cosine(100), Schedules.byName("cosine", 100));
        assertEquals(Schedules.cosine(20, 0.01), Schedules.byName("Cosine(min_lr=0.01)", 20));
        assertEquals(Schedules.warmup(5, Schedules.cosine(95)), Schedules.byName("warmup(5, cosine)", 100));
        assertEquals(Schedules.warmup(5, 0.1, Schedules.cosine(95)), Schedules.byName("warm-up(5, 0.1, cosine)", 100));
        assertEquals(Schedules.warmup(3, Schedules.constant()), Schedules.byName("warmup(3)"));
        assertEquals(Schedules.warmup(5, Schedules.constant()), Schedules.byName("warmup"));
        assertEquals(List.of("constant", "step", "exponential", "cosine", "warmup"), Schedules.names());
    }

    @Test
    void badSpecsAreRefusedWithClearMessages() {
        assertMessage(() -> Schedules.byName("linear"), "unknown schedule 'linear'", "cosine", "warmup");
        assertMessage(() -> Schedules.byName("cosine"), "cosine needs totalEpochs");
        assertMessage(() -> Schedules.byName("warmup(5, cosine)"), "cosine needs totalEpochs");
        assertMessage(() -> Schedules.byName("step(1, 2, 3)"), "at most 2 arguments");
        assertMessage(() -> Schedules.byName("step(foo=1)"), "no argument 'foo'", "stepSize");
        assertMessage(() -> Schedules.byName("step(x)"), "stepSize must be a number", "'x'");
        assertMessage(() -> Schedules.byName("step(30"), "expected ')'");
        assertMessage(() -> Schedules.byName("step(30) extra"), "unexpected");
        assertMessage(() -> Schedules.byName("step(gamma=0.5, 3)"), "positional argument after a named one");
        assertMessage(() -> Schedules.byName("step(3, stepSize=4)"), "given twice");
        assertMessage(() -> Schedules.byName(""), "expected a schedule name");
        assertMessage(() -> Schedules.byName(null), "null");
        assertMessage(() -> Schedules.byName("cosine(0)"), "totalEpochs must be a finite number > 0, got 0.0");
    }

    @Test
    void badArgumentsAreRefusedWithClearMessages() {
        assertMessage(() -> Schedules.step(0, 0.1), "step: stepSize must be a finite number > 0, got 0.0");
        assertMessage(() -> Schedules.step(10, -0.1), "step: gamma", "-0.1");
        assertMessage(() -> Schedules.exponential(Double.NaN), "exponential: gamma", "NaN");
        assertMessage(() -> Schedules.cosine(-5), "cosine: totalEpochs", "-5.0");
        assertMessage(() -> Schedules.cosine(10, -0.001), "cosine: minLr must be a finite number >= 0");
        assertMessage(() -> Schedules.warmup(0, Schedules.constant()), "warmup: warmupEpochs");
        assertMessage(() -> Schedules.warmup(2, null), "warmup", "null");
        assertMessage(() -> Schedules.warmup(2, 1.5, Schedules.constant()), "startFactor must be in [0, 1]");
        assertMessage(() -> Schedules.constant().at(-0.1, 1), "baseLr", "-0.1");
        assertMessage(() -> Schedules.cosine(10).at(0.1, -1), "epoch", "-1.0");
        assertMessage(() -> Schedules.step(1, 0.5).at(0.1, Double.NaN), "epoch", "NaN");
        assertMessage(() -> Schedules.exponential(0.9).at(0.1, Double.POSITIVE_INFINITY), "epoch", "Infinity");
    }

    static void assertMessage(org.junit.jupiter.api.function.Executable e, String... fragments) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        for (String f : fragments) assertTrue(m.contains(f), "'" + m + "' should mention '" + f + "'");
    }
}
