package jcnn.nn.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The error function behind the exact GELU, against reference values (Python's math.erf / math.erfc). */
class ActivationErfTest {

    @ParameterizedTest(name = "erf({0})")
    @CsvSource({"0.5, 0.5204998778130465", "1, 0.8427007929497149", "2, 0.9953222650189527",
            "-0.3, -0.3286267594591274", "0.001, 0.0011283787909692365", "3.5, 0.9999992569016276", "0, 0"})
    void erfHasAbsoluteErrorBelow2e10(double x, double expected) {
        assertEquals(expected, Erf.erf(x), 2e-10);
    }

    @ParameterizedTest(name = "erfc({0})")
    @CsvSource({"0, 1.0", "0.7, 0.32219880616258156", "3, 2.2090496998585438e-05", "5, 1.5374597944280351e-12",
            "10, 2.088487583762545e-45", "12.5, 6.231942781979911e-70", "20, 5.3958656116079005e-176",
            "-1.5, 1.9661051464753108"})
    void erfcKeepsRelativeAccuracyInTheTail(double x, double expected) {
        assertEquals(expected, Erf.erfc(x), 2e-10 * expected);
    }

    @Test
    void tableAgreesWithTheSeriesAndContinuedFractionBetweenNodes() {
        double worst = 0;
        for (double z = 0.0013; z < 12; z += 0.0117) {
            double ref = Erf.erfcxReference(z);
            worst = Math.max(worst, Math.abs(Erf.erfcx(z) - ref) / ref);
        }
        assertTrue(worst < 2e-10, "worst relative error " + worst);
        // the series (z < 2) and the continued fraction (z >= 2) agree where they meet
        assertEquals(Erf.erfcxReference(Math.nextDown(2.0)), Erf.erfcxReference(2.0), 1e-13);
    }

    @Test
    void specialValues() {
        assertTrue(Double.isNaN(Erf.erfcx(Double.NaN)));
        assertEquals(0, Erf.erfcx(Double.POSITIVE_INFINITY));
        assertEquals(1, Erf.erf(40));
        assertEquals(-1, Erf.erf(-40));
    }
}
