package jcnn.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import jcnn.io.ModelFile;
import jcnn.nn.Linear;
import jcnn.nn.Sequential;
import jcnn.train.EpochStats;
import jcnn.train.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    static List<EpochStats> history(int epochs, boolean validation) {
        List<EpochStats> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            double loss = 2.0 / e, acc = 1 - 0.5 / e;
            h.add(new EpochStats(e, loss, acc, validation ? loss * 1.1 : Double.NaN, validation ? acc - 0.02 : Double.NaN,
                    0.01, 1.5, 1000));
        }
        return h;
    }

    /** Pixels close to {@code c} in the given column range. */
    static int count(BufferedImage img, Color c, int x0, int x1) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                int p = img.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xff) - c.getRed()) < 24 && Math.abs((p >> 8 & 0xff) - c.getGreen()) < 24
                        && Math.abs((p & 0xff) - c.getBlue()) < 24) n++;
            }
        }
        return n;
    }

    @Test
    void curvesPngDecodesWithTheRequestedSizeAndShowsBothCurvesInBothPanels(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("curves.png");
        TrainingCurves.write(png, history(6, true), 900, 350);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(350, img.getHeight());
        for (int[] half : new int[][] {{0, 450}, {450, 900}}) {
            assertTrue(count(img, TrainingCurves.TRAIN, half[0], half[1]) > 100, "train curve drawn in " + half[0]);
            assertTrue(count(img, TrainingCurves.VALIDATION, half[0], half[1]) > 100, "validation curve drawn in " + half[0]);
        }
    }

    @Test
    void withoutValidationOnlyTheTrainingCurveIsDrawn() {
        BufferedImage img = TrainingCurves.render(history(3, false), 600, 300);
        assertEquals(600, img.getWidth());
        assertTrue(count(img, TrainingCurves.TRAIN, 0, 600) > 50);
        assertEquals(0, count(img, TrainingCurves.VALIDATION, 0, 600));
        // a single epoch is still a chart (a marker per series)
        assertEquals(300, TrainingCurves.render(history(1, true), 400, 300).getHeight());
    }

    @Test
    void curvesFromAModelFilesHistory(@TempDir Path dir) throws Exception {
        List<String> lines = history(4, true).stream().map(EpochStats::toLine).toList();
        Path model = dir.resolve("m.jcnn");
        ModelFile.save(model, new ModelFile.Contents(new Sequential(new Linear(2, 2)), Map.of("input-shape", "2"), lines, Map.of()));
        List<EpochStats> h = TrainingCurves.history(ModelFile.load(model));
        assertEquals(4, h.size());
        assertEquals(0.5, h.get(3).trainLoss(), 1e-9);
        assertFalse(TrainingCurves.history(ModelFile.Contents.of(new Sequential(new Linear(2, 2)))).iterator().hasNext());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingCurves.render(List.of(), 500, 300));
        assertTrue(e.getMessage().contains("history is empty"));
        assertThrows(IllegalArgumentException.class, () -> TrainingCurves.render(h, 10, 10));
    }

    @Test
    void confusionHeatMapDecodesWithTheRequestedSizeAndColoursTheDiagonal(@TempDir Path dir) throws Exception {
        int[][] perfect = new int[4][4];
        for (int c = 0; c < 4; c++) perfect[c][c] = 25;
        Path png = dir.resolve("confusion.png");
        ConfusionChart.write(png, new Evaluation(0.1, 1.0, perfect), List.of("a", "b", "c", "d"), 500, 450);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(500, img.getWidth());
        assertEquals(450, img.getHeight());
        Color darkest = ConfusionChart.FULL, lightest = ConfusionChart.EMPTY;
        int dark = count(img, darkest, 0, 500);
        assertTrue(dark > 4 * 100, "four full diagonal cells: " + dark);
        // Three times the confusion: a uniform matrix has no dark cells at all.
        int[][] uniform = new int[4][4];
        for (int[] row : uniform) java.util.Arrays.fill(row, 5);
        BufferedImage u = ConfusionChart.render(new Evaluation(1.0, 0.25, uniform), null, 500, 450);
        assertEquals(0, count(u, darkest, 0, 500));
        assertTrue(count(img, lightest, 0, 500) > count(u, lightest, 0, 500), "off-diagonal cells of the perfect matrix are empty");
    }

    @Test
    void diagonalCellsAreDarkAtTheirPlaces() {
        // 2 classes: class 0 always right, class 1 always predicted as 0. The dark cells are then the top-left (0 -> 0)
        // and the bottom-left (1 -> 0): both in the left half of the plot, none in the right.
        int[][] m = {{10, 0}, {10, 0}};
        BufferedImage img = ConfusionChart.render(new Evaluation(1, 0.5, m), null, 400, 400);
        Color darkest = ConfusionChart.FULL;
        int left = count(img, darkest, 0, 150), right = count(img, darkest, 250, 400);
        assertTrue(left > 1000, "left column dark: " + left);
        assertTrue(right < left / 10, "right column light: " + right);
    }
}
