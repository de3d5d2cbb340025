package jcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EpochStatsTest {
    @Test
    void lineRoundTrips() {
        EpochStats s = new EpochStats(3, 0.0841, 0.9741, 0.0912, 0.972, 8.12e-4, 4.21, 1900.5);
        EpochStats back = EpochStats.parse(s.toLine());
        assertEquals(s, back);
        assertTrue(s.toLine().startsWith("epoch=3 trainLoss=0.0841000 trainAccuracy=0.974100"), s.toLine());
    }

    @Test
    void missingValidationIsNaN() {
        EpochStats s = EpochStats.parse("epoch=1 trainLoss=0.5 trainAccuracy=0.8");
        assertTrue(Double.isNaN(s.valLoss()));
        assertEquals(false, s.hasValidation());
        assertThrows(IllegalArgumentException.class, () -> EpochStats.parse("trainLoss=0.5"));
    }

    @Test
    void evaluationReport() {
        Evaluation e = new Evaluation(0.25, 0.75, new int[][] {{3, 1}, {1, 3}});
        assertEquals(8, e.count());
        assertEquals(0.75, e.classAccuracy(0));
        String r = e.report(java.util.List.of("cat", "dog"));
        assertTrue(r.contains("accuracy 75.00%"), r);
        assertTrue(r.contains("  cat       3     1"), r);
    }
}
