package jcnn.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import jcnn.nn.Conv2d;
import jcnn.nn.Flatten;
import jcnn.nn.Linear;
import jcnn.nn.MaxPool2d;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureMapsTest {

    static Sequential model() {
        Sequential m = new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 5 * 5, 3));
        m.initialize(jcnn.nn.Init.pytorchDefault(), 11);
        return m;
    }

    static Tensor image(long seed) {
        return Tensor.uniform(new SplittableRandom(seed), 0f, 1f, 1, 1, 12, 12);
    }

    /** Every pixel of every tile equals the min-max-normalised map value. */
    static void assertTilesMatch(TileGrid g, Tensor maps) {
        int[] s = maps.shape();
        int plane = s[2] * s[3];
        for (int c = 0; c < s[1]; c++) {
            float[] expected = Scaling.MIN_MAX.apply(maps.data(), c * plane, plane);
            for (int y = 0; y < s[2]; y++) {
                for (int x = 0; x < s[3]; x++) {
                    int want = Scaling.level(expected[y * s[3] + x]);
                    int px = g.image().getRGB(g.tileX(c) + x * g.scale() + g.scale() / 2, g.tileY(c) + y * g.scale() + g.scale() / 2) & 0xff;
                    assertEquals(want, px, "channel " + c + " at (" + y + ", " + x + ")");
                }
            }
        }
    }

    @Test
    void traceKeepsEveryLayersOutputAndMarksConvAndPool() {
        Sequential m = model();
        Tensor x = image(1);
        List<LayerTrace.Step> t = LayerTrace.run(m, x);
        assertEquals(5, t.size());
        assertTrue(t.get(0).isFeatureMap());
        assertTrue(!t.get(1).isFeatureMap()); // ReLU: not a conv or pooling layer
        assertTrue(t.get(2).isFeatureMap());
        assertTrue(!t.get(4).isFeatureMap());
        // the copies survive later calls and equal the model's evaluation output
        Tensor logits = m.predict(x).copy();
        m.predict(image(2));
        assertEquals(logits.numel(), t.get(4).output().numel());
        for (int i = 0; i < logits.numel(); i++) assertEquals(logits.data()[i], t.get(4).output().data()[i]);
    }

    @Test
    void gridMatchesTheLayerOutputAfterNormalisation() {
        Sequential m = model();
        List<LayerTrace.Step> t = LayerTrace.run(m, image(3));
        for (int i : new int[] {0, 2}) {
            Tensor out = t.get(i).output();
            TileGrid g = FeatureMaps.grid(out, 0, new Style(Scaling.MIN_MAX, 20, 1), 0);
            assertEquals(4, g.count());
            assertEquals(2, g.columns());
            assertTilesMatch(g, out);
        }
    }

    @Test
    void gridOfOneSampleOfABatch() {
        Tensor maps = Tensor.uniform(new SplittableRandom(5), -1f, 1f, 2, 3, 4, 4);
        TileGrid g = FeatureMaps.grid(maps, 1, new Style(Scaling.MIN_MAX, 4, 0), 3);
        Tensor second = Tensor.zeros(1, 3, 4, 4);
        System.arraycopy(maps.data(), 48, second.data(), 0, 48);
        assertTilesMatch(g, second);
        assertThrows(IllegalArgumentException.class, () -> FeatureMaps.grid(maps, 2, Style.MAPS, 0));
        assertThrows(IllegalArgumentException.class, () -> FeatureMaps.grid(Tensor.zeros(2, 3), 0, Style.MAPS, 0));
    }

    @Test
    void writeProducesOneFilePerConvAndPoolLayerAndAnOverview(@TempDir Path dir) throws Exception {
        Sequential m = model();
        Tensor x = image(4);
        List<Path> files = FeatureMaps.write(m, x, dir, Style.MAPS);
        assertEquals(List.of(dir.resolve("input.png"), dir.resolve("layer-00-conv2d.png"), dir.resolve("layer-02-maxpool2d.png"),
                dir.resolve("overview.png")), files);
        for (Path f : files) assertTrue(Files.size(f) > 0);
        BufferedImage conv = ImageIO.read(dir.resolve("layer-00-conv2d.png").toFile());
        TileGrid expected = FeatureMaps.grid(LayerTrace.run(m, x).get(0).output(), 0, Style.MAPS, 0);
        assertEquals(expected.width(), conv.getWidth());
        assertEquals(expected.height(), conv.getHeight());
        for (int y = 0; y < conv.getHeight(); y++) {
            for (int xx = 0; xx < conv.getWidth(); xx++) assertEquals(expected.image().getRGB(xx, y), conv.getRGB(xx, y));
        }
        BufferedImage overview = ImageIO.read(dir.resolve("overview.png").toFile());
        assertTrue(overview.getWidth() >= expected.width());
        assertTrue(overview.getHeight() > expected.height() * 2, "input, conv and pool maps stacked");
    }

    @Test
    void overviewContainsEachLayersGridAtItsOffset() {
        Sequential m = model();
        Tensor x = image(6);
        List<LayerTrace.Step> t = LayerTrace.run(m, x);
        BufferedImage all = FeatureMaps.overview(t, x, Style.MAPS);
        Sheet sheet = new Sheet();
        sheet.add("input", FeatureMaps.image(x, 84).image());
        TileGrid pool = FeatureMaps.grid(t.get(2).output(), 0, Style.MAPS, 4);
        sheet.add(FeatureMaps.caption(t.get(0)), FeatureMaps.grid(t.get(0).output(), 0, Style.MAPS, 4).image());
        sheet.add(FeatureMaps.caption(t.get(2)), pool.image());
        int y0 = sheet.pictureOffsets()[2], x0 = sheet.pictureX();
        for (int y = 0; y < pool.height(); y++) {
            for (int xx = 0; xx < pool.width(); xx++) assertEquals(pool.image().getRGB(xx, y), all.getRGB(x0 + xx, y0 + y));
        }
        assertEquals("2: MaxPool2d(kernelSize=2) \u2192 (4, 5, 5)", FeatureMaps.caption(t.get(2)));
    }

    @Test
    void inputImageTileIsGreyOrColour() {
        Tensor grey = Tensor.of(new float[] {0f, 0.5f, 1f, 1f}, 1, 1, 2, 2);
        TileGrid g = FeatureMaps.image(grey, 2);
        assertEquals(0x808080, g.image().getRGB(1, 0) & 0xffffff);
        Tensor rgb = Tensor.zeros(3, 1, 2);
        rgb.set(1f, 0, 0, 0);
        rgb.set(1f, 2, 0, 1);
        TileGrid c = FeatureMaps.image(rgb, 1);
        assertEquals(0xff0000, c.image().getRGB(0, 0) & 0xffffff);
        assertEquals(0x0000ff, c.image().getRGB(1, 0) & 0xffffff);
    }
}
