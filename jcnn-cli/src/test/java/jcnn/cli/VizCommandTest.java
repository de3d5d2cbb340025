package jcnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import jcnn.io.ModelFile;
import jcnn.nn.Architecture;
import jcnn.nn.Conv2d;
import jcnn.nn.Init;
import jcnn.nn.Sequential;
import jcnn.train.EpochStats;
import jcnn.viz.FilterImages;
import jcnn.viz.Style;
import jcnn.viz.TileGrid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VizCommandTest {
    @TempDir
    Path dir;
    Path model;
    Path image;

    @BeforeEach
    void files() throws Exception {
        Sequential m = Architecture.parseModel("Conv2d(1, 4, 5), ReLU(), MaxPool2d(2), Flatten(), Linear(576, 10)").initialize(Init.heNormal(), 3);
        Map<String, String> info = new LinkedHashMap<>();
        info.put("input-shape", "1, 28, 28");
        info.put("classes", "0,1,2,3,4,5,6,7,8,9");
        info.put("normalize-mean", "0.13");
        info.put("normalize-std", "0.31");
        info.put("data", "mnist10k");
        List<String> history = List.of(new EpochStats(1, 0.9, 0.7, 0.5, 0.85, 0.01, 2, 900).toLine(),
                new EpochStats(2, 0.4, 0.9, 0.3, 0.91, 0.005, 2, 950).toLine());
        model = dir.resolve("m.jcnn");
        ModelFile.save(model, new ModelFile.Contents(m, info, history, Map.of()));
        BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 100, 100);
        g.setColor(Color.BLACK);
        g.fillRect(45, 10, 10, 80);
        g.dispose();
        image = dir.resolve("digit.png");
        ImageIO.write(img, "png", image.toFile());
    }

    /** Runs the command line, returning the exit code and what it printed. */
    static String[] run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static BufferedImage read(Path p) throws Exception {
        assertTrue(Files.isRegularFile(p), p + " was written");
        return ImageIO.read(p.toFile());
    }

    @Test
    void filtersWritesOneGridPerConvolution() throws Exception {
        String[] r = run("viz", "filters", model.toString(), "-o", dir.toString(), "--tile", "20", "--gap", "1");
        assertEquals("0", r[0], r[2]);
        BufferedImage img = read(dir.resolve("filters-0.png"));
        Conv2d conv = (Conv2d) ModelFile.load(model).model().get(0);
        TileGrid expected = FilterImages.grid(conv, new Style(jcnn.viz.Scaling.MIN_MAX, 20, 1), true);
        assertEquals(expected.width(), img.getWidth());
        assertEquals(expected.height(), img.getHeight());
        assertEquals(expected.image().getRGB(expected.tileX(3) + 2, expected.tileY(3) + 2), img.getRGB(expected.tileX(3) + 2, expected.tileY(3) + 2));
        assertTrue(r[1].contains("wrote"));
    }

    @Test
    void mapsDeconvSaliencyCurvesAndConfusion() throws Exception {
        String[] r = run("viz", "maps", model.toString(), image.toString(), "-o", dir.resolve("maps").toString());
        assertEquals("0", r[0], r[2]);
        for (String f : List.of("input.png", "layer-00-conv2d.png", "layer-02-maxpool2d.png", "overview.png")) read(dir.resolve("maps").resolve(f));
        assertTrue(r[1].contains("predicted class: "), r[1]);

        Path deconv = dir.resolve("deconv.png");
        r = run("viz", "deconv", model.toString(), "--layer", "2", "--channel", "1", "--top", "4", "--count", "60", "-o", deconv.toString());
        assertEquals("0", r[0], r[2]);
        read(deconv);
        assertEquals(4, r[1].lines().filter(l -> l.contains("activation")).count(), r[1]);

        Path sal = dir.resolve("sal.png");
        r = run("viz", "saliency", model.toString(), image.toString(), "--class", "3", "-o", sal.toString());
        assertEquals("0", r[0], r[2]);
        read(sal);
        assertTrue(r[1].contains("class: 3"), r[1]);

        Path curves = dir.resolve("curves.png");
        r = run("viz", "curves", model.toString(), "-o", curves.toString(), "--width", "640", "--height", "320");
        assertEquals("0", r[0], r[2]);
        BufferedImage c = read(curves);
        assertEquals(640, c.getWidth());
        assertEquals(320, c.getHeight());

        Path conf = dir.resolve("confusion.png");
        r = run("viz", "confusion", model.toString(), "-o", conf.toString(), "--size", "300");
        assertEquals("0", r[0], r[2]);
        BufferedImage cm = read(conf);
        assertEquals(300, cm.getWidth());
        assertEquals(300, cm.getHeight());
        assertTrue(r[1].contains("on 2000 images of mnist10k/test"), r[1]);
    }

    @Test
    void badRequestsAreUsageErrors() throws Exception {
        String[] r = run("viz", "deconv", model.toString(), "--layer", "4");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("cannot project through layer 3"), r[2]);
        r = run("viz", "filters", model.toString(), "--layer", "1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is not a Conv2d"), r[2]);
        r = run("viz", "maps", model.toString(), dir.resolve("missing.png").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no image file"), r[2]);
        r = run("viz", "saliency", model.toString(), image.toString(), "--class", "10");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("class 10 outside [0, 10)"), r[2]);
        Path noHistory = dir.resolve("plain.jcnn");
        ModelFile.save(noHistory, ModelFile.Contents.of(ModelFile.load(model).model()));
        r = run("viz", "curves", noHistory.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("records no training history"), r[2]);
        r = run("viz", "maps", model.toString(), image.toString(), "--fit", "zoom");
        assertEquals("2", r[0]);
        r = run("viz");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("Usage: jcnn viz"), r[1]);
    }

    @Test
    void serveChecksItsOptionsBeforeStarting() {
        String[] r = run("serve", "--port", "70000");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--port must be in [0, 65535]"), r[2]);
        r = run("serve", dir.resolve("none.jcnn").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no model file"), r[2]);
        r = run("serve", "--epochs", "3");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("apply to --train"), r[2]);
        r = run("serve", "--max-body", "10");
        assertEquals("2", r[0]);
    }
}
