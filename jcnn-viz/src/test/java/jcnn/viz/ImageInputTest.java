package jcnn.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jcnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ImageInputTest {

    static BufferedImage canvas(int w, int h, Color bg, Color ink, int x, int y, int bw, int bh) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(bg);
        g.fillRect(0, 0, w, h);
        g.setColor(ink);
        g.fillRect(x, y, bw, bh);
        g.dispose();
        return img;
    }

    static double[] centreOfMass(Tensor t, int h, int w) {
        double m = 0, my = 0, mx = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = t.data()[y * w + x];
                m += v;
                my += v * y;
                mx += v * x;
            }
        }
        return new double[] {my / m, mx / m, m};
    }

    @Test
    void digitFitCentresTheInkAndScalesItToTwentyPixels() {
        // a 40x10 white bar in the top-left corner of a black 280x280 canvas
        BufferedImage img = canvas(280, 280, Color.BLACK, Color.WHITE, 10, 20, 40, 100);
        Tensor t = ImageInput.toTensor(img, new int[] {1, 28, 28}, ImageInput.Fit.DIGIT);
        assertTrue(t.hasShape(1, 1, 28, 28));
        double[] c = centreOfMass(t, 28, 28);
        assertEquals(13.5, c[0], 0.6);
        assertEquals(13.5, c[1], 0.6);
        int rows = 0, cols = 0;
        for (int y = 0; y < 28; y++) {
            boolean any = false;
            for (int x = 0; x < 28; x++) any |= t.get(0, 0, y, x) > 0.5f;
            if (any) rows++;
        }
        for (int x = 0; x < 28; x++) {
            boolean any = false;
            for (int y = 0; y < 28; y++) any |= t.get(0, 0, y, x) > 0.5f;
            if (any) cols++;
        }
        assertEquals(20, rows, "the longer side fills the 20-pixel box");
        assertEquals(8, cols, "the aspect ratio is kept (100:40 -> 20:8)");
    }

    @Test
    void darkInkOnLightPaperIsInverted() {
        BufferedImage img = canvas(100, 100, Color.WHITE, Color.BLACK, 40, 10, 20, 80);
        Tensor t = ImageInput.toTensor(img, new int[] {1, 28, 28}, ImageInput.Fit.AUTO);
        assertEquals(0f, t.get(0, 0, 0, 0));
        assertTrue(t.get(0, 0, 14, 14) > 0.9f, "the stroke is bright after inversion");
    }

    @Test
    void transparentBackgroundCountsAsWhite() {
        BufferedImage img = canvas(50, 50, new Color(0, 0, 0, 0), Color.BLACK, 20, 5, 10, 40);
        Tensor t = ImageInput.toTensor(img, new int[] {1, 28, 28}, ImageInput.Fit.DIGIT);
        assertTrue(t.get(0, 0, 14, 14) > 0.9f);
        assertEquals(0f, t.get(0, 0, 2, 2));
    }

    @Test
    void blankPictureGivesAZeroInput() {
        Tensor t = ImageInput.toTensor(canvas(30, 30, Color.BLACK, Color.BLACK, 0, 0, 1, 1), new int[] {1, 28, 28}, ImageInput.Fit.DIGIT);
        assertEquals(0.0, t.sum());
    }

    @Test
    void stretchAveragesAreas() {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xffffff);
        img.setRGB(3, 1, 0xff0000);
        Tensor t = ImageInput.toTensor(img, new int[] {3, 1, 2}, ImageInput.Fit.AUTO); // colour: stretch
        assertEquals(0.25f, t.get(0, 0, 0, 0), 1e-6); // red of the left 2x2 block: one white pixel
        assertEquals(0.25f, t.get(0, 1, 0, 0), 1e-6);
        assertEquals(0.25f, t.get(0, 0, 0, 1), 1e-6); // right block: one red pixel
        assertEquals(0f, t.get(0, 1, 0, 1), 1e-6);
        Tensor grey = ImageInput.toTensor(img, new int[] {1, 2, 4}, ImageInput.Fit.STRETCH);
        assertEquals(1f, grey.get(0, 0, 0, 0), 1e-6);
        assertEquals(0.299f, grey.get(0, 0, 1, 3), 1e-6);
    }

    @Test
    void nonImagesAreRefusedWithAClearMessage() {
        IOException e = assertThrows(IOException.class, () -> ImageInput.decode("hello, not a picture".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("not a PNG, JPEG, GIF or BMP image"), e.getMessage());
        assertThrows(IOException.class, () -> ImageInput.decode(new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> ImageInput.toTensor(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), new int[] {2, 4, 4}, ImageInput.Fit.AUTO));
    }

    @Test
    void pngRoundTrip() throws Exception {
        BufferedImage img = canvas(7, 5, Color.BLACK, new Color(10, 200, 30), 1, 1, 3, 2);
        BufferedImage back = ImageInput.decode(Png.encode(img));
        for (int y = 0; y < 5; y++) for (int x = 0; x < 7; x++) assertEquals(img.getRGB(x, y), back.getRGB(x, y));
        assertTrue(Png.dataUrl(img).startsWith("data:image/png;base64,iVBOR"));
    }
}
